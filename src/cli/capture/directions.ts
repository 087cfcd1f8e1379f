/**
 * The two directions of a conversation, decoded apart: each direction has its own
 * `createDecoder`, with `from` set to the side that sends it once the roles are known.
 * Until then its bytes are held (and probed: the first message that decodes tells its
 * sender), then decoded. Shared by TCP connections in a capture and by the directions of
 * a log (RX and TX of a serial terminal, the two nodes of `tshark -z follow`).
 *
 * @module
 */

import { createDecoder, messageTypes, type DecoderItem, type Sender, type StreamDecoder, type StreamDecoderOptions } from '../../index.js';
import { StrayTracker, type Row } from '../rows.js';
import type { CaptureTime } from './pcap.js';
import type { StreamPiece } from './reassembly.js';

/** A row of a capture or a log: the time of the packet or line that completed it, its connection and sender. */
export interface CaptureRow {
  readonly row: Row;
  readonly time: CaptureTime | undefined;
  /** `sender → receiver`, e.g. `10.0.0.2:51234 → 10.0.0.1:9000`, or a log's direction tag (`RX`); undefined for a problem of the file. */
  readonly connection: string | undefined;
  /** The side that sent the bytes; undefined when the capture does not tell. */
  readonly from: Sender | undefined;
  /** The connection's number in a capture, or the conversation's in a log (as in its summary); undefined for a problem of the file and for what a log gives no direction. */
  readonly connectionId?: number | undefined;
}

/** How the roles of a connection were decided. */
export type RoleSource = 'server port' | 'SYN' | 'earlier connection' | 'log' | 'frames' | 'unknown';

/** What decoding a direction needs: the decoder options (but `from`) and whether --strict is on. */
export interface DirectionOptions {
  /** The decoder options, but `from`: each direction gets its own. */
  readonly decoder: StreamDecoderOptions;
  readonly strict: boolean;
  /**
   * The sender an item shows, while the roles are unknown: by default the side that
   * sends a decoded message's type. `detect`, which decodes in no known dialect, takes a
   * frame's command word instead.
   */
  readonly senderOf?: ((item: DecoderItem) => Sender | undefined) | undefined;
}

/** The side that sends a decoded message's type. */
const senderOfMessage = (item: DecoderItem): Sender | undefined => (item.kind === 'message' ? messageTypes[item.message.type].sender : undefined);

/** Bytes held per direction, while no frame has told the roles, before giving up on knowing them. */
export const MAX_HELD_BYTES = 64 * 1024;

/** One direction of a conversation: its decoder, and its bytes held until the roles are known. */
export class DirectionDecoder {
  from: Sender | undefined;
  private decoder: StreamDecoder | undefined;
  private probe: StreamDecoder | undefined;
  private held: Array<{ time: CaptureTime | undefined; piece: StreamPiece }> = [];
  heldBytes = 0;
  /** Stream position of the decoder's byte 0, and of the next byte. */
  private base = 0;
  private position = 0;
  private strays: StrayTracker;
  frames = 0;
  bytes = 0;
  missingBytes = 0;

  constructor(
    /** What rows show as their connection: `sender → receiver`, or a log's direction tag. */
    readonly label: string | undefined,
    private readonly options: DirectionOptions,
    /** The connection's number in a capture, or the conversation's in a log. */
    private readonly connectionId?: number,
  ) {
    this.strays = new StrayTracker(options.strict, (options.decoder.dialect?.lineEnding ?? '\r\n').length);
  }

  /** Pieces of the stream while the roles are unknown: held, and the sender of the first message that decodes (if any). */
  hold(time: CaptureTime | undefined, pieces: readonly StreamPiece[]): Sender | undefined {
    let sender: Sender | undefined;
    for (const piece of pieces) {
      this.held.push({ time, piece });
      this.probe ??= createDecoder(this.options.decoder);
      const items = piece.kind === 'data' ? this.probe.push(piece.bytes) : this.probe.end();
      if (piece.kind === 'data') this.heldBytes += piece.bytes.length;
      for (const item of items) sender ??= (this.options.senderOf ?? senderOfMessage)(item);
    }
    return sender;
  }

  /** The roles are known (or will never be): decodes what was held. */
  start(from: Sender | undefined): CaptureRow[] {
    this.from = from;
    this.probe = undefined;
    const rows: CaptureRow[] = [];
    for (const { time, piece } of this.held) rows.push(...this.feed(time, [piece]));
    this.held = [];
    return rows;
  }

