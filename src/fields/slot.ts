/**
 * The slot number (vendor: "warehouse number", `STROEID`).
 *
 * ```
 * slot = %x31-39 *2DIGIT  ; decimal, no leading zero, 1..slotCount
 * ```
 *
 * @module
 * @internal
 */

import { byteString, excerpt } from '../bytes.js';
import { FieldFailure } from './failure.js';

/** The slot number written in `bytes[start..end)`, or why it is not one. */
export function readSlot(bytes: Uint8Array, start: number, end: number, slotCount: number): number | FieldFailure {
  if (start === end) return new FieldFailure(start, `slot number missing at byte ${start}`);
  let slot = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9 || i - start === 3) {
      return new FieldFailure(start, `slot "${excerpt(bytes, start, end)}" at byte ${start} is not a number from 1 to ${slotCount}`);
    }
    slot = slot * 10 + digit;
  }
  if (slot === 0 || slot > slotCount) {
    return new FieldFailure(start, `slot ${slot} at byte ${start} is outside 1..${slotCount}`);
  }
  if (bytes[start] === 0x30) {
    return new FieldFailure(start, `slot "${byteString(bytes, start, end)}" at byte ${start} has a leading zero`);
  }
  return slot;
}

/** Whether `value` is a valid slot number for a station with `slotCount` slots. */
export function isSlot(value: unknown, slotCount: number): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= slotCount;
}
