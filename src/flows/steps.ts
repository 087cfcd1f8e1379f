/**
 * The flows of PROTOCOL.md section 5 as data: each step a flow can wait at, who must
 * speak next, which message types move it on, and where each goes.
 *
 * ```
 * lend     CC → stationLendAnswer ─ MC.BO → serverLendSuccessAck ─ AM.BO → lent
 *                                  └ MR.BF → serverLendFailureAck ─ AR.BF → lendFailed
 * return   MQ → serverOwnershipAnswer ─ RQ.F → returnRejected
 *                                     └ RQ.T → stationReturnReport ─ MC.RO → serverReturnSuccessAck ─ AM.RO → returned
 *                                                                  └ MR.RF → serverReturnFailureAck ─ AR.RF → returnFailed
 * status   CQ → stationStatusAnswer ─ AQ → statusAnswered
 * ```
 *
 * @module
 * @internal
 */

import type { Message, MessageType } from '../messages/index.js';
import { slotAndBank } from './describe.js';
import type { Sender } from '../messages/codec.js';

/**
 * A flow of PROTOCOL.md section 5: a lend (success or failure), a return (success,
 * rejection or failure), a status query, or a heartbeat.
 *
 * @example
 * ```ts
 * import type { FlowName } from 'powerbank-codec';
 *
 * const checked: FlowName[] = ['lend', 'return', 'status', 'heartbeat'];
 * ```
 */
export type FlowName = 'lend' | 'return' | 'status' | 'heartbeat';


/** How a flow can end. */
export type Outcome = 'lent' | 'lendFailed' | 'returned' | 'returnRejected' | 'returnFailed' | 'statusAnswered';

/** A step a flow waits at. */
export type StepName =
  | 'stationLendAnswer'
  | 'serverLendSuccessAck'
  | 'serverLendFailureAck'
  | 'serverOwnershipAnswer'
  | 'stationReturnReport'
  | 'serverReturnSuccessAck'
  | 'serverReturnFailureAck'
  | 'stationStatusAnswer';

/** Where a message moves a flow: to another step, or to its end. */
type Next = { readonly step: StepName } | { readonly outcome: Outcome };

interface Step {
  readonly flow: Exclude<FlowName, 'heartbeat'>;
  /** Who must speak next. */
  readonly from: Sender;
  /** The message types that answer this step, and where each leads. */
  readonly next: Partial<Record<MessageType, Next>>;
  /** What is expected, in words, given the message the flow is at. */
  expected(last: Message): string;
}

/** `(slot 2, power bank 1234567890)`, or nothing for a message without a slot. */
function about(message: Message): string {
  return 'slot' in message ? ` (${slotAndBank(message.slot, message.powerBankId)})` : '';
}

export const STEPS: { readonly [S in StepName]: Step } = {
  stationLendAnswer: {
    flow: 'lend',
    from: 'device',
    next: { LendSuccess: { step: 'serverLendSuccessAck' }, LendFailure: { step: 'serverLendFailureAck' } },
    expected: (last) => `the station answers CC${about(last)} with MC.BO (lent) or MR.BF (lend failed)`,
  },
  serverLendSuccessAck: {
    flow: 'lend',
    from: 'server',
    next: { LendSuccessAck: { outcome: 'lent' } },
    expected: (last) => `the server acknowledges MC.BO${about(last)} with AM.BO`,
  },
  serverLendFailureAck: {
    flow: 'lend',
    from: 'server',
    next: { LendFailureAck: { outcome: 'lendFailed' } },
    expected: (last) => `the server acknowledges MR.BF${about(last)} with AR.BF`,
  },
  serverOwnershipAnswer: {
    flow: 'return',
    from: 'server',
    next: { OwnershipAnswer: { step: 'stationReturnReport' } },
    expected: (last) => `the server answers MQ${about(last)} with RQ.T (belongs) or RQ.F (does not belong)`,
  },
  stationReturnReport: {
    flow: 'return',
    from: 'device',
    next: { ReturnSuccess: { step: 'serverReturnSuccessAck' }, ReturnFailure: { step: 'serverReturnFailureAck' } },
    expected: (last) => `after RQ.T${about(last)} the station reports MC.RO (returned) or MR.RF (return failed)`,
  },
  serverReturnSuccessAck: {
    flow: 'return',
    from: 'server',
    next: { ReturnSuccessAck: { outcome: 'returned' } },
    expected: (last) => `the server acknowledges MC.RO${about(last)} with AM.RO`,
  },
  serverReturnFailureAck: {
    flow: 'return',
    from: 'server',
    next: { ReturnFailureAck: { outcome: 'returnFailed' } },
    expected: (last) => `the server acknowledges MR.RF${about(last)} with AR.RF`,
  },
  stationStatusAnswer: {
    flow: 'status',
    from: 'device',
    next: { StatusAnswer: { outcome: 'statusAnswered' } },
    expected: (last) => `the station answers CQ${about(last)} with AQ`,
  },
};

