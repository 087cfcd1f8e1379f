/**
 * JSON Lines logs: one object a line, the frame in a string field:
 *
 * ```
 * {"time":"2026-12-06T21:32:08.894958Z","dir":"rx","frame":"{\"860123456789014,CH,,3FCE\"}\r\n"}
 * {"ts":1796592728.901,"direction":"tx","data":"7b2238363031…"}
 * ```
 *
 * The frame's field is named with --field (a dotted path for a nested one: `msg.raw`),
 * or found: the one string field whose values hold a frame, as text (with a `{`), as hex
 * or as base64. The time comes from the first field of `time`, `ts`, `timestamp`,
 * `@timestamp`, `datetime`, `date`, `t` that is present: a date and time as text (shown as
 * written) or a number of seconds since 1970 (milliseconds, microseconds or nanoseconds
 * by its size; shown in UTC). The direction from `dir`, `direction` or `from`: `device`
 * or `station` and `server` name the sender; a direction tag of the generic log (`rx`,
 * `tx`, `in`, `out`, `->`, …) names a direction whose sender the frames tell; other
 * values (an address) name none. With a direction, `connection`, `conn`, `peer`,
 * `remote` or `session` keeps each connection's two directions apart (a server's log of
 * many stations). Lines without the field are skipped, and counted.
 *
 * @module
 */

import type { Sender } from '../../index.js';
import type { CaptureTime } from '../capture/pcap.js';
import { Base64Reader, base64Value } from './base64.js';
import { directionTag } from './generic.js';
import { LineReader, latin1Bytes, SkippedLines, solidHex, spacedHex, type LogItem, type LogStream } from './records.js';
import { epochTime, LogClock, readStamp } from './time.js';

/** How a field holds its bytes. */
export type FieldEncoding = 'text' | 'hex' | 'base64';

const TIME_FIELDS = ['time', 'ts', 'timestamp', '@timestamp', 'datetime', 'date', 't'];
const DIRECTION_FIELDS = ['dir', 'direction', 'from'];
const CONNECTION_FIELDS = ['connection', 'conn', 'peer', 'remote', 'session'];
const SENDERS: ReadonlyMap<string, Sender> = new Map([['device', 'device'], ['station', 'device'], ['server', 'server']]);

type JsonObject = { readonly [key: string]: unknown };

/** The object of a JSON line, else undefined. */
export function jsonObject(line: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** Every string field of `object`, nested ones with a dotted path. */
export function stringFields(object: JsonObject, prefix = ''): Array<{ path: string; value: string }> {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    if (typeof value === 'string') return [{ path, value }];
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? stringFields(value as JsonObject, `${path}.`) : [];
  });
}

/** How `value` holds bytes that contain a frame's `{`, if it does. */
export function frameEncoding(value: string): FieldEncoding | undefined {
  if (value.includes('{')) return 'text';
  const hex = spacedHex(value.trim()) ?? solidHex(value.trim());
  if (hex !== undefined) return hex.includes(0x7b) ? 'hex' : undefined;
  if (value.length < 16 || !Array.from(value).every((char) => char === '=' || base64Value(char) !== undefined)) return undefined;
  const decoded = new Base64Reader().push(value);
  return decoded.some((item) => item.kind === 'record' && item.bytes.includes(0x7b)) ? 'base64' : undefined;
}

/**
 * How a field holds its bytes, from its values in the first lines: text when one has a
 * `{`, else hex when all are hex, else base64 when all are base64, else text.
 */
export function fieldEncoding(values: readonly string[]): FieldEncoding {
  if (values.some((value) => value.includes('{'))) return 'text';
  if (values.length > 0 && values.every((value) => (spacedHex(value.trim()) ?? solidHex(value.trim())) !== undefined)) return 'hex';
  const base64 = values.length > 0 && values.every((value) => Array.from(value.trim()).every((char) => char === '=' || base64Value(char) !== undefined));
  return base64 ? 'base64' : 'text';
}

/** The value at a dotted `path` of `object`. */
export function fieldAt(object: JsonObject, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as JsonObject)[key] : undefined;
  return value;
}

/** The bytes of a field's value. */
function valueBytes(value: string, encoding: FieldEncoding): Uint8Array | undefined {
  if (encoding === 'text') return latin1Bytes(value);
  if (encoding === 'hex') {
    const hex = spacedHex(value.trim()) ?? solidHex(value.trim());
    return hex === undefined ? undefined : Uint8Array.from(hex);
  }
  const items = new Base64Reader().push(value);
  return items.every((item) => item.kind === 'record') ? Uint8Array.from(items.flatMap((item) => (item.kind === 'record' ? [...item.bytes] : []))) : undefined;
}

export interface JsonlOptions {
  /** The frame's field (a dotted path), and how it holds its bytes. */
  readonly field: string;
  readonly encoding: FieldEncoding;
}

export class JsonlReader extends LineReader {
  private readonly clock = new LogClock();
  private readonly skippedLines: SkippedLines;

  constructor(private readonly options: JsonlOptions) {
    super();
    this.skippedLines = new SkippedLines(`without the field ${options.field}`);
  }

  skipped(): string | undefined {
    return this.skippedLines.note();
  }

  protected line(content: string): LogItem[] {
    if (content.trim() === '') return [];
    const object = jsonObject(content);
    if (object === undefined) return [this.problem('not a JSON object', 'a line that is not a JSON object')];
    const value = fieldAt(object, this.options.field);
    if (typeof value !== 'string') {
      this.skippedLines.add(this.lineNumber);
      return [];
    }
    const bytes = valueBytes(value, this.options.encoding);
    if (bytes === undefined) return [this.problem(`${this.options.field} is not ${this.options.encoding} like the lines before`, `a field that is not ${this.options.encoding}`)];
    return bytes.length === 0 ? [] : [{ kind: 'record', bytes, time: this.time(object), stream: this.stream(object) }];
  }

  private time(object: JsonObject): CaptureTime | undefined {
    const value = TIME_FIELDS.map((name) => object[name]).find((each) => each !== undefined);
    if (typeof value === 'number') return epochTime(String(value));
    if (typeof value !== 'string') return undefined;
    const stamp = readStamp(value, 0);
    return stamp === undefined ? epochTime(value) : this.clock.time(stamp.stamp);
  }

  private stream(object: JsonObject): LogStream | undefined {
    const value = DIRECTION_FIELDS.map((name) => object[name]).find((each) => typeof each === 'string');
    if (typeof value !== 'string') return undefined;
    const from = SENDERS.get(value.toLowerCase());
    // A value that is neither a side nor a direction (an address, an IMEI) tells no direction.
    if (from === undefined && directionTag(value.toUpperCase()) === undefined) return undefined;
    const connection = CONNECTION_FIELDS.map((name) => object[name]).find((each) => typeof each === 'string' || typeof each === 'number');
    return connection === undefined ? { label: value, conversation: '', from } : { label: `${String(connection)} ${value}`, conversation: String(connection), from };
  }
}
