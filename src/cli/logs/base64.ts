/**
 * Base64 text: the output of `base64` (wrapped at any width, or not at all), or lines
 * that each hold one chunk with its own `=` padding. Blanks and line breaks are skipped;
 * the URL-safe alphabet (`-`, `_`) is read too, and a chunk whose padding was left off
 * is read as if it were there.
 *
 * @module
 */

import type { LogItem, LogReader } from './records.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The value of a base64 character (both alphabets), else undefined. */
export function base64Value(char: string): number | undefined {
  if (char === '-') return 62;
  if (char === '_') return 63;
  const value = ALPHABET.indexOf(char);
  return value < 0 || char.length !== 1 ? undefined : value;
}

export class Base64Reader implements LogReader {
  private lineNumber = 1;
  /** The values of the characters of the quartet being read. */
  private quartet: number[] = [];
  /** Padding read: the rest of the quartet is `=`. */
  private padded = false;
  private skipLine = false;

  push(text: string): LogItem[] {
    const bytes: number[] = [];
    const items: LogItem[] = [];
    for (const char of text) {
      if (char === '\n') {
        this.lineNumber++;
        this.skipLine = false;
        continue;
      }
      if (this.skipLine || char === ' ' || char === '\t' || char === '\r') continue;
      if (char === '=') {
        if (this.quartet.length >= 2) this.padded = true;
        else this.quartet = [];
        continue;
      }
      const value = base64Value(char);
      if (value === undefined) {
        items.push({ kind: 'problem', message: `line ${this.lineNumber}: ${JSON.stringify(char)} is not base64; the rest of the line is skipped`, reason: 'a character that is not base64' });
        this.skipLine = true;
        continue;
      }
      if (this.padded) this.flush(bytes);
      this.quartet.push(value);
      if (this.quartet.length === 4) this.flush(bytes);
    }
    return this.result(bytes, items);
  }

  end(): LogItem[] {
    const bytes: number[] = [];
    this.flush(bytes);
    return this.result(bytes, []);
  }

  /** The bytes of the quartet read (of a short one, as if padded). */
  private flush(bytes: number[]): void {
    const [a = 0, b = 0, c = 0, d = 0] = this.quartet;
    const length = Math.max(0, this.quartet.length - 1);
    const triple = [(a << 2) | (b >> 4), ((b & 15) << 4) | (c >> 2), ((c & 3) << 6) | d];
    bytes.push(...triple.slice(0, length));
    this.quartet = [];
    this.padded = false;
  }

  private result(bytes: number[], items: LogItem[]): LogItem[] {
    return bytes.length === 0 ? items : [...items, { kind: 'record', bytes: Uint8Array.from(bytes), time: undefined, stream: undefined }];
  }
}
