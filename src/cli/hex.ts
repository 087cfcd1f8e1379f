/**
 * Hex input (`--hex`): text in, bytes out, line by line as the text arrives.
 *
 * Accepted, mixed freely:
 * - plain hex digits, with or without separators (spaces, tabs, newlines, `,` `;` `:`),
 *   and `0x` or `\x` prefixes: `7b22 3836`, `7B,22,38`, `0x7B 0x22`, `\x7b\x22`;
 * - dumps whose lines start with an offset (4 to 8 hex digits, `0x` allowed) followed by
 *   `:` or at least two spaces, as written by Wireshark ("Copy as Hex Dump"), `xxd`,
 *   `hexdump -C` and `tcpdump -X`: the offset and the ASCII column are skipped, and so is
 *   the offset alone on the last line of a dump;
 * - blank lines, and comment lines starting with `#`.
 *
 * @module
 */

import { UsageError } from './args.js';

const DUMP_OFFSET = /^(?:0x)?[0-9a-fA-F]{4,8}(?::[ \t]*|[ \t]{2,}|\t[ \t]*)/;
const LONE_OFFSET = /^(?:0x)?[0-9a-fA-F]{4,8}:?$/;
const DUMP_GROUP = /^(?:[0-9a-fA-F]{2}){1,2}$/;
const GAP = /[ \t]{2,}/g;

/** Turns hex text, fed in arbitrary pieces, into bytes; throws a {@link UsageError} on anything else. */
export class HexParser {
  private pending = '';
  private lineNumber = 0;
  private inDump = false;

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
    this.lineNumber++;
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) return [];
    if (line === '*') this.fail(`"*" stands for repeated lines the dump left out; dump again without eliding them (hexdump -v, xxd -a off)`);
    const offset = DUMP_OFFSET.exec(line);
    if (offset !== null) {
      this.inDump = true;
      return this.parseDumpBytes(line.slice(offset[0].length));
    }
    if (this.inDump && LONE_OFFSET.test(line)) return [];
    return this.parsePlain(line);
  }

  /**
   * The bytes of a dump line after its offset: groups of hex separated by single spaces,
   * in columns separated by wider gaps, up to the ASCII column. The ASCII column is the
   * rest of the line once that rest is no longer than the bytes read (it has one
   * character per byte), or the first column that is not hex.
   */
  private parseDumpBytes(rest: string): number[] {
    const bytes: number[] = [];
    let position = 0;
    while (position < rest.length) {
      if (bytes.length > 0 && rest.length - position <= bytes.length) break;
      GAP.lastIndex = position;
      const gap = GAP.exec(rest);
      const columnEnd = gap === null ? rest.length : gap.index;
      const groups = rest.slice(position, columnEnd).split(/[ \t]/);
      if (!groups.every((group) => DUMP_GROUP.test(group))) break;
      for (const group of groups) for (let i = 0; i < group.length; i += 2) bytes.push(Number.parseInt(group.slice(i, i + 2), 16));
      position = gap === null ? rest.length : gap.index + gap[0].length;
    }
    if (bytes.length === 0) this.fail(`no hex bytes after the offset in "${rest.slice(0, 40)}"`);
    return bytes;
  }

  private parsePlain(line: string): number[] {
    const bytes: number[] = [];
    for (const token of line.split(/[\s,;:]+/)) {
      const digits = token.replace(/^0x/i, '').replace(/\\x/gi, '');
      if (!/^[0-9a-fA-F]*$/.test(digits)) this.fail(`"${token}" is not hex`);
      if (digits.length % 2 !== 0) this.fail(`"${token}" has an odd number of hex digits`);
      for (let i = 0; i < digits.length; i += 2) bytes.push(Number.parseInt(digits.slice(i, i + 2), 16));
    }
    return bytes;
  }
}