/** The step after `message` at `step`: an `OwnershipAnswer` with `belongs: false` ends the return. */
export function nextAfter(step: StepName, message: Message): Next | undefined {
  if (message.type === 'OwnershipAnswer' && step === 'serverOwnershipAnswer' && !message.belongs) return { outcome: 'returnRejected' };
  return STEPS[step].next[message.type];
}

/** The flow each message type belongs to. */
export const FLOW_OF: { readonly [T in MessageType]: FlowName } = {
  Heartbeat: 'heartbeat',
  StatusQuery: 'status',
  StatusAnswer: 'status',
  LendRequest: 'lend',
  LendSuccess: 'lend',
  LendFailure: 'lend',
  LendSuccessAck: 'lend',
  LendFailureAck: 'lend',
  OwnershipQuery: 'return',
  OwnershipAnswer: 'return',
  ReturnSuccess: 'return',
  ReturnFailure: 'return',
  ReturnSuccessAck: 'return',
  ReturnFailureAck: 'return',
};

/** A message that answers another: any but those that open a flow and the heartbeat. */
export type AnswerMessage = Exclude<Message, { readonly type: 'LendRequest' | 'OwnershipQuery' | 'StatusQuery' | 'Heartbeat' }>;

/** What must have come before an answer for it to be expected, in words. */
const PRECEDED_BY: { readonly [T in AnswerMessage['type']]: string } = {
  LendSuccess: 'a CC lend request for that slot and power bank, not yet answered',
  LendFailure: 'a CC lend request for that slot and power bank, not yet answered',
  LendSuccessAck: 'an MC.BO from the station, not yet acknowledged',
  LendFailureAck: 'an MR.BF from the station, not yet acknowledged',
  OwnershipAnswer: 'an MQ ownership query from the station, not yet answered',
  ReturnSuccess: 'an MQ answered by RQ.T, not yet reported on',
  ReturnFailure: 'an MQ answered by RQ.T, not yet reported on',
  ReturnSuccessAck: 'an MC.RO from the station, not yet acknowledged',
  ReturnFailureAck: 'an MR.RF from the station, not yet acknowledged',
  StatusAnswer: 'a CQ status query, not yet answered',
};

/** What an answer with no open flow waiting for it should have followed, in words. */
export function precededBy(message: AnswerMessage): string {
  return PRECEDED_BY[message.type];
}

/** The ways a flow is described when it ends: the outcome in words and the messages of the flow. */
export const OUTCOMES: { readonly [O in Outcome]: { readonly words: string; readonly path: string } } = {
  lent: { words: 'lent', path: 'CC → MC.BO → AM.BO' },
  lendFailed: { words: 'lend failed', path: 'CC → MR.BF → AR.BF' },
  returned: { words: 'returned', path: 'MQ → RQ.T → MC.RO → AM.RO' },
  returnRejected: { words: 'return rejected', path: 'MQ → RQ.F' },
  returnFailed: { words: 'return failed', path: 'MQ → RQ.T → MR.RF → AR.RF' },
  statusAnswered: { words: 'status answered', path: 'CQ → AQ' },
};
