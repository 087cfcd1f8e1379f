/**
 * The scratch space `encode` writes a frame into, byte by byte, before cutting the frame
 * out with one copy: no string is built on the way from message to bytes.
 *
 * @module
 * @internal
 */

/** An ASCII byte buffer that grows as needed; `bytes[0..length)` is what was written. */
export class FrameWriter {
  bytes = new Uint8Array(256);
  length = 0;
  /** Set while an `encode` uses this writer, so that a nested one takes a new writer. */
  busy = false;

  /** Makes room for `count` more bytes. */
  private reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /** Writes `text`, which the caller checked is ASCII, one byte per character. */
  ascii(text: string): void {
    this.reserve(text.length);
    const bytes = this.bytes;
    let length = this.length;
    for (let i = 0; i < text.length; i++) bytes[length++] = text.charCodeAt(i);
    this.length = length;
  }

  /** Writes `text` if every character is an ASCII digit; otherwise returns false, with part of it written. */
  digits(text: string): boolean {
    this.reserve(text.length);
    const bytes = this.bytes;
    let length = this.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x30 || code > 0x39) return false;
      bytes[length++] = code;
    }
    this.length = length;
    return true;
  }

  /** Writes a non-negative integer below 1000 (a slot number) in decimal. */
  decimal(value: number): void {
    this.reserve(3);
    if (value >= 100) this.bytes[this.length++] = 0x30 + Math.floor(value / 100);
    if (value >= 10) this.bytes[this.length++] = 0x30 + (Math.floor(value / 10) % 10);
    this.bytes[this.length++] = 0x30 + (value % 10);
  }

  /** Writes `value` (0..0xFFFF) as four uppercase hex digits. */
  hex4(value: number): void {
    this.reserve(4);
    for (let shift = 12; shift >= 0; shift -= 4) {
      const digit = (value >>> shift) & 0xf;
      this.bytes[this.length++] = digit < 10 ? 0x30 + digit : 0x37 + digit;
    }
  }
}
