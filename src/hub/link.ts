/**
 * One connection of the hub: its decoder, the IMEI it is bound to, its liveness
 * deadline, its garbage budget and its frame rate. Sans-I/O: it is handed bytes and the time, and
 * calls the transport's `send` and `close`.
 *
 * @module
 */

import { encode } from '../encode.js';
import type { Message } from '../messages/index.js';
import { createDecoder, type DecoderItem, type StreamDecoder } from '../stream/decoder.js';
import type { HubEvent } from './events.js';
import type { HubSettings } from './options.js';
import type { StationState } from './station.js';

/**
 * The two things the hub needs from a connection: write bytes to it, and close it.
 * Wrap a `node:net` socket as `{ send: (bytes) => socket.write(bytes), close: () => socket.destroy() }`.
 *
 * @example
 * ```ts
 * import type { Transport } from 'powerbank-codec';
 *
 * const sent: Uint8Array[] = [];
 * const transport: Transport = { send: (bytes) => void sent.push(bytes), close: () => {} };
 * ```
 */
export interface Transport {
  /** Writes `bytes` (one whole frame) to the connection. */
  send(bytes: Uint8Array): void;
  /** Closes the connection (the hub has already forgotten it). */
  close(): void;
}

/**
 * One connection, as {@link StationHub.connect} returns it: feed it what the socket
 * reads, and tell it when the socket closes.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:net';
 * import { createStationHub } from 'powerbank-codec';
 *
 * const hub = createStationHub({ ownership: () => true });
 * createServer((socket) => {
 *   const link = hub.connect({ send: (bytes) => socket.write(bytes), close: () => socket.destroy() }, Date.now());
 *   socket.on('data', (chunk) => link.receive(chunk, Date.now()));
 *   socket.on('close', () => link.closed(Date.now()));
 *   socket.on('error', () => {}); // 'close' follows
 * }).listen(9000);
 * ```
 */
export interface StationLink {
  /** Bytes read from the connection, in any chunking. Never throws because of their content. */
  receive(chunk: Uint8Array, now: number): void;
  /** The connection closed (by the peer, or after `close()`). Idempotent. */
  closed(now: number): void;
  /** The IMEI of the station the connection is bound to (its first valid frame), or `undefined` before. */
  readonly imei: string | undefined;
  /** Whether the hub is done with this connection (closed by either side). */
  readonly isClosed: boolean;
}

/** Why a connection ended. @internal */
export type LinkEnd = 'closed' | 'silent' | 'hello' | 'abusive' | 'sendFailed' | 'replaced' | 'disconnected' | 'handedOff';

/** What a connection tells its hub. @internal */
export interface LinkOwner {
  readonly settings: HubSettings;
  emit(event: HubEvent): void;
  /** A call from outside begins: `true` for the outermost call, which must then call `leave`. */
  enter(): boolean;
  /** The outermost call ends: the events it caused are delivered. */
  leave(): void;
  /** A valid frame from the station of this link (`link.station` is set). */
  message(link: HubLink, message: Message, now: number): void;
  /** The first valid frame: binds the link to the station `imei` (sets `link.station`). */
  bind(link: HubLink, imei: string, now: number): void;
  /** The connection is over. */
  gone(link: HubLink, why: LinkEnd, now: number): void;
}

/** The largest piece of a chunk decoded before the garbage budget is checked again. */
const SLICE = 4_096;

/**
 * A connection of the hub. A server holds one per station, most of them idle, so it
 * keeps few fields: the station it is bound to gives its IMEI and the time of its last
 * valid frame. @internal
 */
export class HubLink implements StationLink {
  /** The station it is bound to, from its first valid frame. */
  station: StationState | undefined = undefined;
  isClosed = false;
  /** The time of this link's current entry in the hub's deadlines (`Infinity`: none). */
  scheduled = Infinity;
  private readonly decoder: StreamDecoder;
  private garbage = 0;
  /**
   * The frame rate, as one time: each valid frame moves it on by `1000 / maxFramesPerSecond`
   * ms from now or from where it was, whichever is later; a frame that would move it more
   * than a second ahead of now is one too many. That is a bucket of `maxFramesPerSecond`
   * frames refilled at that rate, kept in one number.
   */
  private rateTime: number;

