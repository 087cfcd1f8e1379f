/**
 * Where `encode` writes frames: straight into a shared block of memory, byte by byte,
 * each frame handed out as a view of its own bytes, the way Node hands out small
 * `Buffer`s. No string is built on the way from message to bytes, and no `ArrayBuffer`
 * is allocated per frame (only the view): a typed array longer than 64 bytes costs V8
 * an allocation outside its heap, several times the cost of writing the frame.
 *
 * @module
 * @internal
 */

import { isIdByte } from '../fields/powerBankId.js';

/** The size of a block: frames are cut from it until it is full, then a new one is taken. */
export const BLOCK_SIZE = 8192;

/**
 * An ASCII writer over a block of memory. `bytes[start..end)` is the frame being
 * written; the bytes before `start` belong to frames already handed out, and are never
 * written again.
 */
export class FrameWriter {
  bytes: Uint8Array;
  /** `bytes.buffer`, kept: reading it costs more than building the view of a frame. */
  private blockBuffer: ArrayBufferLike;
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
   * Hands out the frame written since `begin`, as a view of the block; the next frame
   * starts after it.
   */
  finish(): Uint8Array {
    const frame = new Uint8Array(this.blockBuffer, this.start, this.end - this.start);
    this.start = this.end;
    return frame;
  }

  /**
   * Makes room for `count` more bytes, when the block has less: the frame written so far
   * moves to the start of a new block, at least twice its size. Kept out of the writes,
   * which only compare two numbers before calling it.
   */
  private grow(count: number): void {
    const written = this.end - this.start;
    const block = new Uint8Array(Math.max(this.blockSize, 2 * (written + count)));
    block.set(this.bytes.subarray(this.start, this.end));
    this.bytes = block;
    this.blockBuffer = block.buffer;
    this.start = 0;
    this.end = written;
  }

  byte(value: number): void {
    if (this.end === this.bytes.length) this.grow(1);
    this.bytes[this.end++] = value;
  }

  /** Writes `text`, which the caller checked is ASCII, one byte per character. */
  ascii(text: string): void {
    if (this.end + text.length > this.bytes.length) this.grow(text.length);
    const bytes = this.bytes;
    let end = this.end;
    for (let i = 0; i < text.length; i++) bytes[end++] = text.charCodeAt(i);
    this.end = end;
  }

  /** Writes `text` if every character is an ASCII digit; otherwise returns false, with part of it written. */
  digits(text: string): boolean {
    if (this.end + text.length > this.bytes.length) this.grow(text.length);
    const bytes = this.bytes;
    let end = this.end;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x30 || code > 0x39) return false;
      bytes[end++] = code;
    }
    this.end = end;
    return true;
  }

  /**
   * Writes `text` if every character is an ASCII digit or uppercase letter (a power-bank
   * id); otherwise returns false, with part of it written.
   */
  digitsAndCapitals(text: string): boolean {
    if (this.end + text.length > this.bytes.length) this.grow(text.length);
    const bytes = this.bytes;
    let end = this.end;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (!isIdByte(code)) return false;
      bytes[end++] = code;
    }
    this.end = end;
    return true;
  }

  /** Writes a non-negative integer below 1000 (a slot number) in decimal. */
  decimal(value: number): void {
    if (this.end + 3 > this.bytes.length) this.grow(3);
    if (value >= 100) this.bytes[this.end++] = 0x30 + Math.floor(value / 100);
    if (value >= 10) this.bytes[this.end++] = 0x30 + (Math.floor(value / 10) % 10);
    this.bytes[this.end++] = 0x30 + (value % 10);
  }

  /** Writes `value` (0..0xFFFF) as four uppercase hex digits. */
  hex4(value: number): void {
    if (this.end + 4 > this.bytes.length) this.grow(4);
    for (let shift = 12; shift >= 0; shift -= 4) {
      const digit = (value >>> shift) & 0xf;
      this.bytes[this.end++] = digit < 10 ? 0x30 + digit : 0x37 + digit;
    }
  }
}
