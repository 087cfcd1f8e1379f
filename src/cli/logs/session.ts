/**
 * The records of a log, decoded: each direction the log names (RX and TX, `->` and `<-`,
 * the two nodes of a followed TCP stream) by its own `createDecoder`, with `from` set to
 * the side that sends it, as a capture's connections are; records the log gives no
 * direction all go to one decoder, with `from` as --from says (or none). Each row carries
 * the time of the record that completed it and its direction.
 *
 * Which side sends a direction: the log's word for it when it has one (a JSON `from`
 * field, a port given with --server-port); else the first frame that decodes in either
 * direction of the conversation (a station sends CH, AQ, MC, MR, MQ; the server the
 * others); until then its bytes are held (64 KiB at most), then decoded.
 *
 * @module
 */

import type { Sender, StreamDecoderOptions } from '../../index.js';
import { DirectionDecoder, DirectionPair, MAX_HELD_BYTES, ProblemRows, type CaptureRow, type DirectionOptions } from '../capture/directions.js';
import type { CaptureTime } from '../capture/pcap.js';
import type { StreamPiece } from '../capture/reassembly.js';
import type { ConnectionSummary } from '../capture/session.js';
import type { LogItem, LogRecord } from './records.js';

export interface LogSessionOptions extends DirectionOptions {
  /** --from: the sender of what the log gives no direction. */
  readonly from: Sender | undefined;
}

class Conversation extends DirectionPair<DirectionDecoder> {
  lastTime: CaptureTime | undefined;

  constructor(readonly id: number) {
    super();
  }
}

export class LogSession {
  private readonly conversations = new Map<string, Conversation>();
  /** The decoder of what the log gives no direction. */
  private undirected: DirectionDecoder | undefined;
  private undirectedTime: CaptureTime | undefined;
  private readonly problems = new ProblemRows();
  /** Records read. */
  records = 0;

  constructor(private readonly options: LogSessionOptions) {}

  /** What a reader found: the rows it completes. */
  items(items: readonly LogItem[]): CaptureRow[] {
    return items.flatMap((item) => (item.kind === 'problem' ? this.problems.add(item.message, item.reason) : this.record(item)));
  }

  private record(record: LogRecord): CaptureRow[] {
    this.records++;
    const pieces: StreamPiece[] = [...(record.missing === undefined ? [] : [{ kind: 'gap', length: record.missing } as const]), { kind: 'data', bytes: record.bytes }];
    const { stream } = record;
    if (stream === undefined) {
      if (this.undirected === undefined) {
        const decoder: StreamDecoderOptions = this.options.from === undefined ? this.options.decoder : { ...this.options.decoder, from: this.options.from };
        this.undirected = new DirectionDecoder(undefined, { ...this.options, decoder });
      }
      this.undirectedTime = record.time ?? this.undirectedTime;
      return this.undirected.feed(record.time, pieces);
    }
    let conversation = this.conversations.get(stream.conversation);
    if (conversation === undefined) {
      conversation = new Conversation(this.conversations.size + 1);
      this.conversations.set(stream.conversation, conversation);
    }
    conversation.lastTime = record.time ?? conversation.lastTime;
    const direction = conversation.directions.find((each) => each.label === stream.label) ?? conversation.add(new DirectionDecoder(stream.label, this.options, conversation.id));
    const rows: CaptureRow[] = [];
    if (conversation.roles === undefined && stream.from !== undefined) rows.push(...conversation.decide(direction, stream.from, 'log'));
    if (conversation.roles !== undefined) return [...rows, ...direction.feed(record.time, pieces)];
    const sender = direction.hold(record.time, pieces);
    if (sender !== undefined) rows.push(...conversation.decide(direction, sender, 'frames'));
    else if (direction.heldBytes > MAX_HELD_BYTES) rows.push(...conversation.decide(direction, undefined, 'unknown'));
    return rows;
  }

  /** The end of the log: what every decoder held. */
  end(): CaptureRow[] {
    const rows = this.undirected?.end(this.undirectedTime) ?? [];
    for (const conversation of this.conversations.values()) {
      if (conversation.roles === undefined) rows.push(...conversation.decide(conversation.directions[0]!, undefined, 'unknown'));
      for (const direction of conversation.directions) rows.push(...direction.end(conversation.lastTime));
    }
    return rows;
  }

  /** Problems met more than once: their kind and count. */
  repeatedProblems(): Array<{ reason: string; count: number }> {
    return this.problems.repeated();
  }

  /** The conversations, as a capture's connections are summed up. */
  summaries(): ConnectionSummary[] {
    return [...this.conversations.values()].map((conversation) => ({
      id: conversation.id,
      roles: conversation.roles ?? 'unknown',
      directions: conversation.directions.map((direction) => ({
        from: direction.from,
        connection: direction.label ?? '',
        bytes: direction.bytes,
        frames: direction.frames,
        missingBytes: direction.missingBytes,
        retransmittedBytes: 0,
        outOfOrderSegments: 0,
        bytesBeforeStart: 0,
      })),
    }));
  }
}
