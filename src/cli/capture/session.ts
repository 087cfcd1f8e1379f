/**
 * The TCP connections of a capture: packets in, rows out. Each direction of each
 * connection is reassembled on its own and fed to its own `createDecoder`, with `from`
 * set by the side that sends it; each row carries the time of the packet that completed
 * it and the connection it belongs to.
 *
 * Which side is the station (device): the side whose port is the server port given with
 * --server-port; else the side that sent the SYN (stations connect to the server); else
 * the side that connects to an address and port that was a server earlier in the
 * capture; else what the first frame that decodes says (a station sends CH, AQ, MC, MR,
 * MQ; the server sends the others); else it stays unknown and frames are decoded
 * without a direction.
 *
 * @module
 */

import { createDecoder, messageTypes, type DecoderItem, type Sender, type StreamDecoder, type StreamDecoderOptions } from '../../index.js';
import { StrayTracker, type Row } from '../rows.js';
import { tcpSegmentOf, type Endpoint, type TcpSegment } from './packets.js';
import type { CapturedPacket, CaptureTime } from './pcap.js';
import { DirectionStream, type StreamPiece } from './reassembly.js';

/** A row of a capture: the time of the packet that completed it, its connection and sender. */
export interface CaptureRow {
  readonly row: Row;
  readonly time: CaptureTime | undefined;
  /** `sender → receiver`, e.g. `10.0.0.2:51234 → 10.0.0.1:9000`; undefined for a problem of the file. */
  readonly connection: string | undefined;
  /** The side that sent the bytes; undefined when the capture does not tell. */
  readonly from: Sender | undefined;
  /** The connection's number (as in its summary); undefined for a problem of the file. */
  readonly connectionId?: number | undefined;
}

/** How the roles of a connection were decided. */
export type RoleSource = 'server port' | 'SYN' | 'earlier connection' | 'frames' | 'unknown';

/** What a connection carried, one direction. */
export interface DirectionSummary {
  readonly from: Sender | undefined;
  readonly connection: string;
  readonly bytes: number;
  readonly frames: number;
  readonly missingBytes: number;
  readonly retransmittedBytes: number;
  readonly outOfOrderSegments: number;
  readonly bytesBeforeStart: number;
}

export interface ConnectionSummary {
  readonly id: number;
  readonly roles: RoleSource;
  readonly directions: readonly DirectionSummary[];
}

export interface SessionOptions {
  /** The decoder options, but `from`: each direction gets its own. */
  readonly decoder: StreamDecoderOptions;
  readonly serverPort: number | undefined;
  readonly strict: boolean;
}

/** Bytes held per direction, while no frame has told the roles, before giving up on knowing them. */
const MAX_HELD_BYTES = 64 * 1024;

const endpointText = (endpoint: Endpoint) => `${endpoint.address}:${endpoint.port}`;

