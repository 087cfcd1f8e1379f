/**
 * What billing depends on, as plain JSON: the requests in flight and their deadlines,
 * the lends that settled before their answer (so a late answer is still recognised),
 * the returns accepted (`RQ.T` sent), the reports counted (so a repeat is a duplicate),
 * and each station's last status. Connections and running ownership checks are not in
 * it: a station reconnects, and asks again.
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { PendingRequest } from './outcomes.js';
import { publicView, type Requests } from './requests.js';
import { StationState } from './station.js';

/**
 * A station in a {@link HubSnapshot}.
 *
 * @example
 * ```ts
 * import type { StationSnapshot } from 'powerbank-codec';
 *
 * const quiet: StationSnapshot = { imei: '860123456789014', pending: [], expiredLends: [], returns: [], reports: [] };
 * ```
 */
export interface StationSnapshot {
  readonly imei: string;
  readonly lastSeen?: number;
  readonly lastStatus?: { readonly slots: readonly SlotStatus[]; readonly at: number };
  /** Its lends and status queries in flight. */
  readonly pending: readonly PendingRequest[];
  /** Per slot, the last lend that settled `timeout`, `offline` or `aborted` before its answer. */
  readonly expiredLends: ReadonlyArray<{ readonly slot: number; readonly requestId: number; readonly outcome: 'timeout' | 'offline' | 'aborted'; readonly powerBankId?: string }>;
  /** The last status query that settled before its answer. */
  readonly expiredQuery?: { readonly requestId: number; readonly outcome: 'timeout' | 'offline' | 'aborted' };
  /** Returns accepted with `RQ.T`, waiting for `MC.RO` or `MR.RF`. */
  readonly returns: ReadonlyArray<{ readonly slot: number; readonly powerBankId: string }>;
  /** Per slot, the reports counted lately (`MC.BO 1234567890`). */
  readonly reports: ReadonlyArray<{ readonly slot: number; readonly counted: readonly string[] }>;
}

/**
 * The state of a hub that billing depends on, as plain JSON ({@link StationHub.export});
 * `JSON.stringify` it, and give it to {@link StationHub.restore} in another process.
 *
 * @example
 * ```ts
 * import { createStationHub, type HubSnapshot } from 'powerbank-codec';
 *
 * const saved: HubSnapshot = JSON.parse(JSON.stringify(createStationHub({ ownership: () => true }).export()));
 * createStationHub({ ownership: () => true }).restore(saved);
 * ```
 */
export interface HubSnapshot {
  /** The format's version: 1. */
  readonly version: 1;
  /** The id the next request gets, so that ids go on where the exporting hub stopped. */
  readonly nextRequestId: number;
  readonly stations: readonly StationSnapshot[];
}

/** The snapshot of `stations`. @internal */
export function exportStations(stations: Iterable<StationState>, nextRequestId: number): HubSnapshot {
  const list: StationSnapshot[] = [];
  for (const station of stations) {
    const { imei, lastSeen, lastStatus, expiredQuery } = station;
    list.push({
      imei,
      ...(lastSeen === undefined ? {} : { lastSeen }),
      ...(lastStatus === undefined ? {} : { lastStatus }),
      pending: station.pending().map(publicView),
      expiredLends: station.expiredLends.entries().map(([slot, expired]) => ({ slot, ...expired })),
      ...(expiredQuery === undefined ? {} : { expiredQuery: { requestId: expiredQuery.requestId, outcome: expiredQuery.outcome } }),
      returns: station.returns.entries().filter(([, state]) => state.belongs === true).map(([slot, state]) => ({ slot, powerBankId: state.powerBankId })),
      reports: station.reports.entries().map(([slot, counted]) => ({ slot, counted: [...counted] })),
    });
  }
  return JSON.parse(JSON.stringify({ version: 1, nextRequestId, stations: list })) as HubSnapshot;
}

function invalid(message: string): never {
  throw new ProtocolError('OPTIONS', 'snapshot', message);
}

/** Restores `snapshot` into `stations` and `requests`; throws a `ProtocolError` (`OPTIONS`) for what is not a snapshot of version 1. @internal */
export function restoreStations(snapshot: HubSnapshot, stations: Map<string, StationState>, requests: Requests): void {
  if (typeof snapshot !== 'object' || snapshot === null || snapshot.version !== 1 || !Number.isInteger(snapshot.nextRequestId) || !Array.isArray(snapshot.stations)) {
    invalid('a snapshot is an object { version: 1, nextRequestId, stations: [...] } from StationHub.export()');
  }
  for (const saved of snapshot.stations) {
    if (typeof saved?.imei !== 'string' || !Array.isArray(saved.pending)) invalid('every station of a snapshot has an imei and its pending requests');
    for (const request of saved.pending) if (requests.byId.has(request.requestId)) invalid(`request ${request.requestId} is already in flight in this hub`);
  }
  requests.reserve(snapshot.nextRequestId - 1);
  for (const saved of snapshot.stations) {
    let station = stations.get(saved.imei);
    if (station === undefined) stations.set(saved.imei, (station = new StationState(saved.imei)));
    if (saved.lastSeen !== undefined) station.lastSeen = saved.lastSeen;
    if (saved.lastStatus !== undefined) station.lastStatus = saved.lastStatus;
    for (const request of saved.pending) {
      const pending = { ...request, resolve: undefined, detach: undefined };
      requests.reserve(request.requestId);
      requests.add(pending);
      if (request.kind === 'lend') station.lends.set(request.slot!, pending);
      else station.queries = [...station.queries, pending];
    }
    for (const { slot, ...expired } of saved.expiredLends) {
      requests.reserve(expired.requestId);
      station.expiredLends.set(slot, expired);
    }
    if (saved.expiredQuery !== undefined) {
      requests.reserve(saved.expiredQuery.requestId);
      station.expiredQuery = saved.expiredQuery;
    }
    for (const { slot, powerBankId } of saved.returns) station.returns.set(slot, { powerBankId, belongs: true });
    for (const { slot, counted } of saved.reports) station.reports.set(slot, [...counted]);
  }
}
