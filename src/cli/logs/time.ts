/**
 * Times written in logs: read from the text (date, time of day, fraction, zone, as
 * terminals and loggers write them), then turned into a capture time that keeps the text
 * as written and counts nanoseconds for ordering and measuring.
 *
 * Read: a time of day `H:MM:SS`, with a fraction after `.`, `,` or `:` (1 to 9 digits)
 * and an optional ` AM` or ` PM`, optionally after a date and a space or `T`, optionally followed by a zone (`Z`,
 * `+08:00`, `-0500`). Dates: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `DD.MM.YYYY`,
 * `DD-MM-YYYY`, `DD/MM/YYYY` or `MM/DD/YYYY` (which one is told only by a day above 12;
 * otherwise the date is kept as text and the clock counts days by the time of day going
 * backwards), and syslog's `Dec  6` (no year: counted the same way) or `Dec 06 2026`.
 *
 * @module
 */

import type { CaptureTime } from '../capture/pcap.js';
import { isDigit } from '../text.js';

/** A time as a log wrote it. */
export interface LogStamp {
  /** The time as written. */
  readonly text: string;
  /** Days since 1970-01-01 of the date written, when it tells the day. */
  readonly day: number | undefined;
  /** Nanoseconds since midnight. */
  readonly nanosOfDay: bigint;
  /** The decimals of a second written. */
  readonly digits: number;
  /** Minutes east of UTC, when a zone is written. */
  readonly zoneMinutes: number | undefined;
}

const SECOND = 1_000_000_000n;
const DAY = 86_400n * SECOND;

/** How many decimal digits `text` has from `start`. */
export function countDigits(text: string, start: number): number {
  let end = start;
  while (isDigit(text[end])) end++;
  return end - start;
}

/** The number written by the `length` digits at `start`. */
const numberAt = (text: string, start: number, length: number) => Number(text.slice(start, start + length));

