/**
 * What `detect` reads: the frames of a capture or a log, each with the line ending that
 * followed it, where it was, and (when the input tells) the side that sent it. A byte
 * stream goes through one stream decoder; a pcap or pcapng capture through the packet
 * reader and the TCP sessions of `decode`, one stream per direction of each connection;
 * a log through its reader and the log session of `decode`, one stream per direction
 * the log names. The decoders expect no line ending, so that every line ending after a
 * frame is reported, and read frames of up to 999 slots; their verdicts are not used,
 * only the frames they cut. Where the input does not name the sides, a direction's
 * first frame tells them by its command word, whatever its CRC.
 *
 * @module
 */

import { MAX_SLOT_COUNT } from '../dialect.js';
import { senderOfWord } from '../detect/observe.js';
import { createDecoder, type DecoderItem, type Sender, type StreamDecoder, type StreamDecoderOptions } from '../index.js';
import type { DirectionOptions } from './capture/directions.js';
import { CaptureReader, type CaptureEvent } from './capture/pcap.js';
import { CaptureSession, type CaptureRow } from './capture/session.js';
import { latin1 } from './format.js';
import { LogText } from './logs/encoding.js';
import type { LogFormat } from './logs/formats.js';
import type { LogItem, LogReader } from './logs/records.js';
import { LogSession } from './logs/session.js';
import type { Row } from './rows.js';

/** A frame cut from the capture, with its line ending, where it was and who sent it. */
export interface CapturedFrame {
  /** Where its `{` is in its stream. */
  readonly offset: number;
  /** Where its `}` ends in its stream. */
  readonly end: number;
  bytes: Uint8Array;
  /** The side that sent it, when the capture tells (a pcap's direction). */
  readonly from: Sender | undefined;
  /** The direction it came in: a connection's `sender → receiver`, a log's tag (`RX`); undefined for a byte stream. */
  readonly connection: string | undefined;
}

const DECODER: StreamDecoderOptions = { dialect: { lineEnding: '', slotCount: MAX_SLOT_COUNT } };

/** The sender a frame's command word names, CRC or not. */
const senderOfFrame = (item: DecoderItem): Sender | undefined => (item.kind === 'message' || item.kind === 'error' ? senderOfWord(item.frame) : undefined);

const DIRECTIONS: DirectionOptions = { decoder: DECODER, strict: false, senderOf: senderOfFrame };

/** How the input is read: as raw bytes (hex already turned into bytes), a pcap or pcapng capture, or a log. */
export type FrameSource = { readonly kind: 'raw' } | { readonly kind: 'capture'; readonly serverPort: number | undefined } | { readonly kind: 'log'; readonly format: LogFormat; readonly reader: LogReader };

/** Line endings written out as text after a frame, the way logs and documents show frames. */
const WRITTEN_LINE_ENDINGS = [
  ['\\r\\n', '\r\n'],
  ['\\n', '\n'],
] as const;

/** The frames of a capture, fed chunk by chunk. */
export class FrameCollection {
  readonly frames: CapturedFrame[] = [];
  /** Bytes in the streams outside frames and their line endings. */
  discarded = 0;
  /** Line endings written as text after a frame. */
  writtenLineEndings = 0;
  packets = 0;
  /** What was wrong with the capture file or the log, in words. */
  readonly problems: string[] = [];
  private readonly decoder: StreamDecoder | undefined;
  private readonly capture: { readonly reader: CaptureReader; readonly session: CaptureSession } | undefined;
  private readonly log: { readonly format: LogFormat; readonly reader: LogReader; readonly session: LogSession; readonly text: LogText } | undefined;
  /** Per stream: the last frame, while its line ending may still come. */
  private readonly open = new Map<string, CapturedFrame | undefined>();

  constructor(source: FrameSource) {
    if (source.kind === 'capture') this.capture = { reader: new CaptureReader(), session: new CaptureSession({ ...DIRECTIONS, serverPort: source.serverPort }) };
    else if (source.kind === 'log') this.log = { format: source.format, reader: source.reader, session: new LogSession({ ...DIRECTIONS, from: undefined }), text: new LogText() };
    else this.decoder = createDecoder(DECODER);
  }

