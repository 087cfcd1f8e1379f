/**
 * Hex input (`--hex`): text in, bytes out, line by line as the text arrives.
 *
 * Accepted, mixed freely:
 * - plain hex digits, with or without separators (spaces, tabs, newlines, `,` `;` `:`),
 *   and `0x` or `\x` prefixes: `7b22 3836`, `7B,22,38`, `0x7B 0x22`, `\x7b\x22`;
 * - dumps whose lines start with an offset (4 to 8 hex digits, `0x` allowed) followed by
 *   `:` or at least two spaces (or a tab), as written by Wireshark ("Copy as Hex Dump",
 *   "Follow TCP Stream" as hex dump), `xxd`, `hexdump -C` and `tcpdump -X`: the offset
 *   and the ASCII column are skipped, and so is the offset alone on the last line of a
 *   dump;
 * - blank lines, and comment lines starting with `#`.
 *
 * @module
 */

import { UsageError } from './args.js';
import { countHexDigits, isBlank, isHexDigit, isHexDigits, splitAt } from './text.js';

const PLAIN_SEPARATORS = new Set([' ', '\t', '\r', '\n', '\v', '\f', ',', ';', ':']);

/** The characters after any `0x` prefix at `start` of `text`. */
function afterPrefix(text: string, start = 0): number {
  return text[start] === '0' && (text[start + 1] === 'x' || text[start + 1] === 'X') ? start + 2 : start;
}

/**
 * Where the bytes of a dump line start: after its offset (4 to 8 hex digits) and the
 * `:` or the run of at least two blanks (or a tab) after it; 0 when the line has none.
 */
function dumpOffsetEnd(line: string): number {
  const digitsStart = afterPrefix(line);
  const digits = countHexDigits(line, digitsStart);
  if (digits < 4 || digits > 8) return 0;
  let end = digitsStart + digits;
  const colon = line[end] === ':';
  const tab = line[end] === '\t';
  if (colon) end++;
  const blanksStart = end;
  while (isBlank(line[end])) end++;
  return colon || tab || end - blanksStart >= 2 ? end : 0;
}

/** Whether `line` is an offset alone, as the last line of a dump. */
function isLoneOffset(line: string): boolean {
  const digitsStart = afterPrefix(line);
  const text = line.endsWith(':') ? line.slice(digitsStart, -1) : line.slice(digitsStart);
  return text.length >= 4 && text.length <= 8 && isHexDigits(text);
}

/** Where the next gap of two blanks or more starts in `text` from `start`, or its length. */
function nextGap(text: string, start: number): number {
  for (let i = start; i < text.length; i++) if (isBlank(text[i]) && isBlank(text[i + 1])) return i;
  return text.length;
}

/** A group of a dump's hex column: one byte (`7b`) or two (`7b22`, as xxd writes them). */
function isDumpGroup(group: string): boolean {
  return (group.length === 2 || group.length === 4) && isHexDigits(group);
}

/** The bytes of hex digit pairs. */
function pairs(digits: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < digits.length; i += 2) bytes.push(Number.parseInt(digits.slice(i, i + 2), 16));
  return bytes;
}

/**
 * Whether `line` starts as a line of `od` does: an address of six digits or more that
 * counts the `count` bytes before it (in hex, octal or decimal), then a space and a byte
 * (or nothing: od's last line). Plain hex would take the address for data.
 */
function isOdLine(line: string, count: number): boolean {
  let end = 0;
  while (isHexDigit(line[end])) end++;
  if (end < 6 || (end < line.length && (line[end] !== ' ' || !isHexDigit(line[end + 1]) || !isHexDigit(line[end + 2])))) return false;
  return [16, 8, 10].some((radix) => Number.parseInt(line.slice(0, end), radix) === count && Array.from(line.slice(0, end)).every((char) => Number.parseInt(char, 16) < radix));
}

/** Turns hex text, fed in arbitrary pieces, into bytes; throws a {@link UsageError} on anything else. */
export class HexParser {
  private pending = '';
  private lineNumber = 0;
  private inDump = false;
  private count = 0;

  /** Feeds more text; returns the bytes of the lines it completes. */
  push(text: string): Uint8Array {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    return Uint8Array.from(lines.flatMap((line) => this.parseLine(line)));
  }

  /** Ends the text; returns the bytes of its last line. */
  end(): Uint8Array {
    const last = this.pending;
    this.pending = '';
    return Uint8Array.from(this.parseLine(last));
  }

  private fail(message: string): never {
    throw new UsageError(`hex input, line ${this.lineNumber}: ${message}`);
  }

  private parseLine(raw: string): number[] {
    const bytes = this.lineBytes(raw);
    this.count += bytes.length;
    return bytes;
  }

  private lineBytes(raw: string): number[] {
    this.lineNumber++;
    const line = (raw.startsWith('\uFEFF') ? raw.slice(1) : raw).trim();
    if (line === '' || line.startsWith('#')) return [];
    if (line === '*') this.fail(`"*" stands for repeated lines the dump left out; dump again without eliding them (hexdump -v, xxd -a off)`);
    const offsetEnd = dumpOffsetEnd(line);
    if (offsetEnd > 0) {
      this.inDump = true;
      return this.parseDumpBytes(line.slice(offsetEnd));
    }
    if (this.inDump && isLoneOffset(line)) return [];
    if (isOdLine(line, this.count)) this.fail('this is od output: its first column is an address, not data; use --format od');
    return this.parsePlain(line);
  }

  /**
   * The bytes of a dump line after its offset: groups of hex separated by single blanks,
   * in columns separated by wider gaps, up to the ASCII column. The ASCII column is the
   * rest of the line once that rest is no longer than the bytes read (it has one
   * character per byte), or the first column that is not hex.
   */
  private parseDumpBytes(rest: string): number[] {
    const bytes: number[] = [];
    let position = 0;
    while (position < rest.length) {
      if (bytes.length > 0 && rest.length - position <= bytes.length) break;
      const columnEnd = nextGap(rest, position);
      const groups = splitAt(rest.slice(position, columnEnd), isBlank);
      if (!groups.every(isDumpGroup)) break;
      for (const group of groups) bytes.push(...pairs(group));
      position = columnEnd;
      while (isBlank(rest[position])) position++;
    }
    if (bytes.length === 0) this.fail(`no hex bytes after the offset in "${rest.slice(0, 40)}"`);
    return bytes;
  }

  private parsePlain(line: string): number[] {
    const bytes: number[] = [];
    for (const token of splitAt(line, (char) => PLAIN_SEPARATORS.has(char))) {
      const digits = token.slice(afterPrefix(token)).replaceAll('\\x', '').replaceAll('\\X', '');
      if (digits !== '' && !isHexDigits(digits)) this.fail(`"${token}" is not hex`);
      if (digits.length % 2 !== 0) this.fail(`"${token}" has an odd number of hex digits`);
      bytes.push(...pairs(digits));
    }
    return bytes;
  }
}
