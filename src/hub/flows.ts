/**
 * The server's side of every flow of PROTOCOL.md section 5, for one station's message:
 * acknowledge it (`replyTo`), match it to the request or return it answers (messages
 * named by their move in the state table of `flows/steps.ts`), or recognise it as late, repeated or unexpected.
 *
 * ```
 * MC.BO / MR.BF  → AM.BO / AR.BF; the lend in flight in the slot settles lent / failed,
 *                  or: a late answer (its lend settled timeout / offline / aborted),
 *                  a duplicate (counted already), a violation (an answer to nothing)
 * MQ             → ownership(...) → RQ.T / RQ.F when it resolves; a repeated MQ: duplicate
 * MC.RO / MR.RF  → AM.RO / AR.RF; the return after RQ.T ends returned / returnFailed
 * AQ             → the last status; the status queries in flight settle answered
 * CH             → heartbeat
 * ```
 *
 * @module
 * @internal
 */

import type { LendFailure, ReturnFailure } from '../messages/MR.js';
import type { LendSuccess, ReturnSuccess } from '../messages/MC.js';
import type { Message } from '../messages/index.js';
import type { OwnershipQuery } from '../messages/MQ.js';
import type { StatusAnswer } from '../messages/AQ.js';
import { replyTo, type OwnershipPolicy } from '../flows/replies.js';
import { moveOf, type Move } from '../flows/steps.js';
import type { HubEvent } from './events.js';
import type { HubSettings } from './options.js';
import type { LendOutcome, StatusOutcome } from './outcomes.js';
import type { Pending, Requests } from './requests.js';
import { NONE, type ExpiredLend, type ReturnState, type StationState } from './station.js';

/** What the flows need from the hub. */
export interface FlowHost {
  readonly settings: HubSettings;
  readonly requests: Requests;
  /** The latest time the hub was given (for what resolves later). */
  readonly latest: number;
  emit(event: HubEvent): void;
  send(station: StationState, message: Message, now: number): boolean;
  settle(pending: Pending, result: LendOutcome | StatusOutcome, now: number): void;
  /** Runs `work` (an ownership check that resolved) as a call of its own: its events are delivered when it ends. */
  call(work: () => void): void;
}

/** The policies `replyTo` needs once the ownership answer is known (for a report it asks nothing). */
const BELONGS: OwnershipPolicy = { belongs: () => true };
const FOREIGN: OwnershipPolicy = { belongs: () => false };

/** Handles a valid message from `station`. */
export function onStationMessage(host: FlowHost, station: StationState, message: Message, now: number): void {
  switch (message.type) {
    case 'Heartbeat':
      host.emit({ type: 'heartbeat', at: now, imei: station.imei });
      return;
    case 'StatusAnswer':
      return statusAnswer(host, station, message, now);
    case 'OwnershipQuery':
      return ownershipQuery(host, station, message, now);
    case 'LendSuccess':
    case 'LendFailure':
      return lendAnswer(host, station, message, now);
    case 'ReturnSuccess':
    case 'ReturnFailure':
      return returnReport(host, station, message, now);
  }
  // The decoder refuses every message only a server sends (`from: 'device'`).
}

function statusAnswer(host: FlowHost, station: StationState, message: StatusAnswer, now: number): void {
  const { imei, slots } = message;
  station.lastStatus = { slots, at: now };
  const answered = station.queries;
  station.queries = NONE;
  station.queriedOn = undefined;
  host.emit({ type: 'status', at: now, imei, slots, requestIds: answered.map((query) => query.requestId) });
  for (const query of answered) host.settle(query, { outcome: 'answered', requestId: query.requestId, imei, slots, sent: true }, now);
  const late = station.expiredQuery;
  if (answered.length === 0 && late !== undefined) {
    station.expiredQuery = undefined;
    host.emit({ type: 'lateAnswer', at: now, imei, requestId: late.requestId, outcome: late.outcome, message });
  }
}

/** The expired lend a late answer naming `powerBankId` answers: the latest for that bank, else, for a report not counted yet, the latest. */
function lateLend(station: StationState, expired: readonly ExpiredLend[] | undefined, slot: number, move: Move, powerBankId: string): number {
  if (expired === undefined || expired.length === 0) return -1;
  for (let i = expired.length - 1; i >= 0; i--) if (expired[i]!.powerBankId === powerBankId) return i;
  return station.counted(slot, move, powerBankId) ? -1 : expired.length - 1;
}

