/**
 * The requests in flight: their ids and deadlines, each settled exactly once (answer,
 * deadline, offline, abort), and what `drain()` waits for.
 *
 * @module
 * @internal
 */

import { Deadlines } from './deadlines.js';
import type { LendOutcome, PendingRequest, StatusOutcome } from './outcomes.js';

/** A request in flight: what a snapshot keeps (see {@link PendingRequest}), and the promise's resolver (none for a restored request). */
export interface Pending {
  readonly requestId: string;
  readonly kind: 'lend' | 'status';
  readonly imei: string;
  /** The slot of a lend. */
  readonly slot: number | undefined;
  /** The bank a lend asked for. */
  readonly powerBankId: string | undefined;
  readonly deadline: number;
  resolve: ((result: never) => void) | undefined;
  /** Removes the abort listener. */
  detach: (() => void) | undefined;
  /** Whether its command (`CC`, `CQ`) was handed to a connection. */
  sent: boolean;
  /** Whether it is still in flight in this hub (neither settled nor handed off). */
  inFlight: boolean;
}

/** How many more entries than requests in flight the deadlines may hold before the settled ones are dropped. */
const SETTLED_SLACK = 64;

/** What a request settled with, as a late answer will name it. */
export type EarlyOutcome = 'timeout' | 'offline' | 'aborted';

/** The requests of a hub in flight, by deadline, and the waiters of `drain()`. */
export class Requests {
  /** How many requests are in flight. */
  private count = 0;
  /** Every request added, by deadline; settled ones are skipped as they come up. */
  private readonly deadlines = new Deadlines<Pending>();
  /** Ownership checks still running (promises `drain()` waits for too). */
  checks = 0;
  /** The number of the next request id. */
  private next = 1;
  private drains: Array<() => void> = [];

  /** `hubId` starts every id this hub makes: `<hubId>-<n>`. */
  constructor(readonly hubId: string) {}

  /** A fresh request id. */
  newId(): string {
    return `${this.hubId}-${this.next++}`;
  }

  /** The number the next request id will get. */
  peekNumber(): number {
    return this.next;
  }

  /** Makes sure no id this hub makes from now on is `<hubId>-<n>` for `n` below `number`. */
  reserveNumber(number: number): void {
    if (number > this.next) this.next = number;
  }

  /** Keeps `id` from being made again, when it is one of this hub's (a restored request of an earlier run). */
  reserve(id: string): void {
    const prefix = `${this.hubId}-`;
    if (!id.startsWith(prefix)) return;
    const number = Number(id.slice(prefix.length));
    if (Number.isSafeInteger(number)) this.reserveNumber(number + 1);
  }

  add(pending: Pending): void {
    pending.inFlight = true;
    this.count++;
    this.deadlines.push(pending.deadline, pending);
  }

  /** Drops the entries of settled requests from the front of the deadlines. */
  private skipSettled(): void {
    while (this.deadlines.size > 0 && !this.deadlines.firstItem!.inFlight) this.deadlines.pop();
  }

  /**
   * Takes `pending`, in flight, out of the requests in flight and resolves its promise.
   * Only a request in flight is ever at hand: its station's slot or list of queries
   * holds it until it settles, the deadlines skip it once settled, and its abort
   * listener goes when it settles.
   */
  settle(pending: Pending, result: LendOutcome | StatusOutcome): void {
    this.take(pending);
    pending.resolve?.(result as never);
    this.wake();
  }

  /** Takes `pending`, in flight, out of the requests in flight without settling it (it goes on in another hub). */
  remove(pending: Pending): void {
    this.take(pending);
    this.wake();
  }

  /**
   * Takes `pending` out of the requests in flight. Its entry stays in the deadlines until
   * it comes up, unless the settled entries outnumber the others: then they all go at once.
   */
  private take(pending: Pending): void {
    pending.inFlight = false;
    this.count--;
    pending.detach?.();
    if (this.deadlines.size > 2 * this.count + SETTLED_SLACK) this.deadlines.retain((entry) => entry.inFlight);
  }

  /** The earliest deadline, or `undefined`. */
  earliest(): number | undefined {
    this.skipSettled();
    return this.deadlines.firstTime;
  }

  /** The requests whose deadline is at or before `now`, earliest first. */
  due(now: number): Pending[] {
    const due: Pending[] = [];
    for (this.skipSettled(); this.deadlines.size > 0 && this.deadlines.firstTime! <= now; this.skipSettled()) {
      due.push(this.deadlines.firstItem!);
      this.deadlines.pop();
    }
    return due;
  }

  /** Settles when nothing is in flight: no request, no ownership check. */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drains.push(resolve));
  }

  /** Wakes the waiters of `drain()` when nothing is in flight any more. */
  wake(): void {
    if (!this.idle()) return;
    const drains = this.drains;
    this.drains = [];
    for (const resolve of drains) resolve();
  }

  private idle(): boolean {
    return this.count === 0 && this.checks === 0;
  }
}

/** A request about to be sent (`sent` false until its command goes out), without its promise yet. */
export function newPending(requestId: string, kind: 'lend' | 'status', imei: string, slot: number | undefined, powerBankId: string | undefined, deadline: number): Pending {
  return { requestId, kind, imei, slot, powerBankId, deadline, resolve: undefined, detach: undefined, sent: false, inFlight: false };
}

/** The public view of a request. */
export function publicView(pending: Pending): PendingRequest {
  const { requestId, kind, imei, slot, powerBankId, deadline } = pending;
  return { requestId, kind, imei, deadline, ...(slot === undefined ? {} : { slot }), ...(powerBankId === undefined ? {} : { powerBankId }) };
}
