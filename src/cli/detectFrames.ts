/**
 * What `detect` reads: the frames of a capture, each with the line ending that followed
 * it, where it was, and (in a pcap or pcapng capture) the side that sent it. A byte
 * stream goes through one stream decoder; a capture through the packet reader and the
 * TCP sessions of `decode`, one stream per direction of each connection. The decoders
 * expect no line ending, so that every line ending after a frame is reported, and read
 * frames of up to 999 slots; their verdicts are not used, only the frames they cut.
 *
 * @module
 */

import { MAX_SLOT_COUNT } from '../dialect.js';
import { createDecoder, type Sender, type StreamDecoder, type StreamDecoderOptions } from '../index.js';
import { CaptureReader, type CaptureEvent, type CaptureFormat } from './capture/pcap.js';
import { CaptureSession, type CaptureRow } from './capture/session.js';
import { latin1 } from './format.js';
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
  /** The direction of the connection it came in, `sender → receiver`; undefined for a byte stream. */
  readonly connection: string | undefined;
}

const DECODER: StreamDecoderOptions = { dialect: { lineEnding: '', slotCount: MAX_SLOT_COUNT } };

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
  /** What was wrong with the capture file, in words. */
  readonly problems: string[] = [];
  private readonly decoder: StreamDecoder | undefined;
  private readonly reader: CaptureReader | undefined;
  private readonly session: CaptureSession | undefined;
  /** Per stream: the last frame, while its line ending may still come. */
  private readonly open = new Map<string, CapturedFrame | undefined>();

  /** `format`: the capture file format, or undefined for a byte stream. */
  constructor(format: CaptureFormat | undefined) {
    if (format === undefined) this.decoder = createDecoder(DECODER);
    else {
      this.reader = new CaptureReader();
      this.session = new CaptureSession({ decoder: DECODER, serverPort: undefined, strict: false });
    }
  }

  push(chunk: Uint8Array): void {
    if (this.decoder !== undefined) this.take(this.decoder.push(chunk));
    else this.events(this.reader!.push(chunk));
  }

  end(): void {
    if (this.decoder !== undefined) this.take(this.decoder.end());
    else {
      this.events(this.reader!.end());
      this.rows(this.session!.end());
    }
  }

  /** How many TCP connections the capture held; undefined for a byte stream. */
  connections(): number | undefined {
    return this.session?.summaries().length;
  }

  private events(events: readonly CaptureEvent[]): void {
    for (const event of events) {
      if (event.kind === 'packet') {
        this.packets++;
        this.rows(this.session!.packet(event));
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
