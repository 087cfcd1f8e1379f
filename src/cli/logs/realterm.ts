/**
 * RealTerm captures with time stamps (Capture tab, Timestamp other than None). RealTerm
 * writes a time stamp and the delimiter (comma, space, or a character of the user's
 * choice) at the start of the file and before the first byte after each CR or LF; the
 * bytes themselves follow as received, CR and LF included, or as hex digits (Capture as
 * Hex: two uppercase digits a byte, no spaces, no line breaks at all):
 *
 * ```
 * 1796592728,{"860123456789014,CH,,3FCE"}\r\n        Unix
 * 69158A58,{"860123456789014,CH,,3FCE"}\r\n          UnixHex
 * 739957.897315,{"860123456789014,CH,,3FCE"}\r\n     Matlab
 * "06/12/2026 21:32:08",{"860123456789014,CH,,3FCE"}\r\n   System (the Windows locale)
 * 2026-12-06 21:32:08.894 {"860123456789014,CH,,3FCE"}\r\n   a custom format, space
 * 1796592728,7B223836…7D0D0A1796592729,7B223836…        Capture as Hex
 * ```
 *
 * RealTerm counts Unix and Matlab time from the computer's local clock, so they are shown
 * as local times (no `Z`). A capture holds what RealTerm received: one direction.
 *
 * @module
 */

import type { CaptureTime } from '../capture/pcap.js';
import { countHexDigits, isHexDigit } from '../text.js';
import { hexPairAt, latin1Bytes, type LogItem, type LogReader } from './records.js';
import { countDigits, LogClock, readStamp } from './time.js';

const CR = '\r';
const LF = '\n';
/** Days from Matlab's day 0 (year 0) to 1970-01-01. */
const MATLAB_EPOCH_DAY = 719_529;

/** A local time from milliseconds since 1970 (RealTerm's Unix stamps count local time), shown to the second. */
function localSeconds(milliseconds: number): CaptureTime {
  const text = new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().slice(0, 19);
  return { nanoseconds: BigInt(Math.round(milliseconds)) * 1_000_000n, digits: 0, text };
}

/** The time stamp at `at` and where it ends, `'more'` when the text stops inside it, undefined when there is none. */
function stampAt(text: string, at: number, final: boolean, clock: LogClock): { time: CaptureTime; end: number } | 'more' | undefined {
  const cut = (end: number) => end >= text.length && !final;
  if (text[at] === '"') {
    const close = text.indexOf('"', at + 1);
    if (close < 0) return final || text.length - at > 64 ? undefined : 'more';
    const read = readStamp(text.slice(0, close), at + 1);
    return read === undefined || read.end !== close ? undefined : { time: clock.time(read.stamp), end: close + 1 };
  }
  const read = readStamp(text, at);
  if (read !== undefined) return cut(read.end) ? 'more' : { time: clock.time(read.stamp), end: read.end };
  const digits = countDigits(text, at);
  if (cut(at + digits)) return 'more';
  if (text[at + digits] === '.' && digits >= 5) {
    const decimals = countDigits(text, at + digits + 1);
    const end = at + digits + 1 + decimals;
    if (cut(end)) return 'more';
    const days = Number(text.slice(at, end)) - MATLAB_EPOCH_DAY;
    return decimals === 0 ? undefined : { time: localSeconds(days * 86_400_000), end };
  }
  if (digits >= 9 && digits <= 11) return { time: localSeconds(Number(text.slice(at, at + digits)) * 1000), end: at + digits };
  const hexDigits = countHexDigits(text, at);
  if (cut(at + hexDigits)) return 'more';
  return hexDigits === 8 ? { time: localSeconds(Number.parseInt(text.slice(at, at + 8), 16) * 1000), end: at + 8 } : undefined;
}

/** Whether `text` opens with one of RealTerm's own stamps: Unix, UnixHex, Matlab or a quoted date and time. */
export function realtermStamped(text: string): boolean {
  const digits = countDigits(text, 0);
  return text[0] === '"' || (digits >= 9 && digits <= 11) || (digits >= 5 && text[digits] === '.') || countHexDigits(text, 0) === 8;
}

export class RealtermReader implements LogReader {
  private readonly clock = new LogClock();
  private buffer = '';
  private lineNumber = 1;
  private delimiter: string | undefined;
  private hex: boolean | undefined;
  private expectStamp = true;
  private time: CaptureTime | undefined;
  private data = '';
  /** The last byte was a CR or LF: a time stamp comes before the next other byte. */
  private afterLineEnd = false;
  /** A line without a time stamp: skipped up to its end. */
  private skipping = false;
  /** The rest of the text cannot be read (hex capture without a time stamp where one belongs). */
  private stopped = false;

