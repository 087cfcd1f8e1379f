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

import { bytesOf, describeValue, spells } from '../bytes.js';
import { ProtocolError } from '../errors.js';
import { BraceFinder } from './braceFinder.js';

/**
 * A complete frame, from `{` to `}` inclusive, without its line ending.
 *
 * When the frame lies inside one chunk, `bytes` is a view of that chunk's memory (a plain
 * `Uint8Array`, even when the chunk is a Node `Buffer`): copy it (`bytes.slice()`) before
 * keeping it if the chunk's owner reuses the buffer. A frame that spans chunks is a
 * fresh copy.
 */
export interface FrameEvent {
  readonly kind: 'frame';
  /** Position of the `{` in the whole stream. */
  readonly offset: number;
  /** Number of bytes, `{` and `}` included. */
  readonly length: number;
  /** The frame's bytes. */
  readonly bytes: Uint8Array;
}

/**
 * A run of bytes the splitter threw away, and why:
 * - `noise`: bytes outside any frame (a modem's `AT` chatter, garbage), other than CR
 *   and LF, which end a run and are dropped silently;
 * - `tooLong`: a frame that grew past `maxFrameLength` without its `}`; the run goes on to
 *   its `}` (included) or to the next `{` (excluded), whichever comes first;
 * - `truncated`: a frame cut short, by another `{` before its `}`, or by the end of the
 *   stream.
 */
export interface DiscardedEvent {
  readonly kind: 'noise' | 'tooLong' | 'truncated';
  /** Position of the run's first byte in the whole stream. */
  readonly offset: number;
  /** Number of bytes in the run. */
  readonly length: number;
  /** A copy of the run's first bytes (at most 64), for logging. */
  readonly preview: Uint8Array;
}

/**
 * The bytes right after a frame's `}` are a line ending other than the one expected
 * (e.g. a lone `\n` where the dialect has `\r\n`). Lenient users may ignore it; a strict
 * checker reports it against the frame just before. No line ending at all is not
 * reported.
 */
export interface LineEndingEvent {
  readonly kind: 'lineEnding';
  /** Position of the line ending's first byte in the whole stream. */
  readonly offset: number;
  /** Number of bytes in the line ending (1 or 2). */
  readonly length: number;
  /** The line ending seen. */
  readonly seen: '\r\n' | '\n' | '\r';
  /** The line ending the splitter was told to expect. */
  readonly expected: '\r\n' | '\n' | '';
}

/**
 * What {@link FrameSplitter} emits, a discriminated union on `kind`, in stream order.
 *
 * @example
 * ```ts
 * import { FrameSplitter, type SplitterEvent } from 'powerbank-codec';
 *
 * const describe = (event: SplitterEvent) =>
 *   event.kind === 'lineEnding' ? `line ending ${JSON.stringify(event.seen)}` : `${event.kind}: ${event.length} bytes at ${event.offset}`;
 * new FrameSplitter().push(new TextEncoder().encode('AT\r\n{"x"}')).map(describe); // ['noise: 2 bytes at 0', 'frame: 5 bytes at 4']
 * ```
 */
export type SplitterEvent = FrameEvent | DiscardedEvent | LineEndingEvent;

/**
 * Options for {@link FrameSplitter}.
 *
 * @example
 * ```ts
 * import { FrameSplitter, type FrameSplitterOptions } from 'powerbank-codec';
 *
 * const options: FrameSplitterOptions = { maxFrameLength: 256, lineEnding: '\n' };
 * const splitter = new FrameSplitter(options);
 * ```
 */
export interface FrameSplitterOptions {
  /** The longest frame, `{` to `}`, that is kept (default 1024 bytes). */
  readonly maxFrameLength?: number;
  /** The line ending expected after `}` (default `'\r\n'`); others give `lineEnding` events. */
  readonly lineEnding?: '\r\n' | '\n' | '';
}

