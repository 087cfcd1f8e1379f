/**
 * What the hub keeps per station: its connection, its last status, its status queries in
 * flight, and per slot (made when a slot is first used) its lend in flight, the lends
 * that settled before their answer came (for late answers), its return under way, and
 * the reports it has counted (for duplicates).
 *
 * @module
 * @internal
 */

import type { Move } from '../flows/steps.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { HubLink } from './link.js';
import type { LendOutcome, StatusOutcome } from './outcomes.js';
import type { EarlyOutcome, Pending } from './requests.js';

/** A lend or status query that settled before its answer, at `at`: a later answer is a late answer to it. */
export interface Expired {
  readonly requestId: string;
  readonly outcome: EarlyOutcome;
  readonly at: number;
}

/** A lend that settled before its answer, and the bank it asked for. */
export interface ExpiredLend extends Expired {
  readonly powerBankId: string;
}

/** A return under way in a slot: the ownership check running (`belongs` undefined) or `RQ.T` sent. */
export interface ReturnState {
  readonly powerBankId: string;
  belongs: boolean | undefined;
}

/** A report counted: its move (`MC.BO`, …) and the bank it names. */
export interface Counted {
  readonly move: Move;
  readonly powerBankId: string;
}

/** What the hub keeps about one slot of a station. */
export interface SlotState {
  /** The lend in flight. */
  lend: Pending | undefined;
  /** The lends that settled before their answer came, oldest first. */
  expired: ExpiredLend[] | undefined;
  /** The return under way. */
  returning: ReturnState | undefined;
  /** The reports counted lately, oldest first. */
  reports: Counted[] | undefined;
}

/** How many counted reports, and how many expired lends, each slot remembers. */
export const REMEMBERED = 4;

/** The report of a bank moving the other way: a lend (`MC.BO`) and a return (`MC.RO`). */
const OPPOSITE: Partial<Record<Move, Move>> = { 'MC.BO': 'MC.RO', 'MC.RO': 'MC.BO' };

/** No status query in flight: one empty list for every station. */
export const NONE: readonly Pending[] = [];

/** `list` with `item` added at the end, the oldest dropped beyond {@link REMEMBERED}. */
export function remember<T>(list: T[] | undefined, item: T): T[] {
  const kept = list ?? [];
  kept.push(item);
  if (kept.length > REMEMBERED) kept.shift();
  return kept;
}

/** The state of one station. */
export class StationState {
  link: HubLink | undefined = undefined;
  lastSeen: number | undefined = undefined;
  lastStatus: { readonly slots: readonly SlotStatus[]; readonly at: number } | undefined = undefined;
  /** The status queries in flight (one `CQ` answers them all). */
  queries: readonly Pending[] = NONE;
  /** The connection the `CQ` of the queries in flight went out on. */
  queriedOn: HubLink | undefined = undefined;
  /** The last status query that settled before its answer. */
  expiredQuery: Expired | undefined = undefined;
  /** Each slot's state, at its slot number; most stations of a fleet are idle, so made on first use. */
  private slots: Array<SlotState | undefined> | undefined = undefined;

  constructor(readonly imei: string) {}

  get online(): boolean {
    return this.link !== undefined;
  }

  /** The state of `slot`, if it has any. */
  peek(slot: number): SlotState | undefined {
    return this.slots?.[slot];
  }

  /** The state of `slot`, made empty on first use. */
  slot(slot: number): SlotState {
    const slots = (this.slots ??= []);
    return (slots[slot] ??= { lend: undefined, expired: undefined, returning: undefined, reports: undefined });
  }

  /** Every slot with a state, by slot number. */
  slotStates(): Array<[number, SlotState]> {
    const states: Array<[number, SlotState]> = [];
    this.slots?.forEach((state, slot) => states.push([slot, state!]));
    return states;
  }

  /**
   * Remembers a counted report, as the latest. A bank that moves the other way (lent,
   * then returned to the slot) makes its earlier report of the first way new again: the
   * next `MC.BO` of a returned bank is a new lend, not a duplicate.
   */
  count(slot: number, move: Move, powerBankId: string): void {
    const state = this.slot(slot);
    const back = OPPOSITE[move];
    const reports = (state.reports ??= []);
    for (let i = reports.length - 1; i >= 0; i--) {
      const counted = reports[i]!;
      if (counted.powerBankId === powerBankId && (counted.move === move || counted.move === back)) reports.splice(i, 1);
    }
    remember(reports, { move, powerBankId });
  }

  /** Whether that report was counted already. */
  counted(slot: number, move: Move, powerBankId: string): boolean {
    const reports = this.peek(slot)?.reports;
    if (reports === undefined) return false;
    for (const counted of reports) if (counted.move === move && counted.powerBankId === powerBankId) return true;
    return false;
  }

  /** The bank the last status answer lists in `slot`, if any. */
  bankIn(slot: number): string | undefined {
    return this.lastStatus?.slots.find((record) => record.slot === slot)?.powerBankId;
  }

  /**
   * Forgets `pending`, which settled with `outcome` at `now`; one that settled before its
   * answer (timeout, offline, aborted) is remembered, so that a late answer is known.
   */
  settled(pending: Pending, outcome: LendOutcome['outcome'] | StatusOutcome['outcome'], now: number): void {
    const { requestId, slot, powerBankId } = pending;
    const early = outcome === 'timeout' || outcome === 'offline' || outcome === 'aborted';
    if (pending.kind === 'lend') {
      const state = this.slot(slot!);
      state.lend = undefined;
      if (early) state.expired = remember(state.expired, { requestId, outcome, at: now, powerBankId: powerBankId! });
    } else {
      this.queries = this.queries.length === 1 ? NONE : this.queries.filter((query) => query !== pending);
      if (this.queries.length === 0) this.queriedOn = undefined;
      if (early) this.expiredQuery = { requestId, outcome, at: now };
    }
  }

  /** All its requests in flight: lends by slot number, then status queries. */
  pending(): Pending[] {
    const pending: Pending[] = [];
    for (const [, state] of this.slotStates()) if (state.lend !== undefined) pending.push(state.lend);
    return pending.concat(this.queries);
  }
}