class Direction {
  readonly stream = new DirectionStream();
  readonly label: string;
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
    readonly source: Endpoint,
    destination: Endpoint,
    private readonly options: SessionOptions,
    private readonly connectionId: number,
  ) {
    this.label = `${endpointText(source)} → ${endpointText(destination)}`;
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
      for (const item of items) if (item.kind === 'message' && sender === undefined) sender = messageTypes[item.message.type].sender;
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

  /** The end of the stream (a FIN with every byte before it, or the end of the capture): what the decoder held. */
  end(time: CaptureTime | undefined): CaptureRow[] {
    const rows = this.feed(time, this.stream.finish());
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

  summary(): DirectionSummary {
    const { stream } = this;
    return { from: this.from, connection: this.label, bytes: this.bytes, frames: this.frames, missingBytes: this.missingBytes, retransmittedBytes: stream.retransmittedBytes, outOfOrderSegments: stream.outOfOrderSegments, bytesBeforeStart: stream.bytesBeforeStart };
  }
}

class Connection {
  roles: RoleSource | undefined;
  /** An end and the side it is, once the roles are known (undefined: they stay unknown). */
  private known: { readonly source: string; readonly from: Sender } | undefined;
  /** The directions, the first one seen first. */
  readonly directions: Direction[] = [];
  lastTime: CaptureTime | undefined;

  constructor(readonly id: number) {}

  direction(segment: TcpSegment, options: SessionOptions): Direction {
    const key = endpointText(segment.source);
    let found = this.directions.find((direction) => endpointText(direction.source) === key);
    if (found === undefined) {
      found = new Direction(segment.source, segment.destination, options, this.id);
      this.directions.push(found);
      if (this.roles !== undefined) found.start(this.senderOf(found));
    }
    return found;
  }

  /** Sets the roles: `direction` is sent by `from`. Returns the rows of what was held. */
  decide(direction: Direction, from: Sender | undefined, how: RoleSource): CaptureRow[] {
    this.roles = how;
    if (from !== undefined) this.known = { source: endpointText(direction.source), from };
    // What each direction held, in capture order (a stable sort keeps each direction's order).
    const rows = this.directions.flatMap((each) => each.start(this.senderOf(each)));
    const at = (row: CaptureRow) => row.time?.nanoseconds ?? 0n;
    return rows.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
  }

  private senderOf(direction: Direction): Sender | undefined {
    if (this.known === undefined) return undefined;
    const { source, from } = this.known;
    return endpointText(direction.source) === source ? from : from === 'device' ? 'server' : 'device';
  }
}

/** The connections of one capture, fed packet by packet. */
export class CaptureSession {
  private readonly connections = new Map<string, Connection>();
  private readonly finished: Connection[] = [];
  private count = 0;
  /** Endpoints that accepted a connection (the server side of a SYN). */
  private readonly servers = new Set<string>();
  private readonly problems = new Map<string, number>();

  constructor(private readonly options: SessionOptions) {}

  /** A captured packet: the rows it completes. */
  packet(packet: CapturedPacket): CaptureRow[] {
    const segment = tcpSegmentOf(packet.linkType, packet.data);
    if (segment.kind === 'notTcp') return segment.problem ? this.problem(`packet ${packet.number}: ${segment.reason}`, segment.reason) : [];
    const ends = [endpointText(segment.source), endpointText(segment.destination)].sort();
    const key = ends.join(' ');
    let connection = this.connections.get(key);
    const rows: CaptureRow[] = [];
    const opening = segment.syn && !segment.ack;
    if (connection !== undefined && opening && connection.directions.some((direction) => direction.bytes > 0 || direction.heldBytes > 0)) {
      // The same ports again: a new connection.
      rows.push(...this.close(connection));
      connection = undefined;
    }
    if (connection === undefined) {
      connection = new Connection(++this.count);
      this.connections.set(key, connection);
    }
    connection.lastTime = packet.time;
    const direction = connection.direction(segment, this.options);
    if (segment.syn) {
      direction.stream.syn(segment.sequence);
      this.servers.add(endpointText(opening ? segment.destination : segment.source));
    }
    if (connection.roles === undefined) {
      const decided = this.rolesByEndpoints(segment);
      if (decided !== undefined) rows.push(...connection.decide(direction, decided.from, decided.how));
    }
    const sequence = segment.syn ? (segment.sequence + 1) >>> 0 : segment.sequence;
    const pieces = direction.stream.segment(sequence, segment.payload, segment.missing);
    if (segment.fin) direction.stream.fin(sequence, segment.payload.length + segment.missing);
    if (connection.roles !== undefined) {
      rows.push(...direction.feed(packet.time, pieces));
      // The station hung up: a frame it left unfinished is reported now, not at the end of the capture.
      if (direction.stream.complete) rows.push(...direction.end(packet.time));
      return rows;
    }
    const sender = direction.hold(packet.time, pieces);
    if (sender !== undefined) rows.push(...connection.decide(direction, sender, 'frames'));
    else if (direction.heldBytes > MAX_HELD_BYTES) rows.push(...connection.decide(direction, undefined, 'unknown'));
    return rows;
  }

  /** Who sends `segment`, when its ports or flags tell. */
  private rolesByEndpoints(segment: TcpSegment): { from: Sender; how: RoleSource } | undefined {
    const { serverPort } = this.options;
    if (serverPort !== undefined) {
      if (segment.destination.port === serverPort) return { from: 'device', how: 'server port' };
      if (segment.source.port === serverPort) return { from: 'server', how: 'server port' };
    }
    if (segment.syn) return { from: segment.ack ? 'server' : 'device', how: 'SYN' };
    if (this.servers.has(endpointText(segment.destination))) return { from: 'device', how: 'earlier connection' };
    if (this.servers.has(endpointText(segment.source))) return { from: 'server', how: 'earlier connection' };
    return undefined;
  }

  /** A problem of the file or of a packet: a row the first time each `kind` of problem is met. */
  problem(message: string, kind = message): CaptureRow[] {
    const seen = this.problems.get(kind) ?? 0;
    this.problems.set(kind, seen + 1);
    return seen > 0 ? [] : [{ row: { kind: 'captureProblem', message }, time: undefined, connection: undefined, from: undefined }];
  }

  /** Problems met more than once: their kind and count. */
  repeatedProblems(): Array<{ reason: string; count: number }> {
    return [...this.problems].filter(([, count]) => count > 1).map(([reason, count]) => ({ reason, count }));
  }

  private close(connection: Connection): CaptureRow[] {
    const rows = connection.roles === undefined ? connection.decide(connection.directions[0]!, undefined, 'unknown') : [];
    for (const direction of connection.directions) rows.push(...direction.end(connection.lastTime));
    this.finished.push(connection);
    for (const [key, value] of this.connections) if (value === connection) this.connections.delete(key);
    return rows;
  }

  /** The end of the capture: every connection's last rows. */
  end(): CaptureRow[] {
    return [...this.connections.values()].flatMap((connection) => this.close(connection));
  }

  /** Every connection so far, in the order they appeared. */
  summaries(): ConnectionSummary[] {
    return [...this.finished, ...this.connections.values()]
      .sort((a, b) => a.id - b.id)
      .map((connection) => ({ id: connection.id, roles: connection.roles ?? 'unknown', directions: connection.directions.map((direction) => direction.summary()) }));
  }
}
