/**
 * How `decode` prints: the table (one row per item, a summary line) and JSON Lines, for
 * a byte stream and for a capture (where each row also has a time and a connection).
 *
 * @module
 */

import type { DecodeError, Sender } from '../index.js';
import type { ConnectionSummary, DirectionSummary } from './capture/session.js';
import { formatTime, type CaptureTime } from './capture/pcap.js';
import { crcFieldOf, escaped, latin1, messageFields, plural, quoted, senderOf } from './format.js';
import type { Row } from './rows.js';
import type { Style } from './style.js';

/** What a capture or a log held besides frames, for the summary. */
export type Totals = { readonly packets: number; readonly connections: number } | { readonly records: number; readonly format: string };

/** Where a row of a capture comes from: the time, the connection (`sender → receiver`) and the sender. */
export interface Place {
  readonly time: CaptureTime | undefined;
  readonly connection: string | undefined;
  readonly from: Sender | undefined;
  /** The connection's number in a capture. */
  readonly connectionId?: number | undefined;
}

function countOne(counts: Map<string, number>, code: string): void {
  counts.set(code, (counts.get(code) ?? 0) + 1);
}

/** What the summary line counts. */
export class Tally {
  frames = 0;
  decoded = 0;
  noiseBytes = 0;
  readonly errors = new Map<string, number>();
  readonly deviations = new Map<string, number>();

  constructor(private readonly strict: boolean) {}

  add(item: Row): void {
    switch (item.kind) {
      case 'message':
        this.frames++;
        this.decoded++;
        for (const { code } of item.deviations) countOne(this.deviations, code);
        break;
      case 'error':
        this.frames++;
        countOne(this.errors, item.error.code);
        break;
      case 'truncated':
      case 'tooLong':
        this.frames++;
        countOne(this.errors, item.kind === 'truncated' ? 'TRUNCATED' : 'TOO_LONG');
        break;
      case 'noise':
        this.noiseBytes += item.length;
        // --strict takes frames and their line endings only, as decode() takes one frame.
        if (this.strict) countOne(this.errors, 'NOISE');
        break;
      case 'strayLineEnding':
        countOne(this.errors, 'NOISE');
        break;
      case 'lineEnding':
        countOne(this.strict ? this.errors : this.deviations, 'LINE_ENDING');
        break;
      case 'gap':
        countOne(this.errors, 'GAP');
        break;
      case 'captureProblem':
        countOne(this.errors, 'CAPTURE');
        break;
    }
  }

  get errorCount(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }
}

const byCode = (counts: ReadonlyMap<string, number>) => [...counts].map(([code, count]) => `${code} ${count}`).join(', ');

/** Whether the frame's CRC verified, as far as the error tells: checks after the CRC imply it did. */
function crcVerdict(error: DecodeError): 'ok' | 'bad' | undefined {
  if (error.code === 'CRC') return 'bad';
  return error.code === 'FRAME' ? undefined : 'ok';
}

/** The fields a capture adds to a JSON line: time, connection, sender. */
function placeFields(place: Place | undefined): Record<string, unknown> {
  if (place === undefined) return {};
  return { time: place.time === undefined ? null : formatTime(place.time), connection: place.connection ?? null };
}

/** One JSON object per item: the item with its bytes as strings (and, in a capture, its time and connection). */
export function jsonLine(item: Row, hasCrc: boolean, place?: Place): string {
  const where = placeFields(place);
  const sender = place?.from ?? null;
  switch (item.kind) {
    case 'message': {
      const { offset, length, message, deviations, frame } = item;
      const crc = hasCrc ? crcFieldOf(frame) : null;
      return JSON.stringify({ kind: 'message', ...where, offset, length, from: place?.from ?? senderOf(message.type), type: message.type, crc, crcOk: hasCrc ? true : null, message, deviations, frame: latin1(frame) });
    }
    case 'error': {
      const { offset, length, error, frame } = item;
      const verdict = hasCrc ? crcVerdict(error) : undefined;
      const crc = verdict === undefined ? null : crcFieldOf(frame);
      return JSON.stringify({ kind: 'error', ...where, offset, length, ...(place === undefined ? {} : { from: sender }), code: error.code, crc, crcOk: verdict === undefined ? null : verdict === 'ok', error, frame: latin1(frame) });
    }
    case 'lineEnding':
    case 'strayLineEnding':
    case 'gap': {
      const { kind, ...rest } = item;
      return JSON.stringify({ kind, ...where, ...(place === undefined ? {} : { from: sender }), ...rest });
    }
    case 'captureProblem':
      return JSON.stringify({ kind: item.kind, message: item.message });
    default:
      return JSON.stringify({ kind: item.kind, ...where, offset: item.offset, length: item.length, ...(place === undefined ? {} : { from: sender }), preview: latin1(item.preview) });
  }
}

function directionText(direction: DirectionSummary): string {
  const parts = [plural(direction.bytes, 'byte'), plural(direction.frames, 'frame')];
  if (direction.missingBytes > 0) parts.push(`${plural(direction.missingBytes, 'byte')} missing`);
  if (direction.retransmittedBytes > 0) parts.push(`${plural(direction.retransmittedBytes, 'byte')} sent again`);
  if (direction.outOfOrderSegments > 0) parts.push(`${plural(direction.outOfOrderSegments, 'segment')} out of order`);
  if (direction.bytesBeforeStart > 0) parts.push(`${plural(direction.bytesBeforeStart, 'byte')} before the first segment captured`);
  return `${direction.connection} (${direction.from ?? 'unknown sender'}): ${parts.join(', ')}`;
}

/** The table: one row per item. */
export class Table {
  private connectionWidth = 0;
  private timeWidth = 4;

