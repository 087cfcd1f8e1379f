/**
 * The harness's sentences: times, frames, and problems in the form every report of the
 * conversation tracker has, `subject: problem — expected: …; received: …`.
 *
 * @module
 */

import { escaped } from '../format.js';

/** `1.5 s` from milliseconds, with `digits` decimals. */
export function seconds(milliseconds: number, digits = 1): string {
  return `${(milliseconds / 1000).toFixed(digits)} s`;
}

/** A frame as the tracker shows it: `frame at byte 92 {"860…"}`, at most 80 bytes of it. */
export function frameAt(offset: number, frame: Uint8Array): string {
  const shown = escaped(frame.subarray(0, 80));
  return `frame at byte ${offset} ${shown}${frame.length > 80 ? '…' : ''}`;
}

/** `subject: problem — expected: …; received: …`. */
export function sentence(subject: string, problem: string, expected: string, received: string): string {
  return `${subject}: ${problem} — expected: ${expected}; received: ${received}`;
}
