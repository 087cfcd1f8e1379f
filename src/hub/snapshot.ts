/**
 * What billing depends on, as plain JSON: the requests in flight and their deadlines,
 * the lends that settled before their answer (so a late answer is still recognised),
 * the returns accepted (`RQ.T` sent), the reports counted (so a repeat is a duplicate),
 * and each station's last status. Connections and running ownership checks are not in
 * it: a station reconnects, and asks again. A restore merges into what the hub knows.
 *
 * @module
 */

import type { Move } from '../flows/steps.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { HubEvent } from './events.js';
import type { PendingRequest } from './outcomes.js';
import { newPending, publicView, type Requests } from './requests.js';
import { checkSnapshot } from './snapshotCheck.js';
import { remember, type ExpiredLend, type StationState } from './station.js';

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
  /**
   * The last lends of each slot (four at most) that settled `timeout`, `offline` or
   * `aborted` before their answer, at `at`, oldest first.
   */
  readonly expiredLends: ReadonlyArray<{
    readonly slot: number;
    readonly requestId: string;
    readonly outcome: 'timeout' | 'offline' | 'aborted';
    readonly at: number;
    readonly powerBankId: string;
  }>;
  /** The last status query that settled before its answer, at `at`. */
  readonly expiredQuery?: { readonly requestId: string; readonly outcome: 'timeout' | 'offline' | 'aborted'; readonly at: number };
  /** Returns accepted with `RQ.T`, waiting for `MC.RO` or `MR.RF`. */
  readonly returns: ReadonlyArray<{ readonly slot: number; readonly powerBankId: string }>;
  /** Per slot, the reports counted lately, oldest first (`MC.BO 1234567890`). */
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
  /** The format's version: 2. */
  readonly version: 2;
  /** The `hubId` of the hub that exported it. */
  readonly hubId: string;
  /** The number of that hub's next request id, so that a hub of the same id restarted from it makes no id twice. */
  readonly nextRequestId: number;
  readonly stations: readonly StationSnapshot[];
}

/** What a restore needs from the hub. @internal */
export interface RestoreHost {
  readonly requests: Requests;
  /** The latest time the hub was given. */
  readonly latest: number;
  /** The station of `imei`, made when the hub does not know it yet. */
  stationOf(imei: string): StationState;
  emit(event: HubEvent): void;
}

/** The snapshot of `stations`. @internal */
export function exportStations(stations: Iterable<StationState>, requests: Requests): HubSnapshot {
  const list: StationSnapshot[] = [];
  for (const station of stations) {
    const { imei, lastSeen, lastStatus, expiredQuery } = station;
    const slots = station.slotStates();
    list.push({
      imei,
      ...(lastSeen === undefined ? {} : { lastSeen }),
      ...(lastStatus === undefined ? {} : { lastStatus }),
      pending: station.pending().map(publicView),
      expiredLends: slots.flatMap(([slot, state]) => (state.expired ?? []).map((expired) => ({ slot, ...expired }))),
      ...(expiredQuery === undefined ? {} : { expiredQuery }),
      returns: slots.filter(([, state]) => state.returning?.belongs === true).map(([slot, state]) => ({ slot, powerBankId: state.returning!.powerBankId })),
      reports: slots.filter(([, state]) => state.reports !== undefined).map(([slot, state]) => ({ slot, counted: state.reports!.map(({ move, powerBankId }) => `${move} ${powerBankId}`) })),
    });
  }
  return JSON.parse(JSON.stringify({ version: 2, hubId: requests.hubId, nextRequestId: requests.peekNumber(), stations: list })) as HubSnapshot;
}

/**
 * Restores `snapshot` into the hub, merging it station by station into what the hub
 * knows; throws a `ProtocolError` (`OPTIONS`) for what is not a snapshot of version 2,
 * before anything changes. @internal
 */
export function restoreStations(snapshot: HubSnapshot, host: RestoreHost): void {
  checkSnapshot(snapshot);
  const { requests } = host;
  if (snapshot.hubId === requests.hubId) requests.reserveNumber(snapshot.nextRequestId);
  for (const saved of snapshot.stations) restoreStation(saved, host);
}

