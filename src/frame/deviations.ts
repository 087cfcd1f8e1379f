/**
 * Where lenient-mode deviations are recorded while one frame is decoded.
 *
 * @module
 * @internal
 */

import type { Deviation, DeviationCode } from '../errors.js';

const NO_DEVIATIONS: readonly Deviation[] = Object.freeze([]);

/**
 * Collects the deviations of one frame. In strict mode it records nothing and tells
 * the caller to refuse the frame instead.
 */
export class DeviationLog {
  private readonly entries: Deviation[] = [];
  private strict = false;

  /** Starts a new frame, in strict mode or not. */
  begin(strict: boolean): void {
    this.strict = strict;
    // Setting the length of an array is a call into the engine: only when there is something to drop.
    if (this.entries.length !== 0) this.entries.length = 0;
  }

  /** Records a deviation; returns `false` when strict mode refuses it. */
  accept(code: DeviationCode, offset: number, message: string): boolean {
    if (this.strict) return false;
    this.entries.push({ code, offset, message });
    return true;
  }

  /** The deviations of the current frame in byte order, as a new array (shared when empty). */
  take(): readonly Deviation[] {
    if (this.entries.length === 0) return NO_DEVIATIONS;
    return this.entries.slice().sort((a, b) => a.offset - b.offset);
  }
}
