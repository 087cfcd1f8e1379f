/**
 * A run of discarded bytes between two frames, while the splitter reads it: where it
 * starts and ends in the stream, the worst kind of thing in it, and its first bytes.
 *
 * @module
 * @internal
 */

import type { DiscardedEvent } from './events.js';

const PREVIEW_LENGTH = 64;

/** The kinds of run, by how bad they are: a run takes the worst of its parts. */
const RUN_KINDS = ['noise', 'truncated', 'tooLong'] as const;
export const NOISE = 0;
export const TRUNCATED = 1;
export const TOO_LONG = 2;

/**
 * A run opened at stream position `start` and grown by the splitter. CR and LF bytes
 * after its last byte are held in the preview only: they become part of the run if
 * more of it follows, and are left out if it ends there.
 */
export class DiscardedRun {
  /** The end of the run so far: after its last byte that is not CR or LF. */
  end: number;
  private kind = NOISE;
  /** The first bytes of the stream from `start` on, CR and LF after `end` included. */
  private readonly preview = new Uint8Array(PREVIEW_LENGTH);
  private previewLength = 0;

  constructor(readonly start: number) {
    this.end = start;
  }

  /** Adds one byte to the preview, if it has room. */
  previewByte(byte: number): void {
    if (this.previewLength < PREVIEW_LENGTH) this.preview[this.previewLength++] = byte;
  }

  /**
   * Adds bytes to the preview: `bytesOf(room)` gives the next `room` bytes at most. It is
   * not called once the preview is full, since a run of `{` calls this for every byte.
   */
  previewBytes(bytesOf: (room: number) => Uint8Array): void {
    if (this.previewLength === PREVIEW_LENGTH) return;
    const bytes = bytesOf(PREVIEW_LENGTH - this.previewLength);
    this.preview.set(bytes, this.previewLength);
    this.previewLength += bytes.length;
  }

  /** The run now reaches stream position `end`, and holds something of `kind` (`NOISE`, `TRUNCATED`, `TOO_LONG`). */
  extend(end: number, kind: number): void {
    this.end = end;
    this.kind = Math.max(this.kind, kind);
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The event that reports the run. */
  event(): DiscardedEvent {
    const length = this.length;
    return { kind: RUN_KINDS[this.kind]!, offset: this.start, length, preview: this.preview.subarray(0, Math.min(this.previewLength, length)) };
  }
}
