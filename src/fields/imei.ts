/**
 * The device number: a GPRS/4G module's 15-digit IMEI.
 *
 * ```
 * imei = 15DIGIT        ; e.g. 860123456789014, the last digit a Luhn check digit
 * ```
 *
 * @module
 * @internal
 */

import { toBytes } from '../bytes.js';

/** The number of digits in an IMEI. */
export const IMEI_LENGTH = 15;

/** Whether `bytes[start..end)` is exactly 15 ASCII digits. */
export function isImeiDigits(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== IMEI_LENGTH) return false;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte < 0x30 || byte > 0x39) return false;
  }
  return true;
}

/**
 * The IMEI `bytes[start..start + 15)`, already known to be 15 digits, as a string built
 * in one call (one flat string of 15 bytes, not a chain of pieces).
 */
export function imeiAt(bytes: Uint8Array, start: number): string {
  const b = (at: number) => bytes[start + at]!;
  return String.fromCharCode(b(0), b(1), b(2), b(3), b(4), b(5), b(6), b(7), b(8), b(9), b(10), b(11), b(12), b(13), b(14));
}

/** Whether the 15 digits of `imei` end with a correct Luhn check digit. */
export function hasValidLuhnDigit(imei: string): boolean {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    let digit = imei.charCodeAt(i) - 0x30;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit >= 10) digit -= 9; // two digits: their sum
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Whether `value` is a string of exactly 15 ASCII digits (a character beyond ASCII is bytes above 0x7F: no digit). */
export function isImeiString(value: unknown): value is string {
  return typeof value === 'string' && isImeiDigits(toBytes(value), 0, value.length);
}
