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
  /** A valid frame from the station of this link (`link.imei` is set). */
  message(link: HubLink, message: Message, now: number): void;
  /** The first valid frame: binds the link to `imei`. */
  bind(link: HubLink, imei: string, now: number): void;
  /** The connection is over. */
  gone(link: HubLink, why: LinkEnd, now: number): void;
}

/** The largest piece of a chunk decoded before the garbage budget is checked again. */
const SLICE = 4_096;

/** A connection of the hub. @internal */
export class HubLink implements StationLink {
  imei: string | undefined = undefined;
  /** The station it is bound to (set with `imei`). */
  station: StationState | undefined = undefined;
  isClosed = false;
  /** The time of this link's current entry in the hub's deadlines (`Infinity`: none). */
  scheduled = Infinity;
  private readonly decoder: StreamDecoder;
  private garbage = 0;
  private lastFrame: number;
  /** Frames the connection may still send now: `maxFramesPerSecond` at most, refilled with time. */
  private frames: number;
  private refilledAt: number;

  constructor(
    private readonly owner: LinkOwner,
    private readonly transport: Transport,
    private readonly openedAt: number,
  ) {
    const { dialect, mode, maxFrameLength } = owner.settings;
    this.decoder = createDecoder({ from: 'device', dialect, mode, maxFrameLength });
    this.lastFrame = openedAt;
    this.frames = owner.settings.maxFramesPerSecond;
    this.refilledAt = openedAt;
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
        for (const item of this.decoder.push(length <= SLICE ? chunk : chunk.subarray(start, start + SLICE))) {
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

  /** When the connection is due to be closed for saying nothing. */
  get deadline(): number {
    const { heartbeatTimeoutMs, helloTimeoutMs } = this.owner.settings;
    return this.imei === undefined ? this.openedAt + helloTimeoutMs : this.lastFrame + heartbeatTimeoutMs;
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
        if (this.imei === undefined) {
          if (this.isClosed) return;
          this.owner.bind(this, message.imei, now);
        }
        if (message.imei !== this.imei) {
          this.owner.emit({ type: 'violation', at: now, ...this.named(), reason: 'otherImei', message });
          this.spend(item.length, now);
          return;
        }
        this.garbage = Math.max(0, this.garbage - item.length);
        this.lastFrame = now;
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

  /** Takes one frame from the rate budget (a token bucket refilled by the time since the last frame); closes the connection when it is empty. */
  private mayFrame(now: number): boolean {
    const { maxFramesPerSecond } = this.owner.settings;
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt += elapsed;
    this.frames = Math.min(maxFramesPerSecond, this.frames + (elapsed * maxFramesPerSecond) / 1_000) - 1;
    if (this.frames >= 0) return true;
    this.owner.emit({ type: 'abusive', at: now, ...this.named(), reason: 'rate' });
    this.shut('abusive', now);
    return false;
  }

  /** `{ imei }` once the link is bound, else nothing. */
  private named(): { imei?: string } {
    return this.imei === undefined ? {} : { imei: this.imei };
  }
}
