/**
 * A log with a time at the start of each line, the generic form that serial terminals and
 * applications write:
 *
 * ```
 * 17:03:01.003 RX 7B 22 38 36 30 31 …                 a direction tag, then hex
 * 2026-12-06 17:03:01.003 [TX] {"860123456789014,CQ,,AFC5"}\r\n   a tag, then text
 * [2026-12-06T17:03:01.003Z] INFO uart: <- 7b2238363031…   words before the tag
 * 2026-12-06 17:03:01,003 DEBUG station 7B 22 38 36 30 31   no tag: the hex at the end
 * ```
 *
 * The time (see time.ts; in brackets or not) opens the line. The direction is the first
 * tag among the words after it: RX or TX (any case), RECV, SEND, SENT, RCVD, RECEIVED,
 * IN, OUT, READ, WRITE (upper case, or any case with a colon or in brackets), or an
 * arrow `<-`, `->`, `<--`, `-->`, `<<`, `>>`, `←`, `→`. After a tag the rest of the line
 * is the bytes: hex (`7B 22 38`, two digits a byte, or `7b2238` unbroken), or text,
 * as the first line with the same tag shows (a text chunk `86` is no hex byte), in which `\r`, `\n`, `\t`, `\\`, `\"`, `\0` and `\xHH` stand for their bytes (a text in
 * double quotes is read as a JSON string). Without a tag, the bytes are the run of
 * two-digit hex groups that ends the line (two groups at least), or one unbroken run of
 * eight hex digits or more. Lines without a time or without bytes are the log's other
 * messages: skipped, and counted.
 *
 * @module
 */

import { isBlank, isHexDigit } from '../text.js';
import { hexPairAt, LineReader, latin1Bytes, SkippedLines, solidHex, spacedHex, type LogItem } from './records.js';
import { LogClock, readStamp, type LogStamp } from './time.js';

const ANY_CASE = new Set(['RX', 'TX']);
const WORDS = new Set(['RECV', 'SEND', 'SENT', 'RCVD', 'RECEIVED', 'IN', 'OUT', 'READ', 'WRITE']);
/** Arrows, and the label each one gets (`←` and `→` as their UTF-8 bytes). */
const ARROWS: ReadonlyMap<string, string> = new Map([
  ['<-', '<-'], ['->', '->'], ['<--', '<-'], ['-->', '->'], ['<<', '<<'], ['>>', '>>'], ['\xe2\x86\x90', '<-'], ['\xe2\x86\x92', '->'],
]);

/** The label of a direction tag, or undefined when `token` is none. */
export function directionTag(token: string): string | undefined {
  const arrow = ARROWS.get(token);
  if (arrow !== undefined) return arrow;
  const bracketed = (token.startsWith('[') && token.endsWith(']')) || (token.startsWith('(') && token.endsWith(')'));
  const colon = !bracketed && token.endsWith(':');
  const word = bracketed ? token.slice(1, -1) : colon ? token.slice(0, -1) : token;
  const upper = word.toUpperCase();
  if (ANY_CASE.has(upper)) return upper;
  return WORDS.has(upper) && (bracketed || colon || word === upper) ? upper : undefined;
}

/** The words of `text` and where each ends. */
function words(text: string): Array<{ word: string; end: number }> {
  const found: Array<{ word: string; end: number }> = [];
  let at = 0;
  while (at < text.length) {
    while (isBlank(text[at])) at++;
    const start = at;
    while (at < text.length && !isBlank(text[at])) at++;
    if (at > start) found.push({ word: text.slice(start, at), end: at });
  }
  return found;
}

const ESCAPES: Readonly<Record<string, string>> = { r: '\r', n: '\n', t: '\t', '0': '\0', '\\': '\\', '"': '"' };

/** Text written after a tag: its bytes, escapes read. */
function textBytes(text: string): Uint8Array {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'string') return latin1Bytes(value);
    } catch {
      // Not a JSON string: the quotes are bytes.
    }
  }
  let out = '';
  for (let at = 0; at < text.length; at++) {
    const next = text[at + 1];
    if (text[at] !== '\\' || next === undefined) out += text[at];
    else if (next === 'x' && isHexDigit(text[at + 2]) && isHexDigit(text[at + 3])) {
      out += String.fromCharCode(Number.parseInt(text.slice(at + 2, at + 4), 16));
      at += 3;
    } else if (ESCAPES[next] !== undefined) {
      out += ESCAPES[next];
      at++;
    } else out += '\\';
  }
  return latin1Bytes(out);
}

