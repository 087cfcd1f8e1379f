/**
 * The flows of PROTOCOL.md section 5 as one state table, and nothing else: the step each
 * flow can wait at, who must speak there, which messages move it on and where each goes.
 * Messages are named as section 5 names them (`MC.BO`, `RQ.T`), so each line of the
 * table can be read against a line of the spec; the words that describe the steps live
 * in `prose.ts`, the code that follows a conversation through them in `tracker.ts`.
 *
 * ```
 * lend     server CC → stationLendAnswer ─ device MC.BO → serverLendSuccessAck ─ server AM.BO → lent
 *                                        └ device MR.BF → serverLendFailureAck ─ server AR.BF → lendFailed
 * return   device MQ → serverOwnershipAnswer ─ server RQ.F → returnRejected
 *                                            └ server RQ.T → stationReturnReport ─ device MC.RO → serverReturnSuccessAck ─ server AM.RO → returned
 *                                                                                └ device MR.RF → serverReturnFailureAck ─ server AR.RF → returnFailed
 * status   server CQ → stationStatusAnswer ─ device AQ → statusAnswered
 * heartbeat device CH, no answer
 * ```
 *
 * @module
 * @internal
 */

import type { Sender } from '../messages/codec.js';
import type { Message, MessageType } from '../messages/index.js';
import { wireName, type WireName } from './describe.js';
import type { FlowCompleted, StatusAnswered } from './events.js';

/**
 * A flow of PROTOCOL.md section 5: a lend (success or failure), a return (success,
 * rejection or failure), a status query, or a heartbeat.
 *
 * @example
 * ```ts
 * import type { FlowName } from 'powerbank-codec/testing';
 *
 * const checked: FlowName[] = ['lend', 'return', 'status', 'heartbeat'];
 * ```
 */
export type FlowName = 'lend' | 'return' | 'status' | 'heartbeat';

/** A message as section 5 names it: its wire notation, the ownership answer split into `RQ.T` and `RQ.F`. */
export type Move = Exclude<WireName, 'RQ'> | 'RQ.T' | 'RQ.F';

/** The move `message` makes. */
export function moveOf(message: Message): Move {
  if (message.type === 'OwnershipAnswer') return message.belongs ? 'RQ.T' : 'RQ.F';
  return wireName(message.type) as Exclude<WireName, 'RQ'>;
}

/** How a flow can end: the `kind` of the event that reports it. */
export type Outcome = FlowCompleted['kind'] | StatusAnswered['kind'];

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

/** Where a move leads: to another step, or to the end of the flow. */
export type Next = { readonly step: StepName } | { readonly outcome: Outcome };

/** A step: the flow it belongs to, who must speak next, and the moves that answer it. */
export interface Step {
  readonly flow: Exclude<FlowName, 'heartbeat'>;
  readonly from: Sender;
  readonly next: { readonly [M in Move]?: Next };
}

/** The moves that open a flow, who makes each, and the step the flow then waits at. */
export const OPENERS: { readonly [M in 'CC' | 'MQ' | 'CQ']: { readonly from: Sender; readonly waitAt: StepName } } = {
  CC: { from: 'server', waitAt: 'stationLendAnswer' },
  MQ: { from: 'device', waitAt: 'serverOwnershipAnswer' },
  CQ: { from: 'server', waitAt: 'stationStatusAnswer' },
};

/** The state table: every step a flow waits at. */
export const STEPS: { readonly [S in StepName]: Step } = {
  stationLendAnswer: { flow: 'lend', from: 'device', next: { 'MC.BO': { step: 'serverLendSuccessAck' }, 'MR.BF': { step: 'serverLendFailureAck' } } },
  serverLendSuccessAck: { flow: 'lend', from: 'server', next: { 'AM.BO': { outcome: 'lent' } } },
  serverLendFailureAck: { flow: 'lend', from: 'server', next: { 'AR.BF': { outcome: 'lendFailed' } } },
  serverOwnershipAnswer: { flow: 'return', from: 'server', next: { 'RQ.T': { step: 'stationReturnReport' }, 'RQ.F': { outcome: 'returnRejected' } } },
  stationReturnReport: { flow: 'return', from: 'device', next: { 'MC.RO': { step: 'serverReturnSuccessAck' }, 'MR.RF': { step: 'serverReturnFailureAck' } } },
  serverReturnSuccessAck: { flow: 'return', from: 'server', next: { 'AM.RO': { outcome: 'returned' } } },
  serverReturnFailureAck: { flow: 'return', from: 'server', next: { 'AR.RF': { outcome: 'returnFailed' } } },
  stationStatusAnswer: { flow: 'status', from: 'device', next: { AQ: { outcome: 'statusAnswered' } } },
};

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

/** The moves of each outcome's flow, from the one that opens it to the last (`CC`, `MC.BO`, `AM.BO`), read off the table. */
export const PATHS: { readonly [O in Outcome]: readonly Move[] } = (() => {
  const paths: Partial<Record<Outcome, Move[]>> = {};
  const walk = (step: StepName, path: Move[]): void => {
    for (const [move, next] of Object.entries(STEPS[step].next) as Array<[Move, Next]>) {
      if ('step' in next) walk(next.step, [...path, move]);
      else paths[next.outcome] = [...path, move];
    }
  };
  for (const [move, { waitAt }] of Object.entries(OPENERS)) walk(waitAt, [move as Move]);
  return paths as Record<Outcome, Move[]>;
})();
