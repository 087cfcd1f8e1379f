/**
 * The shape of a hub snapshot, checked before a restore changes anything: a snapshot
 * comes from a file or another process, and a wrong one must be refused whole, with a
 * `ProtocolError` (`OPTIONS`) that names the field, never half restored.
 *
 * @module
 * @internal
 */

import { MAX_SLOT_COUNT } from '../dialect.js';
import { ProtocolError } from '../errors.js';
import type { HubSnapshot } from './snapshot.js';

/** What a field of a snapshot is checked against. */
type Check = (value: unknown) => boolean;

const EARLY = new Set(['timeout', 'offline', 'aborted']);
const REPORTS = new Set(['MC.BO', 'MR.BF', 'MC.RO', 'MR.RF']);

const text: Check = (value) => typeof value === 'string' && value.length > 0;
const time: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const slot: Check = (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_SLOT_COUNT;
const early: Check = (value) => typeof value === 'string' && EARLY.has(value);
/** A counted report as a snapshot writes it: `MC.BO 1234567890`. */
const report: Check = (value) => {
  if (typeof value !== 'string') return false;
  const [move, powerBankId, ...rest] = value.split(' ');
  return REPORTS.has(move!) && text(powerBankId) && rest.length === 0;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(where: string, what: string): never {
  throw new ProtocolError('OPTIONS', 'snapshot', `not a hub snapshot of version 2 (from StationHub.export()): ${where} ${what}`);
}

/** Checks that `record[key]` passes `check` (or is absent, when `optional`). */
function field(record: Record<string, unknown>, key: string, check: Check, where: string, what: string, optional = false): void {
  const value = record[key];
  if (optional && value === undefined) return;
  if (!check(value)) fail(`${where}.${key}`, `must be ${what}; got ${JSON.stringify(value) ?? String(value)}`);
}

/** The array at `record[key]`, each element an object checked by `each`. */
function list(record: Record<string, unknown>, key: string, where: string, each: (item: Record<string, unknown>, where: string) => void): void {
  const value = record[key];
  if (!Array.isArray(value)) fail(`${where}.${key}`, 'must be an array');
  value.forEach((item: unknown, index) => {
    const at = `${where}.${key}[${index}]`;
    if (!isObject(item)) fail(at, 'must be an object');
    each(item, at);
  });
}

function checkRequest(request: Record<string, unknown>, where: string, imei: unknown): void {
  field(request, 'requestId', text, where, 'a request id');
  field(request, 'kind', (value) => value === 'lend' || value === 'status', where, "'lend' or 'status'");
  field(request, 'imei', (value) => value === imei, where, "its station's IMEI");
  field(request, 'deadline', time, where, 'a time');
  if (request['kind'] !== 'lend') return;
  field(request, 'slot', slot, where, 'a slot number');
  field(request, 'powerBankId', text, where, 'a power-bank id');
}

function checkStation(station: Record<string, unknown>, where: string): void {
  field(station, 'imei', text, where, 'an IMEI');
  field(station, 'lastSeen', time, where, 'a time', true);
  field(station, 'lastStatus', (value) => isObject(value) && Array.isArray(value['slots']) && time(value['at']), where, '{ slots: [...], at }', true);
  list(station, 'pending', where, (request, at) => checkRequest(request, at, station['imei']));
  list(station, 'expiredLends', where, (expired, at) => {
    field(expired, 'slot', slot, at, 'a slot number');
    field(expired, 'requestId', text, at, 'a request id');
    field(expired, 'outcome', early, at, "'timeout', 'offline' or 'aborted'");
    field(expired, 'at', time, at, 'a time');
    field(expired, 'powerBankId', text, at, 'a power-bank id');
  });
  const query = station['expiredQuery'];
  if (query !== undefined) {
    if (!isObject(query)) fail(`${where}.expiredQuery`, 'must be an object');
    field(query, 'requestId', text, `${where}.expiredQuery`, 'a request id');
    field(query, 'outcome', early, `${where}.expiredQuery`, "'timeout', 'offline' or 'aborted'");
    field(query, 'at', time, `${where}.expiredQuery`, 'a time');
  }
  list(station, 'returns', where, (returning, at) => {
    field(returning, 'slot', slot, at, 'a slot number');
    field(returning, 'powerBankId', text, at, 'a power-bank id');
  });
  list(station, 'reports', where, (reports, at) => {
    field(reports, 'slot', slot, at, 'a slot number');
    field(reports, 'counted', (value) => Array.isArray(value) && value.every(report), at, "a list of reports ('MC.BO 1234567890')");
  });
}

/** Throws a `ProtocolError` (`OPTIONS`) naming the first field of `snapshot` that is not as `StationHub.export()` makes it. */
export function checkSnapshot(snapshot: unknown): asserts snapshot is HubSnapshot {
  if (!isObject(snapshot)) fail('the snapshot', 'must be an object');
  field(snapshot, 'version', (value) => value === 2, 'snapshot', '2');
  field(snapshot, 'hubId', text, 'snapshot', 'a hub id');
  field(snapshot, 'nextRequestId', (value) => Number.isSafeInteger(value) && (value as number) >= 1, 'snapshot', 'a positive integer');
  list(snapshot, 'stations', 'snapshot', checkStation);
}