  constructor(
    private readonly style: Style,
    private readonly hasCrc: boolean,
    private readonly capture: boolean,
  ) {}

  header(): string {
    const connection = this.connectionWidth === 0 ? '' : `${'connection'.padEnd(this.connectionWidth)}  `;
    const where = this.capture ? `${'time'.padEnd(this.timeWidth)}  ${connection}` : '';
    return this.style.dim(`${where}${'offset'.padStart(8)}  ${'from'.padEnd(6)}  ${'type'.padEnd(18)}  ${'crc'.padEnd(9)}  fields`);
  }

  /** Makes room for the time and connection of `place` in their columns (before the header is printed). */
  fit(place: Place | undefined): void {
    if (place === undefined || (place.connection === undefined && place.time === undefined)) return;
    if (place.connection !== undefined) this.connectionWidth = Math.max(this.connectionWidth, 'connection'.length, place.connection.length);
    this.timeWidth = Math.max(this.timeWidth, formatTime(place.time).length);
  }

  private row(offset: number, from: string, type: string, crc: string, text: string, place: Place | undefined): string {
    const connection = this.connectionWidth === 0 ? '' : `${(place?.connection ?? '').padEnd(this.connectionWidth)}  `;
    const where = place === undefined ? '' : `${this.style.dim(formatTime(place.time).padEnd(this.timeWidth))}  ${connection}`;
    return `${where}${this.style.dim(String(offset).padStart(8))}  ${(place?.from ?? from).padEnd(6)}  ${type}  ${crc}  ${text}`;
  }

  private crcCell(frame: Uint8Array, verdict: 'ok' | 'bad' | undefined): string {
    if (!this.hasCrc) return 'none'.padEnd(9);
    if (verdict === undefined) return '-'.padEnd(9);
    const cell = `${crcFieldOf(frame)} ${verdict}`.padEnd(9);
    return verdict === 'ok' ? cell : this.style.bad(cell);
  }

  line(item: Row, place?: Place): string {
    const { style } = this;
    switch (item.kind) {
      case 'message': {
        const deviations = item.deviations.length === 0 ? '' : style.warn(`  (deviations: ${item.deviations.map((d) => d.code).join(', ')})`);
        const type = style.ok(item.message.type.padEnd(18));
        return this.row(item.offset, senderOf(item.message.type), type, this.crcCell(item.frame, 'ok'), messageFields(item.message) + deviations, place);
      }
      case 'error': {
        const { error } = item;
        const from = error.code === 'DIRECTION' ? senderOf(error.messageType) : '-';
        const text = `${error.message}${'deviation' in error && error.deviation !== undefined ? ` [${error.deviation}]` : ''}  ${style.dim(escaped(item.frame))}`;
        return this.row(item.offset, from, style.bad(`${error.code} error`.padEnd(18)), this.crcCell(item.frame, crcVerdict(error)), text, place);
      }
      case 'lineEnding':
        return this.row(item.offset, '-', style.warn('lineEnding'.padEnd(18)), '-'.padEnd(9), `${JSON.stringify(item.seen)} after the frame; the dialect's is ${JSON.stringify(item.expected)}`, place);
      case 'strayLineEnding':
        return this.row(item.offset, '-', style.bad('strayLineEnding'.padEnd(18)), '-'.padEnd(9), `${plural(item.length, 'CR or LF byte')} outside any frame's line ending`, place);
      case 'gap':
        return this.row(item.offset, '-', style.bad('gap'.padEnd(18)), '-'.padEnd(9), `${plural(item.length, 'byte')} of the stream are not in the capture; a frame across them is reported, not joined`, place);
      case 'captureProblem':
        return `${style.bad('capture:')} ${item.message}`;
      default:
        return this.row(item.offset, '-', style.warn(item.kind.padEnd(18)), '-'.padEnd(9), `${plural(item.length, 'byte')}: ${quoted(item.preview)}${item.length > item.preview.length ? '…' : ''}`, place);
    }
  }

  /** One line per connection of a capture: its roles and what each direction carried. */
  connections(summaries: readonly ConnectionSummary[]): string {
    return summaries.map(({ id, roles, directions }) => `${this.style.bold(`connection ${id}`)} (roles by ${roles}): ${directions.map(directionText).join('; ')}\n`).join('');
  }

  summary(tally: Tally, totals?: Totals): string {
    const errors = tally.errorCount === 0 ? this.style.ok('0 errors') : this.style.bad(`${plural(tally.errorCount, 'error')} (${byCode(tally.errors)})`);
    const deviations = tally.deviations.size === 0 ? '' : `, deviations (${byCode(tally.deviations)})`;
    const more = totals === undefined ? '' : 'packets' in totals ? `; ${plural(totals.packets, 'packet')}, ${plural(totals.connections, 'TCP connection')}` : `; ${plural(totals.records, 'record')} (--format ${totals.format})`;
    return this.style.bold(`summary: ${plural(tally.frames, 'frame')}, ${tally.decoded} decoded, ${errors}${deviations}, ${plural(tally.noiseBytes, 'noise byte')}${more}`);
  }
}

/** The connection lines of a capture as JSON Lines. */
export function connectionsJson(summaries: readonly ConnectionSummary[]): string {
  return summaries.map((summary) => `${JSON.stringify({ kind: 'connection', ...summary, directions: summary.directions.map((direction) => ({ ...direction, from: direction.from ?? null })) })}\n`).join('');
}

export function summaryJson(tally: Tally, totals?: Totals): string {
  return JSON.stringify({
    kind: 'summary',
    frames: tally.frames,
    decoded: tally.decoded,
    errors: Object.fromEntries(tally.errors),
    deviations: Object.fromEntries(tally.deviations),
    noiseBytes: tally.noiseBytes,
    ...totals,
  });
}