/** Days since 1970-01-01 of a valid calendar date, else undefined. */
function dayOf(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const milliseconds = Date.UTC(year, month - 1, day);
  return new Date(milliseconds).getUTCDate() === day ? milliseconds / 86_400_000 : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A syslog date at `start` (`Dec  6 `, `Dec 06 2026 `): its day when it has a year, and where the time starts. */
function readMonthDate(text: string, start: number): { day: number | undefined; end: number } | undefined {
  const month = MONTHS.indexOf(text.slice(start, start + 3)) + 1;
  if (month === 0 || text[start + 3] !== ' ') return undefined;
  let at = start + 4;
  if (text[at] === ' ') at++;
  const digits = countDigits(text, at);
  if (digits < 1 || digits > 2 || text[at + digits] !== ' ') return undefined;
  const date = numberAt(text, at, digits);
  at += digits + 1;
  const year = countDigits(text, at) === 4 && text[at + 4] === ' ' ? numberAt(text, at, 4) : undefined;
  if (year === undefined) return date >= 1 && date <= 31 ? { day: undefined, end: at } : undefined;
  const day = dayOf(year, month, date);
  return day === undefined ? undefined : { day, end: at + 5 };
}

/** A date at `start` and the separator before the time: its day (undefined when the date does not tell it) and where the time starts. */
function readDate(text: string, start: number): { day: number | undefined; end: number } | undefined {
  const first = countDigits(text, start);
  const separator = text[start + first];
  if (first < 1 || first > 4 || (separator !== '-' && separator !== '/' && separator !== '.')) return undefined;
  const secondStart = start + first + 1;
  const second = countDigits(text, secondStart);
  if (second < 1 || second > 2 || text[secondStart + second] !== separator) return undefined;
  const thirdStart = secondStart + second + 1;
  const third = countDigits(text, thirdStart);
  const after = text[thirdStart + third];
  if (after !== ' ' && after !== 'T') return undefined;
  const [a, b, c] = [numberAt(text, start, first), numberAt(text, secondStart, second), numberAt(text, thirdStart, third)];
  let day: number | undefined;
  if (first === 4 && third >= 1 && third <= 2) {
    day = dayOf(a, b, c);
    if (day === undefined) return undefined;
  } else if (third === 4 && first <= 2) {
    const dayFirst = dayOf(c, b, a);
    const monthFirst = separator === '/' ? dayOf(c, a, b) : undefined;
    if (dayFirst === undefined && monthFirst === undefined) return undefined;
    // DD/MM/YYYY or MM/DD/YYYY: the day is known only when one reading is not a date, or both agree.
    day = dayFirst === undefined || monthFirst === undefined || dayFirst === monthFirst ? (dayFirst ?? monthFirst) : undefined;
  } else return undefined;
  return { day, end: thirdStart + third + 1 };
}

/** A zone at `start` (`Z`, `+08:00`, `+0800`): minutes east of UTC and where it ends. */
function readZone(text: string, start: number): { minutes: number; end: number } | undefined {
  if (text[start] === 'Z') return { minutes: 0, end: start + 1 };
  const sign = text[start] === '+' ? 1 : text[start] === '-' ? -1 : 0;
  if (sign === 0 || countDigits(text, start + 1) < 2) return undefined;
  const colon = text[start + 3] === ':' ? 1 : 0;
  const minutesAt = start + 3 + colon;
  if (countDigits(text, minutesAt) !== 2 || (colon === 0 && countDigits(text, start + 1) !== 4)) return undefined;
  return { minutes: sign * (numberAt(text, start + 1, 2) * 60 + numberAt(text, minutesAt, 2)), end: minutesAt + 2 };
}

/** A time of day at `start` (`17:03:01`, `7:03:01.003`, `17:03:01,003`, `17:03:01:003`): nanoseconds since midnight, decimals, end. */
function readTimeOfDay(text: string, start: number): { nanos: bigint; digits: number; end: number } | undefined {
  const hours = countDigits(text, start);
  if (hours < 1 || hours > 2 || text[start + hours] !== ':') return undefined;
  const minutesAt = start + hours + 1;
  if (countDigits(text, minutesAt) !== 2 || text[minutesAt + 2] !== ':') return undefined;
  const secondsAt = minutesAt + 3;
  if (countDigits(text, secondsAt) !== 2) return undefined;
  const [h, m, s] = [numberAt(text, start, hours), numberAt(text, minutesAt, 2), numberAt(text, secondsAt, 2)];
  if (h > 23 || m > 59 || s > 60) return undefined;
  let end = secondsAt + 2;
  let digits = 0;
  let fraction = 0n;
  const mark = text[end];
  if ((mark === '.' || mark === ',' || mark === ':') && countDigits(text, end + 1) >= 1 && countDigits(text, end + 1) <= 9) {
    digits = countDigits(text, end + 1);
    fraction = BigInt(text.slice(end + 1, end + 1 + digits).padEnd(9, '0'));
    end += 1 + digits;
  }
  const meridiem = text.slice(end, end + 3).toUpperCase();
  let hour = h;
  if ((meridiem === ' AM' || meridiem === ' PM') && h >= 1 && h <= 12) {
    hour = (h % 12) + (meridiem === ' PM' ? 12 : 0);
    end += 3;
  }
  return { nanos: BigInt(hour * 3600 + m * 60 + s) * SECOND + fraction, digits, end };
}

/**
 * The time written at `start` of `text` (a date and a time of day, or a time of day),
 * and where it ends; undefined when there is none.
 */
export function readStamp(text: string, start: number): { stamp: LogStamp; end: number } | undefined {
  const date = readDate(text, start) ?? readMonthDate(text, start);
  const time = readTimeOfDay(text, date?.end ?? start);
  if (time === undefined) return undefined;
  const zone = readZone(text, time.end);
  const end = zone?.end ?? time.end;
  return { stamp: { text: text.slice(start, end), day: date?.day, nanosOfDay: time.nanos, digits: time.digits, zoneMinutes: zone?.minutes }, end };
}

/**
 * A number of seconds (or milliseconds, microseconds, nanoseconds) since 1970, as
 * written (`1765054267`, `1765054267.123`, `1765054267123`): the unit is told by the
 * size, which places any date from 2001 to 2286 in exactly one unit.
 */
export function epochTime(written: string): CaptureTime | undefined {
  const point = written.indexOf('.');
  const whole = point < 0 ? written : written.slice(0, point);
  const fraction = point < 0 ? '' : written.slice(point + 1);
  if (whole.length === 0 || countDigits(whole, 0) !== whole.length || countDigits(fraction, 0) !== fraction.length || fraction.length > 9) return undefined;
  const exponent = whole.length <= 11 ? 0 : whole.length <= 14 ? 3 : whole.length <= 17 ? 6 : 9;
  const digits = Math.max(0, fraction.length + exponent);
  if (digits > 9) return undefined;
  const scaled = BigInt(whole + fraction) * 10n ** BigInt(9 - fraction.length - exponent);
  return { nanoseconds: scaled, digits };
}

/**
 * Turns the times of one log into capture times. Times with a date that tells the day
 * are placed on it (in UTC when no zone is written); times of day alone (or with a date
 * that does not tell the day) count from day 0, a day later each time the clock goes
 * back by more than twelve hours.
 */
export class LogClock {
  private day = 0n;
  private last: bigint | undefined;

  time(stamp: LogStamp): CaptureTime {
    let nanoseconds: bigint;
    if (stamp.day === undefined) {
      nanoseconds = this.day * DAY + stamp.nanosOfDay;
      if (this.last !== undefined && nanoseconds < this.last - DAY / 2n) {
        this.day++;
        nanoseconds += DAY;
      }
    } else nanoseconds = BigInt(stamp.day) * DAY + stamp.nanosOfDay - BigInt(stamp.zoneMinutes ?? 0) * 60n * SECOND;
    this.last = nanoseconds;
    return { nanoseconds, digits: stamp.digits, text: stamp.text };
  }
}