  constructor(
    private readonly owner: LinkOwner,
    private readonly transport: Transport,
    private readonly openedAt: number,
  ) {
    this.decoder = createDecoder(owner.settings.decoding);
    this.rateTime = openedAt;
  }

  get imei(): string | undefined {
    return this.station?.imei;
  }

  receive(chunk: Uint8Array, now: number): void {
    if (this.isClosed) return;
    const outermost = this.owner.enter();
    try {
      const length = chunk.length;
      for (let start = 0; start < length && !this.isClosed; start += SLICE) {
        // Once the connection is closed, the messages already decoded are still handled (a
        // report after a flood is billed; its acknowledgement cannot go out, so the station
        // sends it again), the rest of the chunk is not decoded.
        const items = this.decoder.push(length <= SLICE ? chunk : chunk.subarray(start, start + SLICE));
        for (let i = 0; i < items.length; i++) {
          const item = items[i]!;
          if (!this.isClosed || item.kind === 'message') this.handle(item, now);
        }
      }
    } finally {
      if (outermost) this.owner.leave();
    }
  }

  closed(now: number): void {
    if (this.isClosed) return;
    const outermost = this.owner.enter();
    try {
      this.isClosed = true;
      this.owner.gone(this, 'closed', now);
    } finally {
      if (outermost) this.owner.leave();
    }
  }

  /** When the connection is due to be closed for saying nothing: a while after it opened, or after its station's last valid frame. */
  get deadline(): number {
    const { station } = this;
    return station === undefined ? this.openedAt + this.owner.settings.helloTimeoutMs : station.lastSeen! + this.owner.settings.heartbeatTimeoutMs;
  }

  /** Encodes and sends `message`; `false` when it could not (closed, or `send` threw, which closes the connection). */
  send(message: Message, now: number): boolean {
    if (this.isClosed) return false;
    try {
      this.transport.send(encode(message, this.owner.settings.encoding));
      return true;
    } catch (error) {
      this.owner.emit({ type: 'linkError', at: now, ...this.named(), during: 'send', error });
      this.shut('sendFailed', now);
      return false;
    }
  }

  /** Closes the connection from our side, once. */
  shut(why: LinkEnd, now: number): void {
    if (this.isClosed) return;
    this.isClosed = true;
    try {
      this.transport.close();
    } catch (error) {
      this.owner.emit({ type: 'linkError', at: now, ...this.named(), during: 'close', error });
    }
    this.owner.gone(this, why, now);
  }

  private handle(item: DecoderItem, now: number): void {
    switch (item.kind) {
      case 'message': {
        const { message } = item;
        if (!this.isClosed && !this.mayFrame(now)) return;
        if (this.station === undefined) {
          if (this.isClosed) return;
          this.owner.bind(this, message.imei, now);
        }
        if (message.imei !== this.station!.imei) {
          this.owner.emit({ type: 'violation', at: now, ...this.named(), reason: 'otherImei', message });
          this.spend(item.length, now);
          return;
        }
        this.garbage = Math.max(0, this.garbage - item.length);
        this.owner.message(this, message, now);
        return;
      }
      case 'lineEnding':
        return;
      case 'error':
        this.owner.emit({ type: 'frameError', at: now, ...this.named(), error: item.error });
        this.spend(item.length, now);
        return;
      default:
        this.owner.emit({ type: 'frameError', at: now, ...this.named(), discarded: item });
        this.spend(item.length, now);
    }
  }

  private spend(bytes: number, now: number): void {
    this.garbage += bytes;
    if (this.isClosed || this.garbage <= this.owner.settings.garbageBudgetBytes) return;
    this.owner.emit({ type: 'abusive', at: now, ...this.named(), reason: 'garbage' });
    this.shut('abusive', now);
  }

  /** Counts a valid frame against the rate (see `rateTime`); closes the connection when there is one too many. */
  private mayFrame(now: number): boolean {
    const { frameInterval } = this.owner.settings;
    const due = Math.max(this.rateTime, now) + frameInterval;
    if (due - now <= 1_000) {
      this.rateTime = due;
      return true;
    }
    this.owner.emit({ type: 'abusive', at: now, ...this.named(), reason: 'rate' });
    this.shut('abusive', now);
    return false;
  }

  /** `{ imei }` once the link is bound, else nothing. */
  private named(): { imei?: string } {
    return this.station === undefined ? {} : { imei: this.station.imei };
  }
}