  push(chunk: Uint8Array): void {
    if (this.capture !== undefined) this.events(this.capture.reader.push(chunk));
    else if (this.log !== undefined) this.items(this.log.reader.push(this.log.text.push(chunk)));
    else this.take(this.decoder!.push(chunk));
  }

  end(): void {
    if (this.capture !== undefined) {
      this.events(this.capture.reader.end());
      this.rows(this.capture.session.end());
    } else if (this.log !== undefined) {
      const { reader, text, session } = this.log;
      this.items([...reader.push(text.end()), ...reader.end()]);
      this.rows(session.end());
    } else this.take(this.decoder!.end());
    // As decode says it: a problem met again is counted, after the first.
    for (const { reason, count } of this.capture?.session.repeatedProblems() ?? []) this.problems.push(`${count} packets in all: ${reason}`);
    for (const { reason, count } of this.log?.session.repeatedProblems() ?? []) this.problems.push(`${count} in all: ${reason}`);
  }

  /** Where the frames were read: how many TCP connections in a capture, how many records in a log (and its format); undefined for a byte stream. */
  container(): { readonly connections: number } | { readonly records: number; readonly format: string } | undefined {
    if (this.capture !== undefined) return { connections: this.capture.session.summaries().length };
    // A byte encoding (od, base64) reads as the bytes would: nothing to add.
    if (this.log !== undefined && this.log.format.placed) return { records: this.log.session.records, format: this.log.format.name };
    return undefined;
  }

  /** The log's lines skipped as its other messages, in words, if any. */
  skipped(): string | undefined {
    return this.log?.reader.skipped?.();
  }

  private items(items: readonly LogItem[]): void {
    this.rows(this.log!.session.items(items));
  }

  private events(events: readonly CaptureEvent[]): void {
    for (const event of events) {
      if (event.kind === 'packet') {
        this.packets++;
        this.rows(this.capture!.session.packet(event));
      } else this.problems.push(`at byte ${event.offset} of the file: ${event.message}`);
    }
  }

  private rows(rows: readonly CaptureRow[]): void {
    for (const { row, connection, from, connectionId } of rows) {
      if (row.kind === 'captureProblem') this.problems.push(row.message);
      else this.take([row], connection, from, `${connectionId ?? ''} ${connection ?? ''}`);
    }
  }

  private take(rows: readonly Row[], connection?: string, from?: Sender, stream = ''): void {
    for (const row of rows) {
      const open = this.open.get(stream);
      const rightAfterFrame = open !== undefined && 'offset' in row && open.end === row.offset;
      switch (row.kind) {
        case 'message':
        case 'error': {
          const frame: CapturedFrame = { offset: row.offset, end: row.offset + row.length, bytes: row.frame.slice(), from, connection };
          this.frames.push(frame);
          this.open.set(stream, frame);
          break;
        }
        case 'lineEnding':
          if (rightAfterFrame) this.endLine(stream, row.seen);
          break;
        case 'noise':
        case 'truncated':
        case 'tooLong': {
          this.discarded += row.length;
          const written = WRITTEN_LINE_ENDINGS.find(([text]) => latin1(row.preview).startsWith(text));
          if (rightAfterFrame && row.kind === 'noise' && written !== undefined) {
            this.endLine(stream, written[1]);
            this.writtenLineEndings++;
          }
          break;
        }
        default:
          // A gap in a captured stream: no line ending follows a frame across it.
          this.open.set(stream, undefined);
      }
    }
  }

  private endLine(stream: string, lineEnding: string): void {
    const frame = this.open.get(stream)!;
    frame.bytes = Uint8Array.from([...frame.bytes, ...Array.from(lineEnding, (char) => char.charCodeAt(0))]);
    this.open.set(stream, undefined);
  }
}
