/**
 * `od` output: `od -tx1` (with or without `z`, the ASCII column `>…<`) and `od -c`, in
 * every address radix (`-Ax`, `-Ao`, `-Ad`, and `-An`, no address), any width (`-w`):
 *
 * ```
 * 000000 7b 22 38 36 30 31 32 33 34 35 36 37 38 39 30 31  >{"86012345678901<
 * 0000000   {   "   8   6   0   1   2   3   4   5   6   7   8   9   0   1
 * 0000020   4   ,   C   H   ,   ,   3   F   C   E   "   }  \r  \n
 * 0000036
 * ```
 *
 * The address column is never data: its radix is told by the addresses themselves (each
 * one is the count of bytes before its line, from the first), and the lone address at
 * the end is the length. A `*` line (lines equal to the one before, left out by od
 * without `-v`) is filled back in from the next address; without addresses it cannot
 * be, and is refused. `-c` cells are four characters wide: a character, an escape
 * (`\0` `\a` `\b` `\f` `\n` `\r` `\t` `\v`), three octal digits, or `**` for the
 * following bytes of a character shown whole. Other types (`-x`, `-to2`, the default
 * `od` with no type) print words whose byte order depends on the machine: refused.
 *
 * @module
 */

import { isHexDigit } from '../text.js';
import { hexPairAt, LineReader, type LogItem, type LogRecord } from './records.js';

type Cells = 'x1' | 'c';

const ESCAPED: Readonly<Record<string, number>> = { '\\0': 0, '\\a': 7, '\\b': 8, '\\f': 12, '\\n': 10, '\\r': 13, '\\t': 9, '\\v': 11 };
const RADICES = [16, 8, 10] as const;
/** What is wrong with od output of words, or of another type. */
export const NOT_BYTES = 'not od -tx1 or od -c output (od -x, hexdump and the default od print two-byte words in the byte order of the machine that ran them): dump with od -tx1';

/** The address that starts an od line (digits of any radix up to 16, then a space or the end), else undefined. */
export function odAddress(line: string): string | undefined {
  let end = 0;
  while (isHexDigit(line[end])) end++;
  const after = line[end];
  return end >= 1 && (after === undefined || after === ' ') ? line.slice(0, end) : undefined;
}

/** The bytes of `-tx1` cells (` 7b 22 38`, then maybe `  >…<`), else undefined. */
export function hexCells(cells: string): number[] | undefined {
  const bytes: number[] = [];
  let at = 0;
  while (at < cells.length) {
    if (cells.startsWith('  ', at)) {
      // The padding of a short line, then the ASCII column of -tx1z.
      while (cells[at] === ' ') at++;
      return cells[at] === '>' && cells.endsWith('<') && bytes.length > 0 ? bytes : undefined;
    }
    const byte = hexPairAt(cells, at + 1);
    if (cells[at] !== ' ' || byte === undefined || (cells[at + 3] !== undefined && cells[at + 3] !== ' ')) return undefined;
    bytes.push(byte);
    at += 3;
  }
  return bytes.length > 0 ? bytes : undefined;
}

/** The bytes of `-c` cells (four characters each, right-aligned), else undefined. */
export function charCells(cells: string): number[] | undefined {
  const text = new TextDecoder().decode(Uint8Array.from(cells, (char) => char.charCodeAt(0)));
  const chars = Array.from(text);
  if (chars.length === 0 || chars.length % 4 !== 0) return undefined;
  const bytes: number[] = [];
  for (let at = 0; at < chars.length; at += 4) {
    const cell = chars.slice(at, at + 4).join('');
    const shown = cell.trimStart();
    if (shown === '') bytes.push(0x20);
    else if (shown === '**') continue;
    else if (ESCAPED[shown] !== undefined) bytes.push(ESCAPED[shown]);
    else if (shown.length === 3 && Array.from(shown).every((char) => char >= '0' && char <= '7')) bytes.push(Number.parseInt(shown, 8) & 0xff);
    else if (Array.from(shown).length === 1) bytes.push(...new TextEncoder().encode(shown));
    else return undefined;
  }
  return bytes;
}

export class OdReader extends LineReader {
  private cells: Cells | undefined;
  private addressed: boolean | undefined;
  /** The radices the addresses so far fit, each with its first address. */
  private radices: Array<{ radix: number; base: number }> | undefined;
  private count = 0;
  private last: number[] = [];
  private width = 0;
  private repeated = false;

  protected line(content: string): LogItem[] {
    if (content.trim() === '') return [];
    if (content === '*') {
      if (this.addressed !== true) return [this.problem('"*" stands for lines od left out, and without addresses they cannot be put back; dump again with od -v', 'an od "*" without addresses')];
      this.repeated = true;
      return [];
    }
    this.addressed ??= content[0] !== ' ';
    const address = this.addressed ? odAddress(content) : '';
    if (address === undefined) return [this.problem('no od address where the lines before have one (od with several -t types prints a line per type: dump with one, -tx1)', 'an od line without its address')];
    const cellText = content.slice(address.length);
    const items: LogItem[] = address === '' ? [] : this.follow(address);
    if (cellText === '') return items;
    this.cells ??= hexCells(cellText) !== undefined ? 'x1' : charCells(cellText) !== undefined ? 'c' : undefined;
    const bytes = this.cells === 'x1' ? hexCells(cellText) : this.cells === 'c' ? charCells(cellText) : undefined;
    if (bytes === undefined) {
      // Its bytes are unknown: the next address starts the count afresh.
      this.radices = undefined;
      return [...items, this.problem(NOT_BYTES, 'not od -tx1 or od -c output')];
    }
    this.width ||= bytes.length;
    this.last = bytes;
    this.count += bytes.length;
    return [...items, record(bytes)];
  }

  protected override finish(): LogItem[] {
    return this.repeated ? [this.problem('the dump ends with "*" and no address after it: the lines left out cannot be put back; dump again with od -v', 'an od "*" at the end')] : [];
  }

  /** An address: checked against the bytes so far, and the lines a `*` before it left out. */
  private follow(address: string): LogItem[] {
    const fits = (radix: number) => Array.from(address).every((char) => Number.parseInt(char, 16) < radix);
    if (this.radices === undefined) {
      this.radices = RADICES.filter(fits).map((radix) => ({ radix, base: Number.parseInt(address, radix) - this.count }));
      return [];
    }
    const missing = this.radices.filter(({ radix }) => fits(radix)).map(({ radix, base }) => ({ radix, base, missing: Number.parseInt(address, radix) - base - this.count }));
    const repeat = this.repeated;
    this.repeated = false;
    const fitting = missing.filter(({ missing: gap }) => (repeat ? gap >= 0 && this.width > 0 && gap % this.width === 0 : gap === 0));
    const gaps = new Set(fitting.map(({ missing: gap }) => gap));
    if (gaps.size !== 1) {
      return [this.problem(fitting.length === 0 ? `address ${address} does not follow the ${this.count} bytes before it in any radix` : `after "*", address ${address} leaves out a different number of bytes in each radix it may be in; dump again with od -v`, 'an od address out of step')];
    }
    this.radices = fitting.map(({ radix, base }) => ({ radix, base }));
    const items: LogItem[] = [];
    for (let left = [...gaps][0]!; left > 0; left -= this.width) {
      items.push(record(this.last));
      this.count += this.width;
    }
    return items;
  }
}

function record(bytes: readonly number[]): LogRecord {
  return { kind: 'record', bytes: Uint8Array.from(bytes), time: undefined, stream: undefined };
}
