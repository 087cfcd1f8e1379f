/**
 * What the frame splitter reports, in stream order: frames, runs of discarded bytes, and
 * line endings other than the dialect's.
 *
 * @module
 */

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
 * A run of bytes the splitter threw away: everything between two frames that is not a
 * frame, as one run, whatever it holds. Its `kind` says the worst thing in it:
 * - `tooLong`: a frame that grew past `maxFrameLength` without its `}`;
 * - `truncated`: a frame cut short, by another `{` before its `}`, or by the end of the
 *   stream;
 * - `noise`: bytes outside any frame (a modem's `AT` chatter, garbage), and "frames" too
 *   short to be one (fewer than 21 bytes, the shortest frame of any dialect).
 *
 * A run is reported when the next frame starts or the stream ends, and also as soon as
 * it holds more than `maxFrameLength` bytes, or the moment a frame crosses
 * `maxFrameLength`: a flood is reported while it goes on, in pieces of about
 * `maxFrameLength` bytes, each starting where the one before ended. CR and LF bytes at
 * either end of a run are not part of it (they are line endings).
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
