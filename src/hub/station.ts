/**
 * What the hub keeps per station: its connection, its last status, its requests in
 * flight, the lends that settled before their answer came (for late answers), its
 * returns under way, and the reports it has counted (for duplicates).
 *
 * @module
 * @internal
 */

import type { SlotStatus } from '../messages/AQ.js';
import type { HubLink } from './link.js';
import type { EarlyOutcome, Pending } from './requests.js';

/** A lend or status query that settled before its answer: a later answer is a late answer to it. */
export interface Expired {
  readonly requestId: number;
  readonly outcome: EarlyOutcome;
  readonly powerBankId?: string;
}

/** A return under way in a slot: the ownership check running (`belongs` undefined) or `RQ.T` sent. */
export interface ReturnState {
  readonly powerBankId: string;
  belongs: boolean | undefined;
}

/** How many counted reports each slot remembers, to recognise a repeated one. */
const REMEMBERED_REPORTS = 4;

/** The report of a bank moving the other way: a lend (`MC.BO`) and a return (`MC.RO`). */
const OPPOSITE: Readonly<Record<string, string>> = { 'MC.BO': 'MC.RO', 'MC.RO': 'MC.BO' };

/** No status query in flight: one empty list for every station. */
export const NONE: readonly Pending[] = [];

/**
 * A map by slot number, allocated on first write: an idle station holds four of them,
 * and most stay empty for ever (an empty `Map` costs about 200 bytes).
 */
export class SlotMap<V> {
  private map: Map<number, V> | undefined = undefined;

  get(slot: number): V | undefined {
    return this.map?.get(slot);
  }

  has(slot: number): boolean {
    return this.map !== undefined && this.map.has(slot);
  }

  set(slot: number, value: V): void {
    (this.map ??= new Map()).set(slot, value);
  }

  delete(slot: number): void {
    this.map?.delete(slot);
  }

  /** The entries, in the order they were set. */
  entries(): Array<[number, V]> {
    return this.map === undefined ? [] : [...this.map];
  }
}

/** The state of one station. */
export class StationState {
  link: HubLink | undefined = undefined;
  lastSeen: number | undefined = undefined;
  lastStatus: { readonly slots: readonly SlotStatus[]; readonly at: number } | undefined = undefined;
  /** The lend in flight in each slot. */
  readonly lends = new SlotMap<Pending>();
  /** The status queries in flight (one `CQ` answers them all). */
  queries: readonly Pending[] = NONE;
  /** The last lend of each slot that settled before its answer. */
  readonly expiredLends = new SlotMap<Expired>();
  /** The last status query that settled before its answer. */
  expiredQuery: Expired | undefined = undefined;
  /** The return under way in each slot. */
  readonly returns = new SlotMap<ReturnState>();
  /** The last reports counted in each slot, as `move id` (`MC.BO 1234567890`). */
  readonly reports = new SlotMap<string[]>();

  constructor(readonly imei: string) {}

  get online(): boolean {
    return this.link !== undefined;
  }

  /**
   * Remembers a counted report. A bank that moves the other way (lent, then returned to
   * the slot) makes its earlier report of the first way new again: the next `MC.BO` of a
   * returned bank is a new lend, not a duplicate.
   */
  count(slot: number, move: string, powerBankId: string): void {
    const key = `${move} ${powerBankId}`;
    const back = `${OPPOSITE[move] ?? ''} ${powerBankId}`;
    const list = (this.reports.get(slot) ?? []).filter((counted) => counted !== back);
    list.push(key);
    if (list.length > REMEMBERED_REPORTS) list.shift();
    this.reports.set(slot, list);
  }

  /** Whether that report was counted already. */
  counted(slot: number, move: string, powerBankId: string): boolean {
    return this.reports.get(slot)?.includes(`${move} ${powerBankId}`) ?? false;
  }

  /** The bank the last status answer lists in `slot`, if any. */
  bankIn(slot: number): string | undefined {
    return this.lastStatus?.slots.find((record) => record.slot === slot)?.powerBankId;
  }

  /** All its requests in flight. */
  pending(): Pending[] {
    return [...this.lends.entries().map(([, pending]) => pending), ...this.queries];
  }
}