/**
 * Merges a station's snapshot into its state here. Requests in flight and expired
 * lends of both are kept (one known to both once); a restored lend of a slot with a
 * lend in flight here ends `offline`. The last status is the newer of the two; for the
 * returns under way and the reports counted, the side that heard from the station last
 * wins (this hub on a tie).
 */
function restoreStation(saved: StationSnapshot, host: RestoreHost): void {
  const { requests } = host;
  const station = host.stationOf(saved.imei);
  const savedIsNewer = (saved.lastSeen ?? -Infinity) > (station.lastSeen ?? -Infinity);
  if (savedIsNewer) station.lastSeen = saved.lastSeen;
  if (saved.lastStatus !== undefined && !(saved.lastStatus.at <= (station.lastStatus?.at ?? -Infinity))) station.lastStatus = saved.lastStatus;
  // A request id belongs to one station: what is in flight here for it is all that can collide.
  const inFlight = new Set(station.pending().map((pending) => pending.requestId));
  for (const { slot, ...expired } of saved.expiredLends) {
    requests.reserve(expired.requestId);
    if (!inFlight.has(expired.requestId)) addExpired(station, slot, expired);
  }
  const late = saved.expiredQuery;
  if (late !== undefined) {
    requests.reserve(late.requestId);
    if (!inFlight.has(late.requestId) && !(late.at <= (station.expiredQuery?.at ?? -Infinity))) station.expiredQuery = late;
  }
  for (const request of saved.pending) {
    requests.reserve(request.requestId);
    if (inFlight.has(request.requestId) || settledHere(station, request)) continue;
    inFlight.add(request.requestId);
    const pending = newPending(request.requestId, request.kind, request.imei, request.slot, request.powerBankId, request.deadline);
    pending.sent = true; // it was, by the hub that made it
    if (request.kind === 'status') {
      requests.add(pending);
      station.queries = [...station.queries, pending];
      continue;
    }
    const slot = station.slot(request.slot!);
    if (slot.lend === undefined) {
      requests.add(pending);
      slot.lend = pending;
      continue;
    }
    // Two lends of one slot cannot be told apart by the answer: the one in flight here keeps the slot.
    const { requestId, imei, powerBankId } = request;
    const at = Number.isFinite(host.latest) ? host.latest : (saved.lastSeen ?? request.deadline); // a hub given no time yet
    addExpired(station, request.slot!, { requestId, outcome: 'offline', at, powerBankId: powerBankId! });
    host.emit({ type: 'settled', at, imei, requestId, kind: 'lend', result: { outcome: 'offline', requestId, imei, slot: request.slot!, powerBankId: powerBankId!, sent: true } });
  }
  for (const { slot, powerBankId } of saved.returns) {
    const state = station.slot(slot);
    if (state.returning === undefined || savedIsNewer) state.returning = { powerBankId, belongs: true };
  }
  for (const { slot, counted } of saved.reports) {
    const state = station.slot(slot);
    const here = state.reports ?? [];
    const restored = counted.map((entry) => entry.split(' ') as [Move, string]);
    state.reports = undefined;
    // Counted in order, older side first: a bank that moved the other way since is new again.
    if (savedIsNewer) for (const { move, powerBankId } of here) station.count(slot, move, powerBankId);
    for (const [move, powerBankId] of restored) station.count(slot, move, powerBankId);
    if (!savedIsNewer) for (const { move, powerBankId } of here) station.count(slot, move, powerBankId);
  }
}

/** Adds an expired lend to a slot, in the order of `at`, unless the slot has it already. */
function addExpired(station: StationState, slot: number, expired: ExpiredLend): void {
  const state = station.slot(slot);
  const list = state.expired ?? [];
  if (list.some((known) => known.requestId === expired.requestId)) return;
  const merged = [...list, expired].sort((a, b) => a.at - b.at);
  state.expired = undefined;
  for (const kept of merged) state.expired = remember(state.expired, kept);
}

/** Whether `request` settled here already, before its answer. */
function settledHere(station: StationState, request: PendingRequest): boolean {
  if (request.kind === 'status') return station.expiredQuery?.requestId === request.requestId;
  return station.peek(request.slot!)?.expired?.some((expired) => expired.requestId === request.requestId) ?? false;
}
