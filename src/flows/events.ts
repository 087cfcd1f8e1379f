/**
 * What a conversation tracker reports: the events, plain data, each with a one-line
 * `description`, and the open flows it lists.
 *
 * @module
 */

import type { DecodeErrorCode, DeviationCode } from '../errors.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { Sender } from '../messages/codec.js';
import type { Message } from '../messages/index.js';
import type { DiscardedEvent } from '../stream/events.js';
import type { FlowName } from './steps.js';

/**
 * One message of a flow, as the tracker observed it.
 *
 * @example
 * ```ts
 * import type { FlowStep } from 'powerbank-codec/testing';
 *
 * const line = (steps: readonly FlowStep[]) => steps.map((step) => `${step.move} at ${step.at} ms`).join(' → ');
 * ```
 */
export interface FlowStep {
  /** The message as PROTOCOL.md section 5 names it: `CC`, `MC.BO`, `RQ.T`, `AQ`. */
  readonly move: string;
  /** The side that sent it. */
  readonly from: Sender;
  /** The message: the object passed to `observe` (or decoded by `observeItem`). */
  readonly message: Message;
  /** When it was observed. */
  readonly at: number;
}

/**
 * A flow that ran to its end: a lend (`lent`, `lendFailed`) or a return (`returned`,
 * `returnRejected`, `returnFailed`).
 *
 * @example
 * ```ts
 * import type { ConversationEvent } from 'powerbank-codec/testing';
 *
 * function onEvent(event: ConversationEvent) {
 *   if (event.kind === 'lent') console.log(`slot ${event.slot} lent ${event.powerBankId}`);
 * }
 * ```
 */
export interface FlowCompleted {
  readonly kind: 'lent' | 'lendFailed' | 'returned' | 'returnRejected' | 'returnFailed';
  readonly flow: 'lend' | 'return';
  /** The station's IMEI. */
  readonly imei: string;
  /** The slot, as the last message of the flow named it. */
  readonly slot: number;
  /** The power bank, as the last message of the flow named it. */
  readonly powerBankId: string;
  /** When the flow's first message was observed. */
  readonly startedAt: number;
  /** When its last message was observed. */
  readonly at: number;
  /** Its messages, the first to the last, each with its time. */
  readonly steps: readonly FlowStep[];
  /** One line in words, e.g. `lent: slot 2, power bank 1234567890 (CC → MC.BO → AM.BO)`. */
  readonly description: string;
}

/**
 * A status query answered: `CQ` then `AQ`.
 *
 * @example
 * ```ts
 * import type { StatusAnswered } from 'powerbank-codec/testing';
 *
 * const lendable = (event: StatusAnswered) => event.slots.filter((record) => record.status === 'full');
 * ```
 */
export interface StatusAnswered {
  readonly kind: 'statusAnswered';
  readonly flow: 'status';
  readonly imei: string;
  /** The slot records of the answer. */
  readonly slots: readonly SlotStatus[];
  readonly startedAt: number;
  readonly at: number;
  /** The query and the answer, each with its time. */
  readonly steps: readonly FlowStep[];
  readonly description: string;
}

/**
 * A heartbeat from the station.
 *
 * @example
 * ```ts
 * import type { HeartbeatReceived } from 'powerbank-codec/testing';
 *
 * const log = (event: HeartbeatReceived) => console.log(event.imei, event.sincePrevious ?? 'first');
 * ```
 */
export interface HeartbeatReceived {
  readonly kind: 'heartbeat';
  readonly flow: 'heartbeat';
  readonly imei: string;
  readonly at: number;
  /** Milliseconds since the previous heartbeat; `undefined` for the first. */
  readonly sincePrevious: number | undefined;
  readonly description: string;
}

/**
 * What kind of rule a {@link Violation} broke:
 * - `unexpected`: a message no open flow is waiting for, a message of the wrong kind at
 *   a step (e.g. `AR.BF` where `AM.BO` is due), or one from the wrong side;
 * - `mismatch`: an answer whose slot, power bank or IMEI differs from the message it
 *   answers (`field` names which);
 * - `timeout`: no answer within `answerTimeout`;
 * - `heartbeatGap`: no heartbeat within `heartbeatGap`;
 * - `deviation`: a frame in a non-canonical form (PROTOCOL.md section 7), a line
 *   ending included (`code` names it);
 * - `decodeError`: a frame that did not decode (`code` is the decode error's);
 * - `discarded`: bytes outside any frame: `noise`, a `truncated` frame, a `tooLong` one.
 *
 * @example
 * ```ts
 * import type { ViolationKind } from 'powerbank-codec/testing';
 *
 * const conversational: ViolationKind[] = ['unexpected', 'mismatch', 'timeout', 'heartbeatGap'];
 * ```
 */