function lendAnswer(host: FlowHost, station: StationState, message: LendSuccess | LendFailure, now: number): void {
  const { imei, slot, powerBankId } = message;
  const move = moveOf(message);
  host.send(station, replyTo(message, BELONGS), now);
  const state = station.peek(slot);
  const pending = state?.lend;
  if (pending !== undefined && (pending.powerBankId === powerBankId || !station.counted(slot, move, powerBankId))) {
    if (pending.powerBankId !== powerBankId) host.emit({ type: 'violation', at: now, imei, reason: 'mismatch', message });
    station.count(slot, move, powerBankId);
    const lent = message.type === 'LendSuccess';
    const { requestId } = pending;
    host.emit({ type: lent ? 'lent' : 'lendFailed', at: now, imei, requestId, slot, powerBankId });
    host.settle(pending, { outcome: lent ? 'lent' : 'failed', requestId, imei, slot, powerBankId, sent: true }, now);
    return;
  }
  const late = lateLend(station, state?.expired, slot, move, powerBankId);
  if (late === -1) return report(host, station, message, now);
  const expired = state!.expired!.splice(late, 1)[0]!;
  if (expired.powerBankId !== powerBankId) host.emit({ type: 'violation', at: now, imei, reason: 'mismatch', message });
  station.count(slot, move, powerBankId);
  host.emit({ type: 'lateAnswer', at: now, imei, requestId: expired.requestId, outcome: expired.outcome, message });
}

function returnReport(host: FlowHost, station: StationState, message: ReturnSuccess | ReturnFailure, now: number): void {
  const { imei, slot, powerBankId } = message;
  const move = moveOf(message);
  host.send(station, replyTo(message, BELONGS), now);
  const state = station.peek(slot);
  const underWay = state?.returning;
  if (underWay?.belongs === true && underWay.powerBankId === powerBankId) {
    state!.returning = undefined;
    station.count(slot, move, powerBankId);
    const returned = message.type === 'ReturnSuccess';
    host.emit({ type: returned ? 'returned' : 'returnFailed', at: now, imei, slot, powerBankId });
  } else {
    report(host, station, message, now);
  }
}

/** A report that answers nothing in flight: a duplicate when it was counted already, else a violation (counted, so that its repeats are duplicates). Acknowledged either way. */
function report(host: FlowHost, station: StationState, message: LendSuccess | LendFailure | ReturnSuccess | ReturnFailure, now: number): void {
  const { imei, slot, powerBankId } = message;
  const move = moveOf(message);
  if (station.counted(slot, move, powerBankId)) {
    host.emit({ type: 'duplicate', at: now, imei, message });
    return;
  }
  station.count(slot, move, powerBankId);
  host.emit({ type: 'violation', at: now, imei, reason: 'unexpected', message });
}

function ownershipQuery(host: FlowHost, station: StationState, message: OwnershipQuery, now: number): void {
  const { imei, slot, powerBankId } = message;
  const slotState = station.slot(slot);
  const underWay = slotState.returning;
  if (underWay !== undefined && underWay.powerBankId === powerBankId) {
    // Asked again: the answer is on its way (check running), or was lost (RQ.T again).
    if (underWay.belongs === true) host.send(station, replyTo(message, BELONGS), now);
    host.emit({ type: 'duplicate', at: now, imei, message });
    return;
  }
  const state: ReturnState = { powerBankId, belongs: undefined };
  slotState.returning = state;
  let answer: unknown;
  try {
    answer = host.settings.ownership(powerBankId, slot, imei);
  } catch (error) {
    ownershipFailed(host, station, slot, state, error, now);
    return;
  }
  if (typeof answer === 'boolean') {
    ownershipAnswered(host, station, slot, state, answer, now);
    return;
  }
  host.requests.checks++;
  Promise.resolve(answer)
    .then(
      (belongs: unknown) => host.call(() => ownershipAnswered(host, station, slot, state, belongs, host.latest)),
      (error: unknown) => host.call(() => ownershipFailed(host, station, slot, state, error, host.latest)),
    )
    .finally(() => {
      host.requests.checks--;
      host.requests.wake();
    });
}

function ownershipAnswered(host: FlowHost, station: StationState, slot: number, state: ReturnState, belongs: unknown, now: number): void {
  const slotState = station.peek(slot);
  if (slotState?.returning !== state) return; // another bank was inserted since: this answer is for nothing
  if (typeof belongs !== 'boolean') {
    ownershipFailed(host, station, slot, state, new TypeError(`ownership must give true or false; got ${String(belongs)}`), now);
    return;
  }
  const { imei } = station;
  const { powerBankId } = state;
  if (station.link === undefined) {
    slotState.returning = undefined;
    host.emit({ type: 'ownershipFailed', at: now, imei, slot, powerBankId, reason: 'offline' });
    return;
  }
  if (belongs) state.belongs = true;
  else slotState.returning = undefined;
  host.send(station, replyTo({ type: 'OwnershipQuery', imei, slot, powerBankId }, belongs ? BELONGS : FOREIGN), now);
  if (!belongs) host.emit({ type: 'returnRejected', at: now, imei, slot, powerBankId });
}

function ownershipFailed(host: FlowHost, station: StationState, slot: number, state: ReturnState, error: unknown, now: number): void {
  const slotState = station.peek(slot);
  if (slotState?.returning !== state) return;
  slotState.returning = undefined;
  host.emit({ type: 'ownershipFailed', at: now, imei: station.imei, slot, powerBankId: state.powerBankId, reason: 'error', error });
}
