/**
 * Where `encode` writes a frame: a scratch buffer that grows as needed, from which the
 * finished frame is copied out into a `Uint8Array` of its own.
 *
 * Writing goes in runs: the caller reserves room for a run of bytes (the IMEI and the
 * command word, a slot record, the CRC and what follows it), stores them through the
 * `put*` functions and plain assignments at a local `end`, and hands `end` back to the
 * writer. The fields of a run are read from the message before its `reserve`, so no user
 * code (a getter) runs between the two.
 *
 * @module
 * @internal
 */

import { HEX_DIGITS, toBytes, type Bytes } from '../bytes.js';
import { isIdByte } from '../fields/powerBankId.js';

/** The frame being written: `bytes[0..end)`. */
export class FrameWriter {
  bytes: Bytes;
  /** Where the next byte goes. */
  end = 0;
  /** Set while an `encode` uses this writer, so that a nested one takes a new writer. */
  busy = false;

  /** A writer with room for `size` bytes to start with. */
  constructor(size = 256) {
    this.bytes = new Uint8Array(size);
  }

  /** Starts a new frame, dropping whatever an unfinished one wrote. */
  begin(): void {
    this.end = 0;
  }

  /**
   * Makes room for `count` more bytes at `end`; read `bytes` after calling it, since the
   * buffer may have been replaced by a larger one.
   */
  reserve(count: number): void {
    if (this.end + count > this.bytes.length) this.grow(count);
  }

  /** The frame written since `begin`, as a copy whose buffer is exactly the frame. */
  finish(): Bytes {
    return this.bytes.slice(0, this.end);
  }

  /** Kept out of `reserve`, which only compares two numbers before calling it. */
  private grow(count: number): void {
    const grown = new Uint8Array(2 * (this.end + count));
    grown.set(this.bytes.subarray(0, this.end));
    this.bytes = grown;
  }
}

/*
 * The put functions write at `bytes[end..]`, which the caller reserved, and return
 * where the next byte goes (or -1 when the text is not what they write).
 */

/** Writes `text`, which the caller checked is ASCII, one byte per character. */
export function putAscii(bytes: Uint8Array, end: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[end++] = text.charCodeAt(i);
  return end;
}

/** Writes `text` if every character is an ASCII digit; otherwise returns -1, with part of it written. */
export function putDigits(bytes: Uint8Array, end: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
    bytes[end++] = code;
  }
  return end;
}

/**
 * Writes `text` if every character is an ASCII digit or uppercase letter (a power-bank
 * id); otherwise returns -1, with part of it written.
 */
export function putDigitsAndCapitals(bytes: Uint8Array, end: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isIdByte(code)) return -1;
    bytes[end++] = code;
  }
  return end;
}

/** Writes a non-negative integer below 1000 (a slot number) in decimal: up to three bytes. */
export function putDecimal(bytes: Uint8Array, end: number, value: number): number {
  if (value >= 100) bytes[end++] = 0x30 + Math.floor(value / 100);
  if (value >= 10) bytes[end++] = 0x30 + (Math.floor(value / 10) % 10);
  bytes[end++] = 0x30 + (value % 10);
  return end;
}

/** The sixteen uppercase hex digits, as bytes. */
const HEX_DIGIT_BYTES = toBytes(HEX_DIGITS);

/** Writes `value` (0..0xFFFF) as four uppercase hex digits. */
export function putHex4(bytes: Uint8Array, end: number, value: number): number {
  bytes[end] = HEX_DIGIT_BYTES[value >>> 12]!;
  bytes[end + 1] = HEX_DIGIT_BYTES[(value >>> 8) & 0xf]!;
  bytes[end + 2] = HEX_DIGIT_BYTES[(value >>> 4) & 0xf]!;
  bytes[end + 3] = HEX_DIGIT_BYTES[value & 0xf]!;
  return end + 4;
}
