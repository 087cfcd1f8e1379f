/**
 * The frame splitter: cuts a byte stream, fed in arbitrary chunks, into frames
 * (`{` … `}`) and runs of discarded bytes. Pure: no I/O, no timers.
 *
 * ```
 * AT\r\n{"…,CH,,3FCE"}\r\n{"…,AQ,1.FU.12{"…,CQ,,AFC5"}\n
 * └┘    └──── frame ────┘  └─ truncated ─┘└── frame ───┘└ lineEnding (LF where CRLF is expected)
 * noise
 * ```
 *
 * @module
 */

import { chunkBytes } from '../bytes.js';
import { CR, LEFT_BRACE, LF, MIN_FRAME_LENGTH, RIGHT_BRACE } from '../frame/layout.js';
import { DiscardedRun, NOISE, TOO_LONG, TRUNCATED } from './discardedRun.js';
import type { SplitterEvent } from './events.js';
import { appendBytes, joinBytes, NO_BYTES, viewOf } from './keptBytes.js';
import { checkSplitterOptions, type FrameSplitterOptions } from './splitterOptions.js';

/** Where the splitter is: outside frames, inside one, or skipping one that grew too long. */
type State = 'between' | 'inFrame' | 'tooLong';

/** What follows the last `}` of a frame so far: nothing to check, the `}` itself, or `}` then CR. */
type AfterFrame = 'none' | 'brace' | 'braceCr';

/**
 * Splits a byte stream into frames. Feed it chunks as they arrive with
 * {@link FrameSplitter.push}; call {@link FrameSplitter.end} when the stream ends. Each
 * returns the events that the bytes so far complete, in stream order: the same events
 * however the stream was cut into chunks.
 *
 * Every byte of the stream is in exactly one event, but for line endings: the one after
 * a frame when it is the dialect's (others are `lineEnding` events), and CR and LF bytes
 * between runs of discarded bytes.
 *
 * Memory stays flat whatever the peer sends: the only bytes kept between chunks are
 * those of one unfinished frame, never more than `maxFrameLength`
 * ({@link FrameSplitter.bufferedLength}); discarded runs are counted, not kept. Hostile
 * input costs few events: one per run between two frames, and one per `maxFrameLength`
 * bytes of a long run.
 *
 * @example
 * ```ts
 * import { FrameSplitter } from 'powerbank-codec';
 *
 * const splitter = new FrameSplitter();
 * const bytes = new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\r\n{"8601');
 * splitter.push(bytes.subarray(0, 10)); // [] (half a frame, kept)
 * splitter.push(bytes.subarray(10));    // [{ kind: 'frame', offset: 0, length: 28, bytes }]
 * splitter.end();                       // [{ kind: 'truncated', offset: 30, length: 6, preview }]
 * ```
 */
export class FrameSplitter {
  private readonly maxFrameLength: number;
  private readonly lineEnding: '\r\n' | '\n' | '';
  /** Stream position of the first byte of the chunk being read (of the next one, between pushes). */
  private position = 0;
  private state: State = 'between';
  private afterFrame: AfterFrame = 'none';
  /** Stream position of the `{` of the current frame (or of the one that grew too long). */
  private frameStart = 0;
  /** Where that `{` is in the chunk being read; -1 when it came in an earlier chunk. */
  private frameStartInChunk = -1;
  /** The bytes of the unfinished frame kept from earlier chunks: `buffer[0..buffered)`. */
  private buffer: Uint8Array = NO_BYTES;
  private buffered = 0;
  /** The discarded run not yet reported, if any. */
  private run: DiscardedRun | undefined;

  constructor(options: FrameSplitterOptions = {}) {
    const { maxFrameLength, lineEnding } = checkSplitterOptions(options);
    this.maxFrameLength = maxFrameLength;
    this.lineEnding = lineEnding;
  }

  /**
   * How many bytes of an unfinished frame the splitter holds between chunks: never more
   * than `maxFrameLength`.
   *
   * @example
   * ```ts
   * import { FrameSplitter } from 'powerbank-codec';
   *
   * const splitter = new FrameSplitter();
   * splitter.push(new TextEncoder().encode('noise {"8601'));
   * splitter.bufferedLength; // 6
   * ```
   */
  get bufferedLength(): number {
    return this.buffered;
  }