/** The bytes of a chunk, or a `TypeError` for a value that holds none. @internal */
export function chunkBytes(chunk: unknown, what = 'a chunk is a Uint8Array'): Uint8Array {
  const bytes = typeof chunk === 'string' ? undefined : bytesOf(chunk);
  if (bytes === undefined) throw new TypeError(`${what}; got ${describeValue(chunk)}`);
  return bytes;
}

/** The default `maxFrameLength`: well above the longest canonical frame (about 150 bytes). */
export const DEFAULT_MAX_FRAME_LENGTH = 1024;
const PREVIEW_LENGTH = 64;
const NO_BYTES = new Uint8Array(0);

const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const CR = 0x0d;
const LF = 0x0a;

/** Where the splitter is: outside frames, inside one, or skipping an oversized one. */
type State = 'between' | 'inFrame' | 'tooLong';

/** What follows the last `}` so far: nothing left to check, the `}` itself, or `}` then CR. */
type AfterFrame = 'none' | 'brace' | 'braceCr';

/**
 * Splits a byte stream into frames. Feed it chunks as they arrive with
 * {@link FrameSplitter.push}; call {@link FrameSplitter.end} when the stream ends. Each
 * returns the events that the bytes so far complete, in stream order: the same events
 * however the stream was cut into chunks.
 *
 * Memory stays flat whatever the peer sends: the only bytes kept between chunks are
 * those of one unfinished frame, never more than `maxFrameLength`
 * ({@link FrameSplitter.bufferedLength}); runs of noise and oversized frames are
 * counted, not kept.
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
  /** Stream position of the current run of noise; -1 when there is none. */
  private noiseStart = -1;
  /** Stream position of the `{` of the current (or oversized) frame. */
  private frameStart = 0;
  /** Where that `{` is in the chunk being read; -1 when it came in an earlier chunk. */
  private frameStartInChunk = -1;
  /** The bytes of the unfinished frame kept from earlier chunks: `buffer[0..buffered)`. */
  private buffer: Uint8Array | undefined;
  private buffered = 0;
  /** The first bytes of the current run of noise or oversized frame. */
  private readonly preview = new Uint8Array(PREVIEW_LENGTH);
  private previewLength = 0;
  /** Finds the braces of the chunk being read. */
  private readonly braces = new BraceFinder();
  /**
   * The memory of the chunk being read, and where the chunk starts in it: read once per
   * chunk, on its first frame, because reading them costs more than building a view.
   */
  private chunkBuffer: ArrayBufferLike | undefined;
  private chunkOffset = 0;

  constructor(options: FrameSplitterOptions = {}) {
    const { maxFrameLength = DEFAULT_MAX_FRAME_LENGTH, lineEnding = '\r\n' } = options;
    if (!Number.isInteger(maxFrameLength) || maxFrameLength < 2) {
      throw new ProtocolError('OPTIONS', 'maxFrameLength', `maxFrameLength must be an integer of at least 2; got ${String(maxFrameLength)}`);
    }
    if (lineEnding !== '\r\n' && lineEnding !== '\n' && lineEnding !== '') {
      throw new ProtocolError('OPTIONS', 'lineEnding', `lineEnding must be '\\r\\n', '\\n' or ''; got ${JSON.stringify(lineEnding)}`);
    }
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
    this.braces.attach(chunk);
    while (i < chunk.length) {
      if (this.state === 'between') i = this.readBetween(chunk, i, base, events);
      else if (this.state === 'inFrame') i = this.readFrame(chunk, i, base, events);
      else i = this.readTooLong(chunk, i, base, events);
    }
    this.braces.detach();
    this.chunkBuffer = undefined;
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
    const length = this.position - this.frameStart;
    if (this.state === 'between') {
      if (this.afterFrame === 'braceCr') this.reportLineEnding('\r', this.position - 1, events);
      this.endNoise(this.position, events);
    } else if (this.state === 'inFrame') {
      events.push({ kind: 'truncated', offset: this.frameStart, length, preview: this.collect(NO_BYTES, 0, PREVIEW_LENGTH) });
    } else {
      events.push({ kind: 'tooLong', offset: this.frameStart, length, preview: this.preview.slice(0, this.previewLength) });
    }
    this.position = 0;
    this.state = 'between';
    this.afterFrame = 'none';
    this.noiseStart = -1;
    this.buffered = 0;
    this.previewLength = 0;
    return events;
  }

  /** Outside frames: the line ending after a frame, CR/LF, noise, or the `{` of a frame. */
  private readBetween(chunk: Uint8Array, start: number, base: number, events: SplitterEvent[]): number {
    // The usual case first: right after a frame, the expected line ending and the next '{'.
    if (this.afterFrame === 'brace') {
      const next = this.nextFrameAfter(chunk, start);
      if (next >= 0) {
        this.afterFrame = 'none';
        this.startFrame(base + next, next);
        return this.readFrame(chunk, next + 1, base, events);
      }
    }
    if (this.afterFrame !== 'none') {
      const byte = chunk[start];
      const crBefore = this.afterFrame === 'braceCr';
      this.afterFrame = 'none';
      if (byte === LF) {
        this.reportLineEnding(crBefore ? '\r\n' : '\n', base + start - (crBefore ? 1 : 0), events);
        return start + 1;
      }
      if (crBefore) this.reportLineEnding('\r', base + start - 1, events);
      else if (byte === CR) {
        this.afterFrame = 'braceCr';
        return start + 1;
      }
    }
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LEFT_BRACE) {
        this.endNoise(base + i, events);
        this.startFrame(base + i, i);
        return i + 1;
      }
      if (byte === CR || byte === LF) {
        this.endNoise(base + i, events);
      } else {
        if (this.noiseStart < 0) this.noiseStart = base + i;
        if (this.previewLength < PREVIEW_LENGTH) this.preview[this.previewLength++] = byte;
      }
    }
    return chunk.length;
  }

  /**
   * Where the next frame starts when `chunk[after..]` holds the expected line ending and
   * then a `{`, as between most frames; -1 otherwise.
   */
  private nextFrameAfter(chunk: Uint8Array, after: number): number {
    const next = after + this.lineEnding.length;
    return chunk[next] === LEFT_BRACE && spells(chunk, after, next, this.lineEnding) ? next : -1;
  }

  /**
   * Inside a frame: its `}`, or a `{` that cuts it short, within `maxFrameLength`. Frames
   * that follow one another in the usual way (the expected line ending between them) are
   * read in one go.
   */
  private readFrame(chunk: Uint8Array, start: number, base: number, events: SplitterEvent[]): number {
    let at = this.braces.find(start, this.frameLimit(chunk, base));
    while (at >= 0 && chunk[at] === RIGHT_BRACE) {
      const bytes = this.frameStartInChunk >= 0 ? this.viewOf(chunk, this.frameStartInChunk, at + 1) : this.collect(chunk, at + 1, Infinity);
      events.push({ kind: 'frame', offset: this.frameStart, length: bytes.length, bytes });
      this.buffered = 0;
      const next = this.nextFrameAfter(chunk, at + 1);
      if (next < 0) {
        this.state = 'between';
        this.afterFrame = 'brace';
        return at + 1;
      }
      this.startFrame(base + next, next);
      at = this.braces.find(next + 1, this.frameLimit(chunk, base));
    }
    const limit = this.frameLimit(chunk, base);
    if (at >= 0) {
      const preview = this.collect(chunk, at, PREVIEW_LENGTH);
      events.push({ kind: 'truncated', offset: this.frameStart, length: base + at - this.frameStart, preview });
      this.startFrame(base + at, at);
      return at + 1;
    }
    if (limit < chunk.length) {
      // maxFrameLength bytes and no '}': stop keeping the frame and skip the rest of it.
      const preview = this.collect(chunk, limit, PREVIEW_LENGTH);
      this.preview.set(preview);
      this.previewLength = preview.length;
      this.state = 'tooLong';
      this.buffered = 0;
      return limit;
    }
    return chunk.length;
  }

  /**
   * `chunk[start..end)` as a plain `Uint8Array` over the chunk's memory, whatever class
   * the chunk is: cheaper to build than a `Buffer`'s `subarray`, and one class of array
   * for the decoder to read.
   */
  private viewOf(chunk: Uint8Array, start: number, end: number): Uint8Array {
    if (this.chunkBuffer === undefined) {
      this.chunkBuffer = chunk.buffer;
      this.chunkOffset = chunk.byteOffset;
    }
    return new Uint8Array(this.chunkBuffer, this.chunkOffset + start, end - start);
  }

  /** Where in `chunk` (whose first byte is at stream position `base`) the current frame reaches `maxFrameLength`, or the chunk's end. */
  private frameLimit(chunk: Uint8Array, base: number): number {
    return Math.min(chunk.length, this.frameStart + this.maxFrameLength - base);
  }

  /** Skipping an oversized frame: up to its `}` (included) or the next `{` (excluded). */
  private readTooLong(chunk: Uint8Array, start: number, base: number, events: SplitterEvent[]): number {
    const at = this.braces.find(start, chunk.length);
    const closes = at >= 0 && chunk[at] === RIGHT_BRACE;
    this.extendPreview(chunk, start, at < 0 ? chunk.length : at + (closes ? 1 : 0));
    if (at < 0) return chunk.length;
    const length = base + at + (closes ? 1 : 0) - this.frameStart;
    events.push({ kind: 'tooLong', offset: this.frameStart, length, preview: this.preview.slice(0, this.previewLength) });
    this.previewLength = 0;
    if (closes) {
      this.state = 'between';
      return at + 1;
    }
    this.startFrame(base + at, at);
    return at + 1;
  }

  /** Adds `chunk[start..end)` to the preview of the current run, up to its limit. */
  private extendPreview(chunk: Uint8Array, start: number, end: number): void {
    const take = Math.min(end - start, PREVIEW_LENGTH - this.previewLength);
    this.preview.set(chunk.subarray(start, start + take), this.previewLength);
    this.previewLength += take;
  }

  private startFrame(offset: number, indexInChunk: number): void {
    this.state = 'inFrame';
    this.frameStart = offset;
    this.frameStartInChunk = indexInChunk;
    this.buffered = 0;
  }

  /** Keeps the unfinished frame's bytes from `chunk`, whose owner may reuse it. */
  private keep(chunk: Uint8Array): void {
    const from = Math.max(this.frameStartInChunk, 0);
    this.buffer ??= new Uint8Array(this.maxFrameLength);
    this.buffer.set(chunk.subarray(from), this.buffered);
    this.buffered += chunk.length - from;
  }

  /**
   * A copy of at most `limit` bytes of the current frame: those kept from earlier chunks,
   * then those of `chunk` before `end` (none at the end of the stream: `end()` passes no bytes).
   */
  private collect(chunk: Uint8Array, end: number, limit: number): Uint8Array {
    const from = Math.max(this.frameStartInChunk, 0);
    const length = Math.min(this.buffered + end - from, limit);
    const bytes = new Uint8Array(length);
    const kept = Math.min(this.buffered, length);
    if (kept > 0) bytes.set(this.buffer!.subarray(0, kept));
    bytes.set(chunk.subarray(from, from + length - kept), kept);
    return bytes;
  }

  /** Ends the current run of noise, if any, at stream position `end`. */
  private endNoise(end: number, events: SplitterEvent[]): void {
    if (this.noiseStart < 0) return;
    events.push({ kind: 'noise', offset: this.noiseStart, length: end - this.noiseStart, preview: this.preview.slice(0, this.previewLength) });
    this.noiseStart = -1;
    this.previewLength = 0;
  }

  private reportLineEnding(seen: '\r\n' | '\n' | '\r', offset: number, events: SplitterEvent[]): void {
    if (seen !== this.lineEnding) events.push({ kind: 'lineEnding', offset, length: seen.length, seen, expected: this.lineEnding });
  }
}
