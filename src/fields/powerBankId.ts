/**
 * The power-bank id (vendor: `DEVID`).
 *
 * ```
 * id = 1*32( DIGIT / %x41-5A )   ; digits and uppercase letters, 1 to 32 of them
 * ```
 *
 * @module
 * @internal
 */

import { byteString, describeByte } from '../bytes.js';
import { FieldFailure } from './failure.js';

/** The longest power-bank id the protocol allows. */
export const MAX_POWER_BANK_ID_LENGTH = 32;

/** Whether `byte` may appear in a power-bank id: an ASCII digit or uppercase letter. */
export function isIdByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a);
}

/** The power-bank id written in `bytes[start..end)`, or why it is not one. */
export function readPowerBankId(bytes: Uint8Array, start: number, end: number): string | FieldFailure {
  if (start === end) return new FieldFailure(start, `power-bank id missing at byte ${start}`);
  if (end - start > MAX_POWER_BANK_ID_LENGTH) {
    return new FieldFailure(start, `power-bank id at byte ${start} has ${end - start} characters; at most ${MAX_POWER_BANK_ID_LENGTH} are allowed`);
  }
  for (let i = start; i < end; i++) {
    if (!isIdByte(bytes[i]!)) {
      return new FieldFailure(i, `power-bank id at byte ${start} holds ${describeByte(bytes[i])} at byte ${i}; only digits and uppercase letters are allowed`);
    }
  }
  return byteString(bytes, start, end);
}

/**
 * Whether `value` is a string of 1 to 32 characters: a power-bank id if they are digits
 * and uppercase letters, which `encode` checks as it writes them.
 */
export function hasPowerBankIdLength(value: unknown): value is string {
  return typeof value === 'string' && value.length !== 0 && value.length <= MAX_POWER_BANK_ID_LENGTH;
}

/** Whether `value` is a valid power-bank id string. */
export function isPowerBankId(value: unknown): value is string {
  if (!hasPowerBankIdLength(value)) return false;
  for (let i = 0; i < value.length; i++) if (!isIdByte(value.charCodeAt(i))) return false;
  return true;
}