  /**
   * Feeds the next chunk of the stream; returns the events its bytes complete. A frame
   * that lies inside `chunk` is returned as a view of its memory (see {@link FrameEvent}).
   *
   * From plain JavaScript, another typed array, a `DataView` or an `ArrayBuffer` (a
   * WebSocket's message) is read as its bytes; any other value throws a `TypeError` and
   * leaves the splitter as it was.
   *
   * @example
   * ```ts
   * import { FrameSplitter } from 'powerbank-codec';
   *
   * const splitter = new FrameSplitter();
   * for (const event of splitter.push(new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\r\n'))) {
   *   if (event.kind === 'frame') console.log(event.offset, event.length); // 0 28
   * }
   * ```
   */
  push(chunk: Uint8Array): SplitterEvent[] {
    chunk = chunkBytes(chunk);
    const events: SplitterEvent[] = [];
    const base = this.position;
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'between') i = this.readBetween(chunk, i, base, events);
      else if (this.state === 'inFrame') i = this.readFrame(chunk, i, base, events);
      else i = this.readTooLong(chunk, i, base, events);
    }
    if (this.state === 'inFrame') this.keep(chunk);
    this.frameStartInChunk = -1;
    this.position = base + chunk.length;
    return events;
  }

  /**
   * Ends the stream: returns the events of whatever was left (a truncated frame, a last
   * run of noise, a lone CR after the last frame) and resets the splitter, which may then
   * read a new stream, counting offsets from 0 again.
   *
   * @example
   * ```ts
   * import { FrameSplitter } from 'powerbank-codec';
   *
   * const splitter = new FrameSplitter();
   * splitter.push(new TextEncoder().encode('{"8601'));
   * splitter.end(); // [{ kind: 'truncated', offset: 0, length: 6, preview }]
   * ```
   */
  end(): SplitterEvent[] {
    const events: SplitterEvent[] = [];
    if (this.afterFrame === 'braceCr') this.reportLineEnding('\r', this.position - 1, events);
    if (this.state === 'inFrame') this.discardFrame(new Uint8Array(0), 0, this.position, TRUNCATED, events);
    this.reportRun(events);
    this.position = 0;
    this.state = 'between';
    this.afterFrame = 'none';
    this.buffered = 0;
    this.buffer = NO_BYTES;
    return events;
  }

  /** Outside frames: the line ending after a frame, CR/LF, noise, or the `{` of a frame. */
  private readBetween(chunk: Uint8Array, start: number, base: number, events: SplitterEvent[]): number {
    let i = start;
    if (this.afterFrame !== 'none') {
      const byte = chunk[i];
      const crBefore = this.afterFrame === 'braceCr';
      this.afterFrame = 'none';
      if (byte === LF) {
        this.reportLineEnding(crBefore ? '\r\n' : '\n', base + i - (crBefore ? 1 : 0), events);
        i++;
      } else if (crBefore) {
        this.reportLineEnding('\r', base + i - 1, events);
      } else if (byte === CR) {
        this.afterFrame = 'braceCr';
        return i + 1;
      }
    }
    for (; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LEFT_BRACE) {
        this.startFrame(base + i, i);
        return i + 1;
      }
      if (byte !== CR && byte !== LF) this.discardByte(base + i, byte, NOISE, events);
      else this.run?.previewByte(byte);
    }
    return i;
  }

  /** Inside a frame: its `}`, or a `{` that cuts it short, within `maxFrameLength`. */
  private readFrame(chunk: Uint8Array, start: number, base: number, events: SplitterEvent[]): number {
    const limit = Math.min(chunk.length, this.frameStart + this.maxFrameLength - base);
    let at = start;
    while (at < limit && chunk[at] !== RIGHT_BRACE && chunk[at] !== LEFT_BRACE) at++;
    if (at < limit && chunk[at] === RIGHT_BRACE) {
      const end = base + at + 1;
      if (end - this.frameStart < MIN_FRAME_LENGTH) {
        this.discardFrame(chunk, at + 1, end, NOISE, events);
        this.state = 'between';
        return at + 1;
      }
      this.reportRun(events);
      const bytes = this.frameStartInChunk >= 0 ? viewOf(chunk, this.frameStartInChunk, at + 1) : this.collect(chunk, at + 1, Infinity);
      events.push({ kind: 'frame', offset: this.frameStart, length: bytes.length, bytes });
      this.frameDone();
      this.state = 'between';
      this.afterFrame = 'brace';
      return at + 1;
    }
    if (at < limit) {
      // A '{' before the '}': the frame was cut short, and a new one starts here.
      this.discardFrame(chunk, at, base + at, TRUNCATED, events);
      this.startFrame(base + at, at);
      return at + 1;
    }
    if (limit < chunk.length) {
      // maxFrameLength bytes and no '}': report the frame now, and skip the rest of it.
      this.discardFrame(chunk, limit, base + limit, TOO_LONG, events);
      this.reportRun(events);
      this.state = 'tooLong';
      return limit;
    }
    return chunk.length;
  }

  /** Skipping a frame that grew too long: up to its `}` (included) or the next `{` (excluded). */
  private readTooLong(chunk: Uint8Array, start: number, base: number, events: SplitterEvent[]): number {
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LEFT_BRACE) {
        this.startFrame(base + i, i);
        return i + 1;
      }
      this.discardByte(base + i, byte, TOO_LONG, events);
      if (byte === RIGHT_BRACE) {
        this.state = 'between';
        return i + 1;
      }
    }
    return chunk.length;
  }

  private startFrame(offset: number, indexInChunk: number): void {
    this.state = 'inFrame';
    this.frameStart = offset;
    this.frameStartInChunk = indexInChunk;
    this.buffered = 0;
  }

  /** Adds the byte at stream position `offset` to the discarded run, as `kind`. */
  private discardByte(offset: number, byte: number, kind: number, events: SplitterEvent[]): void {
    const run = (this.run ??= new DiscardedRun(offset));
    run.previewByte(byte);
    run.extend(offset + 1, kind);
    if (run.length > this.maxFrameLength) this.reportRun(events);
  }

  /** Adds the current frame, up to stream position `end` (`chunk[..endInChunk)`), to the discarded run as `kind`. */
  private discardFrame(chunk: Uint8Array, endInChunk: number, end: number, kind: number, events: SplitterEvent[]): void {
    const run = (this.run ??= new DiscardedRun(this.frameStart));
    run.previewBytes((room) => this.collect(chunk, endInChunk, room));
    run.extend(end, kind);
    this.frameDone();
    if (run.length > this.maxFrameLength) this.reportRun(events);
  }

  /** Reports the discarded run, if any. */
  private reportRun(events: SplitterEvent[]): void {
    if (this.run === undefined) return;
    events.push(this.run.event());
    this.run = undefined;
  }

  /** Keeps the unfinished frame's bytes from `chunk`, whose owner may reuse it. */
  private keep(chunk: Uint8Array): void {
    const from = Math.max(this.frameStartInChunk, 0);
    this.buffer = appendBytes(this.buffer, this.buffered, chunk, from, this.maxFrameLength);
    this.buffered += chunk.length - from;
  }

  /** The current frame is done with: its kept bytes are let go. */
  private frameDone(): void {
    this.buffered = 0;
    this.buffer = NO_BYTES;
  }

  /**
   * A copy of at most `limit` bytes of the current frame: those kept from earlier chunks,
   * then those of `chunk` before `end`.
   */
  private collect(chunk: Uint8Array, end: number, limit: number): Uint8Array {
    return joinBytes(this.buffer, this.buffered, chunk, Math.max(this.frameStartInChunk, 0), end, limit);
  }

  private reportLineEnding(seen: '\r\n' | '\n' | '\r', offset: number, events: SplitterEvent[]): void {
    if (seen !== this.lineEnding) events.push({ kind: 'lineEnding', offset, length: seen.length, seen, expected: this.lineEnding });
  }
}
