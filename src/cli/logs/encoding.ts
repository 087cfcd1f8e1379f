/**
 * The text of a log for the readers: its bytes, one character per byte. A UTF-8
 * byte-order mark is dropped; a file with a UTF-16 byte-order mark (Windows Notepad's
 * "Unicode") is decoded and read as the UTF-8 bytes of its text, so that its markers
 * and digits are the ones a UTF-8 file has.
 *
 * @module
 */

import { latin1 } from '../format.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Bytes in, text with one character per byte out, chunk by chunk. */
export class LogText {
  private head: Uint8Array | undefined = new Uint8Array(0);
  private utf16: TextDecoder | undefined;
  private readonly utf8 = new TextEncoder();

  push(bytes: Uint8Array): string {
    if (this.head !== undefined) {
      const joined = new Uint8Array(this.head.length + bytes.length);
      joined.set(this.head);
      joined.set(bytes, this.head.length);
      if (joined.length < 3) {
        this.head = joined;
        return '';
      }
      this.head = undefined;
      return this.start(joined);
    }
    return this.text(bytes);
  }

  end(): string {
    if (this.head !== undefined) {
      const rest = this.head;
      this.head = undefined;
      return this.start(rest);
    }
    return this.utf16 === undefined ? '' : latin1(this.utf8.encode(this.utf16.decode()));
  }

  /** The first bytes: a byte-order mark decides how the rest is read. */
  private start(bytes: Uint8Array): string {
    if (UTF8_BOM.every((byte, i) => bytes[i] === byte)) return latin1(bytes.subarray(3));
    if (bytes[0] === 0xff && bytes[1] === 0xfe) this.utf16 = new TextDecoder('utf-16le');
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) this.utf16 = new TextDecoder('utf-16be');
    return this.text(this.utf16 === undefined ? bytes : bytes.subarray(2));
  }

  private text(bytes: Uint8Array): string {
    return this.utf16 === undefined ? latin1(bytes) : latin1(this.utf8.encode(this.utf16.decode(bytes, { stream: true })));
  }
}