  /** Decodes pieces of the stream. */
  feed(time: CaptureTime | undefined, pieces: readonly StreamPiece[]): CaptureRow[] {
    const rows: CaptureRow[] = [];
    for (const piece of pieces) {
      if (piece.kind === 'data') {
        this.decoder ??= this.newDecoder();
        this.bytes += piece.bytes.length;
        this.position += piece.bytes.length;
        rows.push(...this.rows(time, this.decoder.push(piece.bytes), undefined));
      } else {
        rows.push(...this.rows(time, this.decoder?.end() ?? [], this.position));
        rows.push(this.place(time, { kind: 'gap', offset: this.position, length: piece.length }));
        this.missingBytes += piece.length;
        this.position += piece.length;
        this.base = this.position;
        this.strays.skipTo(this.position);
        this.decoder = undefined;
      }
    }
    return rows;
  }

  /** The end of the stream: `last`, the pieces that end it, then what the decoder held. */
  end(time: CaptureTime | undefined, last: readonly StreamPiece[] = []): CaptureRow[] {
    const rows = this.feed(time, last);
    rows.push(...this.rows(time, this.decoder?.end() ?? [], this.position));
    // Anything after the end (which TCP does not send) starts afresh, and is ended again.
    this.decoder = undefined;
    this.base = this.position;
    this.strays.skipTo(this.position);
    return rows;
  }

  private newDecoder(): StreamDecoder {
    return createDecoder(this.from === undefined ? this.options.decoder : { ...this.options.decoder, from: this.from });
  }

  private rows(time: CaptureTime | undefined, items: readonly DecoderItem[], end: number | undefined): CaptureRow[] {
    const placed = items.map((item) => ({ ...item, offset: item.offset + this.base }) as DecoderItem);
    for (const item of placed) if (item.kind === 'message' || item.kind === 'error' || item.kind === 'truncated' || item.kind === 'tooLong') this.frames++;
    return this.strays.rows(placed, end).map((row) => this.place(time, row));
  }

  private place(time: CaptureTime | undefined, row: Row): CaptureRow {
    return { row, time, connection: this.label, from: this.from, connectionId: this.connectionId };
  }
}

/**
 * The directions of one conversation (two at most), whose roles are decided together:
 * once one direction's sender is known, the other one's is the other side.
 */
export class DirectionPair<D extends DirectionDecoder> {
  roles: RoleSource | undefined;
  /** A direction and the side it is, once the roles are known (undefined: they stay unknown). */
  private known: { readonly direction: D; readonly from: Sender } | undefined;
  /** The directions, the first one seen first. */
  readonly directions: D[] = [];

  /** Adds a direction (decoding it at once when the roles are known). */
  add(direction: D): D {
    this.directions.push(direction);
    if (this.roles !== undefined) direction.start(this.senderOf(direction));
    return direction;
  }

  /** Sets the roles: `direction` is sent by `from`. Returns the rows of what was held. */
  decide(direction: D, from: Sender | undefined, how: RoleSource): CaptureRow[] {
    this.roles = how;
    if (from !== undefined) this.known = { direction, from };
    // What each direction held, in time order (a stable sort keeps each direction's order).
    const rows = this.directions.flatMap((each) => each.start(this.senderOf(each)));
    const at = (row: CaptureRow) => row.time?.nanoseconds ?? 0n;
    return rows.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
  }

  private senderOf(direction: D): Sender | undefined {
    if (this.known === undefined) return undefined;
    const { direction: knownDirection, from } = this.known;
    return direction === knownDirection ? from : from === 'device' ? 'server' : 'device';
  }
}

/** Problems of a file (a damaged packet, a line a log reader cannot read): a row the first time each kind is met, counted after. */
export class ProblemRows {
  private readonly counts = new Map<string, number>();

  /** The row for a problem, or none when a problem of its `kind` was already shown. */
  add(message: string, kind = message): CaptureRow[] {
    const seen = this.counts.get(kind) ?? 0;
    this.counts.set(kind, seen + 1);
    return seen > 0 ? [] : [{ row: { kind: 'captureProblem', message }, time: undefined, connection: undefined, from: undefined }];
  }

  /** Problems met more than once: their kind and count. */
  repeated(): Array<{ reason: string; count: number }> {
    return [...this.counts].filter(([, count]) => count > 1).map(([reason, count]) => ({ reason, count }));
  }
}
