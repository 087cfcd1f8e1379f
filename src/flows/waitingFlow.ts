/**
 * The conversation tracker's record of a flow waiting at a step of the state table
 * (`steps.ts`), and what it makes of one: which waiting flow an answer belongs to, the
 * flow as the tracker's `openFlows()` shows it, and the event of a flow that
 * completed. Plain data and functions; the tracker moves the flows on.
 *
 * @module
 * @internal
 */

import type { Sender } from '../messages/codec.js';
import type { Message } from '../messages/index.js';
import type { ConversationEvent, FlowStep, OpenFlow } from './events.js';
import * as say from './prose.js';
import { moveOf, STEPS, type AnswerMessage, type Outcome, type StepName } from './steps.js';

/** A flow waiting at a step. */
export interface WaitingFlow {
  step: StepName;
  /** The message the step answers; the next message must name the same slot and power bank. */
  last: Message;
  readonly startedAt: number;
  waitingSince: number;
  /** How many frames had failed to decode when the flow began to wait. */
  undecodedBefore: number;
  /** Its messages so far. */
  readonly steps: FlowStep[];
}

/** `message`, sent by `from` at `at`, as a step of a flow. */
export function stepOf(from: Sender, message: Message, at: number): FlowStep {
  return { move: moveOf(message), from, message, at };
}

/**
 * Of `flows`, the one `message` most likely answers: same slot and power bank, else
 * same slot, else same power bank, else (unless `sameSlotOnly`) the oldest.
 */
export function closestFlow(flows: readonly WaitingFlow[], message: AnswerMessage, sameSlotOnly = false): WaitingFlow | undefined {
  let best: WaitingFlow | undefined;
  let bestScore = -1;
  for (const flow of flows) {
    const { last } = flow;
    let score = 0;
    if ('slot' in message && 'slot' in last) score = (message.slot === last.slot ? 2 : 0) + (message.powerBankId === last.powerBankId ? 1 : 0);
    if (sameSlotOnly && score < 2) continue;
    if (score > bestScore) {
      best = flow;
      bestScore = score;
    }
  }
  return best;
}

/** The flow as `openFlows()` shows it: what it waits for, and its messages so far. */
export function openFlowOf({ step, last, startedAt, waitingSince, steps }: WaitingFlow): OpenFlow {
  return {
    flow: STEPS[step].flow,
    expected: say.expectedAt(step, last),
    ...('slot' in last ? { slot: last.slot, powerBankId: last.powerBankId } : {}),
    startedAt,
    waitingSince,
    steps: [...steps],
  };
}

/** The event of a flow that `message`, at `now`, completed with `outcome`. */
export function completionOf(outcome: Outcome, message: AnswerMessage, { startedAt, steps }: WaitingFlow, now: number): ConversationEvent {
  if (message.type === 'StatusAnswer') {
    const { imei, slots } = message;
    return { kind: 'statusAnswered', flow: 'status', imei, slots, startedAt, at: now, steps, description: say.describeStatusAnswered(slots) };
  }
  const { imei, slot, powerBankId } = message;
  const kind = outcome as Exclude<Outcome, 'statusAnswered'>;
  const flow = kind === 'lent' || kind === 'lendFailed' ? 'lend' : 'return';
  return { kind, flow, imei, slot, powerBankId, startedAt, at: now, steps, description: say.describeOutcome(kind, slot, powerBankId) };
}
