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

import { tcpSegmentOf, type Endpoint, type TcpSegment } from './packets.js';
import type { CapturedPacket, CaptureTime } from './pcap.js';
import { DirectionStream } from './reassembly.js';
import { DirectionDecoder, DirectionPair, MAX_HELD_BYTES, ProblemRows, type CaptureRow, type DirectionOptions, type RoleSource } from './directions.js';
import type { Sender } from '../../index.js';

export type { CaptureRow, RoleSource } from './directions.js';

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

export interface SessionOptions extends DirectionOptions {
  readonly serverPort: number | undefined;
}

const endpointText = (endpoint: Endpoint) => `${endpoint.address}:${endpoint.port}`;

/** One direction of a TCP connection: its reassembly, then its decoder. */
class Direction extends DirectionDecoder {
  readonly stream = new DirectionStream();

  constructor(
    readonly source: Endpoint,
    destination: Endpoint,
    options: DirectionOptions,
    connectionId: number,
  ) {
    super(`${endpointText(source)} → ${endpointText(destination)}`, options, connectionId);
  }

  /** The end of the stream (a FIN with every byte before it, or the end of the capture): what the decoder held. */
  override end(time: CaptureTime | undefined): CaptureRow[] {
    return super.end(time, this.stream.finish());
  }

  summary(): DirectionSummary {
    const { stream } = this;
    return { from: this.from, connection: this.label ?? '', bytes: this.bytes, frames: this.frames, missingBytes: this.missingBytes, retransmittedBytes: stream.retransmittedBytes, outOfOrderSegments: stream.outOfOrderSegments, bytesBeforeStart: stream.bytesBeforeStart };
  }
}

class Connection extends DirectionPair<Direction> {
  lastTime: CaptureTime | undefined;

  constructor(readonly id: number) {
    super();
  }

  direction(segment: TcpSegment, options: DirectionOptions): Direction {
    const key = endpointText(segment.source);
    return this.directions.find((direction) => endpointText(direction.source) === key) ?? this.add(new Direction(segment.source, segment.destination, options, this.id));
  }
}

/** The connections of one capture, fed packet by packet. */
export class CaptureSession {
  private readonly connections = new Map<string, Connection>();
  private readonly finished: Connection[] = [];
  private count = 0;
  /** Endpoints that accepted a connection (the server side of a SYN). */
  private readonly servers = new Set<string>();
  private readonly problems = new ProblemRows();

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
    return this.problems.add(message, kind);
  }

  /** Problems met more than once: their kind and count. */
  repeatedProblems(): Array<{ reason: string; count: number }> {
    return this.problems.repeated();
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