  push(text: string): LogItem[] {
    this.buffer += text;
    return this.run(false);
  }

  end(): LogItem[] {
    return this.run(true);
  }

  private run(final: boolean): LogItem[] {
    const items: LogItem[] = [];
    let at = 0;
    while (at < this.buffer.length && !this.stopped) {
      if (this.skipping) {
        const end = this.buffer.indexOf(LF, at);
        if (end < 0) {
          at = this.buffer.length;
          break;
        }
        this.skipping = false;
        this.lineNumber++;
        at = end + 1;
        continue;
      }
      if (this.expectStamp && this.hex !== true && (this.buffer[at] === CR || this.buffer[at] === LF)) {
        // CR and LF before the first byte of a line get no time stamp.
        at = this.readByte(at);
        continue;
      }
      if (this.expectStamp) {
        const stamp = this.readStamp(at, final);
        if (stamp === 'more') break;
        if (typeof stamp === 'string') {
          items.push(this.problem(stamp));
          if (this.hex === true) this.stopped = true;
          else this.skipping = true;
          continue;
        }
        items.push(...this.record());
        this.time = stamp.time;
        at = stamp.end;
        this.expectStamp = false;
        this.afterLineEnd = false;
        continue;
      }
      if (this.hex === undefined) {
        // Capture as Hex: hex digits up to the next time stamp's delimiter, never a CR or LF.
        let end = at;
        while (end < this.buffer.length && isHexDigit(this.buffer[end])) end++;
        if (end === this.buffer.length && !final && end - at < 16) break;
        this.hex = end - at >= 8 && this.buffer[end] !== CR && this.buffer[end] !== LF;
      }
      const next = this.hex ? this.readHex(at, final) : this.readByte(at);
      if (next === 'more') break;
      if (typeof next === 'string') {
        items.push(this.problem(next));
        this.stopped = true;
        break;
      }
      at = next;
    }
    this.buffer = this.stopped ? '' : this.buffer.slice(at);
    items.push(...this.record());
    return items;
  }

  /** The bytes read since the last record. */
  private record(): LogItem[] {
    const data = this.data;
    this.data = '';
    return data === '' ? [] : [{ kind: 'record', bytes: latin1Bytes(data), time: this.time, stream: undefined }];
  }

  /** The time stamp and delimiter at `at`, or what is wrong. */
  private readStamp(at: number, final: boolean): { time: CaptureTime; end: number } | 'more' | string {
    const stamp = stampAt(this.buffer, at, final, this.clock);
    if (stamp === 'more') return 'more';
    if (stamp === undefined) return 'no RealTerm time stamp (Unix, UnixHex, Matlab, "date time" or a date and time) where one belongs';
    const delimiter = this.buffer[stamp.end];
    if (delimiter === undefined) return final ? 'a time stamp without data' : 'more';
    this.delimiter ??= delimiter;
    if (delimiter !== this.delimiter) return `the time stamp is followed by ${JSON.stringify(delimiter)}, not by ${JSON.stringify(this.delimiter)} as before`;
    return { time: stamp.time, end: stamp.end + 1 };
  }

  /** One byte as received; a time stamp comes before the first byte after a CR or LF. */
  private readByte(at: number): number {
    const char = this.buffer[at]!;
    if (this.afterLineEnd && char !== CR && char !== LF) {
      this.expectStamp = true;
      return at;
    }
    if (char === LF) this.lineNumber++;
    this.data += char;
    this.afterLineEnd = char === CR || char === LF;
    return at + 1;
  }

  /** One byte as two hex digits; after 0D or 0A, a time stamp comes before any other byte. */
  private readHex(at: number, final: boolean): number | 'more' | string {
    if (at + 1 >= this.buffer.length && !final) return 'more';
    const byte = hexPairAt(this.buffer, at);
    if (this.afterLineEnd && byte !== 0x0d && byte !== 0x0a) {
      this.expectStamp = true;
      return at;
    }
    if (byte === undefined) {
      if (this.buffer[at] === CR || this.buffer[at] === LF) return at + 1;
      return `${JSON.stringify(this.buffer.slice(at, at + 2))} is not hex (RealTerm captured as hex)`;
    }
    this.data += String.fromCharCode(byte);
    this.afterLineEnd = byte === 0x0d || byte === 0x0a;
    return at + 2;
  }

  private problem(message: string): LogItem {
    return { kind: 'problem', message: `line ${this.lineNumber}: ${message}`, reason: message };
  }
}