/** The hex that ends `text`: a run of two-digit groups (two at least, one or two blanks apart), or one unbroken run of eight digits or more. */
export function trailingHex(text: string): number[] | undefined {
  const line = text.trimEnd();
  const groupEndsAt = (end: number) => end >= 2 && hexPairAt(line, end - 2) !== undefined && (end === 2 || isBlank(line[end - 3]));
  const bytes: number[] = [];
  let end = line.length;
  while (groupEndsAt(end)) {
    bytes.unshift(hexPairAt(line, end - 2)!);
    let gap = end - 2;
    while (gap > end - 5 && isBlank(line[gap - 1])) gap--;
    if (gap === end - 2 || !groupEndsAt(gap)) break;
    end = gap;
  }
  if (bytes.length >= 2) return bytes;
  const last = words(line).at(-1)?.word ?? '';
  return last.length >= 8 ? solidHex(last) : undefined;
}

/** Whether `line` opens with a time (in brackets or not). */
export function startsWithTime(line: string): boolean {
  let at = 0;
  while (isBlank(line[at])) at++;
  return readStamp(line, line[at] === '[' || line[at] === '(' ? at + 1 : at) !== undefined;
}

/** What a line holds: its time, its direction tag, and its bytes as written (hex, or text after a tag). */
export interface LogLine {
  readonly stamp: LogStamp;
  readonly tag: string | undefined;
  /** The bytes, when the line writes them in hex. */
  readonly hex: number[] | undefined;
  /** The bytes, when the line writes them as text (after a tag, and not hex). */
  readonly text: Uint8Array | undefined;
}

/** A line: its time, its direction tag and its bytes; undefined for a line without a time or without bytes. */
export function logLine(line: string): LogLine | undefined {
  let at = 0;
  while (isBlank(line[at])) at++;
  const bracket = line[at] === '[' || line[at] === '(';
  const read = readStamp(line, bracket ? at + 1 : at);
  if (read === undefined) return undefined;
  const rest = line.slice(read.end + (bracket && (line[read.end] === ']' || line[read.end] === ')') ? 1 : 0));
  for (const { word, end } of words(rest)) {
    const tag = directionTag(word);
    if (tag === undefined) continue;
    const after = rest.slice(end);
    const trimmed = after.trim();
    if (trimmed === '') return undefined;
    const hex = spacedHex(trimmed) ?? solidHex(trimmed);
    return { stamp: read.stamp, tag, hex, text: textBytes(isBlank(after[0]) ? after.slice(1) : after) };
  }
  const hex = trailingHex(rest);
  return hex === undefined ? undefined : { stamp: read.stamp, tag: undefined, hex, text: undefined };
}

export class GenericLogReader extends LineReader {
  private readonly clock = new LogClock();
  private readonly skippedLines = new SkippedLines('without a time or without bytes');
  /** Whether the bytes after each tag are hex: told by the first line with that tag (`RX` may be hex and `TX` text). */
  private readonly hexByTag = new Map<string, boolean>();

  skipped(): string | undefined {
    return this.skippedLines.note();
  }

  protected line(content: string): LogItem[] {
    const read = logLine(content);
    if (read === undefined) {
      if (content.trim() !== '') this.skippedLines.add(this.lineNumber);
      return [];
    }
    let tagInHex = false;
    if (read.tag !== undefined) {
      tagInHex = this.hexByTag.get(read.tag) ?? read.hex !== undefined;
      this.hexByTag.set(read.tag, tagInHex);
    }
    const hex = read.tag === undefined || tagInHex ? read.hex : undefined;
    if (hex === undefined && tagInHex) return [this.problem(`not hex like the lines before it tagged ${read.tag}`, 'a line not in hex')];
    const bytes = hex === undefined ? read.text! : Uint8Array.from(hex);
    const stream = read.tag === undefined ? undefined : { label: read.tag, conversation: '' };
    return [{ kind: 'record', bytes, time: this.clock.time(read.stamp), stream }];
  }
}