export type ViolationKind = 'unexpected' | 'mismatch' | 'timeout' | 'heartbeatGap' | 'deviation' | 'decodeError' | 'discarded';

/**
 * A departure from the documented flows or frames. It names the flow, the step that was
 * expected and what was received, each in words, and sums them up in `description`.
 *
 * @example
 * ```ts
 * import { ConversationTracker } from 'powerbank-codec/testing';
 *
 * const tracker = new ConversationTracker();
 * const [violation] = tracker.observe('device', { type: 'LendSuccess', imei: '860123456789014', slot: 2, powerBankId: 'A1' }, 0);
 * if (violation?.kind === 'violation') console.log(violation.violation, violation.expected);
 * // 'unexpected' 'first a CC lend request for that slot and power bank, not yet answered'
 * ```
 */
export interface Violation {
  readonly kind: 'violation';
  readonly violation: ViolationKind;
  /** The flow concerned; `undefined` for bytes that belong to no message. */
  readonly flow: FlowName | undefined;
  /** The station's IMEI, once known. */
  readonly imei: string | undefined;
  /** The step, field value or form that was expected, in words. */
  readonly expected: string;
  /**
   * What came instead, in words: `nothing` for a heartbeat gap, and for a timeout unless
   * frames that did not decode came while it waited (then it says how many).
   */
  readonly received: string;
  /** The message received, when there was one. */
  readonly message?: Message;
  /** For a `mismatch`: the field that differs. */
  readonly field?: 'imei' | 'slot' | 'powerBankId';
  /** For a `deviation`, a `decodeError` or discarded bytes: the deviation code, the decode error code, or the kind of run. */
  readonly code?: DeviationCode | DecodeErrorCode | DiscardedEvent['kind'];
  /** For frame-level violations: the byte position in the stream. */
  readonly offset?: number;
  /**
   * For a violation in a flow that had begun (an answer that does not match, a wrong
   * message or no answer where the flow waited, a second flow for its slot): the
   * flow's messages so far, the first one first. The message at fault is `message`.
   */
  readonly steps?: readonly FlowStep[];
  readonly at: number;
  /** One line saying all of the above. */
  readonly description: string;
}

/**
 * What a {@link ConversationTracker} reports, a discriminated union on `kind`: a flow
 * completed (`lent`, `lendFailed`, `returned`, `returnRejected`, `returnFailed`,
 * `statusAnswered`), a `heartbeat`, or a `violation`. Each has a one-line `description`.
 *
 * @example
 * ```ts
 * import type { ConversationEvent } from 'powerbank-codec/testing';
 *
 * const log = (event: ConversationEvent) => console.log(`${event.kind === 'violation' ? '✗' : '✓'} ${event.description}`);
 * ```
 */
export type ConversationEvent = FlowCompleted | StatusAnswered | HeartbeatReceived | Violation;

/**
 * A flow still waiting for its next message.
 *
 * @example
 * ```ts
 * import { ConversationTracker } from 'powerbank-codec/testing';
 *
 * const tracker = new ConversationTracker();
 * tracker.observe('server', { type: 'StatusQuery', imei: '860123456789014' }, 0);
 * tracker.openFlows(); // [{ flow: 'status', expected: 'the station answers CQ with AQ', startedAt: 0, waitingSince: 0, steps: [{ move: 'CQ', … }] }]
 * ```
 */
export interface OpenFlow {
  readonly flow: Exclude<FlowName, 'heartbeat'>;
  /** The step it waits at, in words. */
  readonly expected: string;
  /** The slot the last message of the flow named, if any. */
  readonly slot?: number;
  /** The power bank the last message of the flow named, if any. */
  readonly powerBankId?: string;
  readonly startedAt: number;
  /** When it reached the step it waits at. */
  readonly waitingSince: number;
  /** Its messages so far, the first one first. */
  readonly steps: readonly FlowStep[];
}
