/**
 * The two returns the harness runs, in order: the first accepted (`RQ.T`), the second
 * rejected (`RQ.F`). The hub asks {@link ReturnPlans.decide} about each ownership query;
 * an `MQ` goes to the first return that has none yet, even before its step asks the
 * operator, so that a station that brings banks back by itself is served too.
 *
 * @module
 */

import type { Message, OwnershipAnswer } from '../../index.js';
import type { StationFrame } from './frames.js';

/** One return: the answer it gives, the query it got, when the answer went out, the station's report. */
export interface ReturnPlan {
  readonly belongs: boolean;
  query: { readonly slot: number; readonly powerBankId: string; readonly at: number } | undefined;
  /** When `RQ` went out. */
  answeredAt: number | undefined;
  /** The station's report after `RQ.T`. */
  report: StationFrame | undefined;
}

/** The messages a station reports a lend or a return with (`MR.BF` too: the vendor text prints it for a failed return). */
const REPORTS: ReadonlySet<Message['type']> = new Set(['ReturnSuccess', 'ReturnFailure', 'LendFailure', 'LendSuccess']);

/** The returns of a run. */
export class ReturnPlans {
  readonly accepted: ReturnPlan = { belongs: true, query: undefined, answeredAt: undefined, report: undefined };
  readonly rejected: ReturnPlan = { belongs: false, query: undefined, answeredAt: undefined, report: undefined };
  /** Queries that came after both returns had one: answered `RQ.F`. */
  readonly extra: string[] = [];

  /** Whether the bank inserted belongs: the hub's ownership check. */
  decide(powerBankId: string, slot: number, now: number): boolean {
    const plans = [this.accepted, this.rejected];
    const asked = plans.find((plan) => plan.query?.slot === slot && plan.query.powerBankId === powerBankId);
    if (asked !== undefined) return asked.belongs; // asked again: the same answer
    const plan = plans.find((candidate) => candidate.query === undefined);
    if (plan === undefined) {
      this.extra.push(`an MQ came after both returns (slot ${slot}, power bank ${powerBankId}); it was answered RQ.F`);
      return false;
    }
    plan.query = { slot, powerBankId, at: now };
    return plan.belongs;
  }

  /** The harness sent `RQ`: the return it answers now waits for the station. */
  answered(message: OwnershipAnswer, at: number): void {
    const plan = message.belongs ? this.accepted : this.rejected;
    if (plan.query?.slot === message.slot && plan.query.powerBankId === message.powerBankId) plan.answeredAt ??= at;
  }

  /** A frame from the station that no step took: the report on the accepted return, if it is one. */
  frame(frame: StationFrame): void {
    const { message } = frame;
    const plan = this.accepted;
    if (frame.taken || message === undefined || !REPORTS.has(message.type) || !('slot' in message)) return;
    if (plan.answeredAt !== undefined && plan.report === undefined && plan.query?.slot === message.slot) plan.report = frame;
  }
}
