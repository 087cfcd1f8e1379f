/**
 * Where `encode` writes frames: straight into a shared block of memory, each frame
 * handed out as a view of its own bytes, the way Node hands out small `Buffer`s. No
 * string is built on the way from message to bytes, and no `ArrayBuffer` is allocated
 * per frame (only the view): a typed array longer than 64 bytes costs V8 an allocation
 * outside its heap, several times the cost of writing the frame.
 *
 * Writing goes in runs: the caller reserves room for a run of bytes (the IMEI and the
 * command word, a slot record, the CRC and what follows it), stores them through the
 * `put*` functions and plain assignments at a local `end`, and hands `end` back to the
 * writer. A method call per byte, each reading and writing the writer's fields, costs
 * more than the bytes it writes. The fields of a run are read from the message before
 * its `reserve`, so no user code (a getter) runs between the two.
 *
 * @module
 * @internal
 */

import { HEX_DIGITS, toBytes, type Bytes } from '../bytes.js';
import { isIdByte } from '../fields/powerBankId.js';

/** The size of a block: frames are cut from it until it is full, then a new one is taken. */
export const BLOCK_SIZE = 8192;

/**
 * The frame being written, in a block of memory. `bytes[start..end)` is the frame;
 * the bytes before `start` belong to frames already handed out, and are never written
 * again.
 */
export class FrameWriter {
  bytes: Bytes;
  /** `bytes.buffer`, kept: reading it costs more than building the view of a frame. */
  private blockBuffer: ArrayBuffer;
  /** Where the frame being written starts. */
  start = 0;
  /** Where the next byte goes. */
  end = 0;
  /** Set while an `encode` uses this writer, so that a nested one takes a new writer. */
  busy = false;

  /** A writer whose blocks hold `blockSize` bytes (more when one frame needs more). */
  constructor(private readonly blockSize = BLOCK_SIZE) {
    this.bytes = new Uint8Array(blockSize);
    this.blockBuffer = this.bytes.buffer;
  }

  /**
   * Starts a new frame, dropping whatever an unfinished one wrote. A block that is full,
   * or that a user detached by transferring a frame's `buffer`, is left for a new one.
   */
  begin(): void {
    if (this.start >= this.bytes.length) {
      this.bytes = new Uint8Array(this.blockSize);
      this.blockBuffer = this.bytes.buffer;
      this.start = 0;
    }
    this.end = this.start;
  }

  /**
   * Makes room for `count` more bytes at `end`; read `bytes` after calling it, since the
   * frame may have moved. When the block has less room, the frame written so far moves
   * to the start of a new block, at least twice its size.
   */
  reserve(count: number): void {
    if (this.end + count > this.bytes.length) this.grow(count);
  }

  /**
   * Hands out the frame written since `begin`, as a view of the block; the next frame
   * starts after it.
   */
  finish(): Bytes {
    const frame = new Uint8Array(this.blockBuffer, this.start, this.end - this.start);
    this.start = this.end;
    return frame;
  }

  /** Kept out of `reserve`, which only compares two numbers before calling it. */
  private grow(count: number): void {
    const written = this.end - this.start;
    const block = new Uint8Array(Math.max(this.blockSize, 2 * (written + count)));
    block.set(this.bytes.subarray(this.start, this.end));
    this.bytes = block;
    this.blockBuffer = block.buffer;
    this.start = 0;
    this.end = written;
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
