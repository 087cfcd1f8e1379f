/**
 * A simulated station's requests to the server and their answers, read off the flows'
 * state table (`src/flows/steps.ts`): after `MQ` the server must answer `RQ.T` or `RQ.F`,
 * after `MC.BO` `AM.BO`, and so on. A station keeps each request it sent until the
 * answer that matches it comes, or its time runs out.
 *
 * @module
 */

import type { Message } from '../../index.js';
import { FLOW_OF, moveOf, OPENERS, STEPS, type Move, type StepName } from '../../flows/steps.js';
import type { RequestKind } from './findings.js';

/** A message the station sent that the server must answer. */
export interface Request {
  readonly kind: RequestKind;
  readonly message: Message & { readonly slot: number; readonly powerBankId: string };
  /** The step the flow waits at: who must speak, and with which moves. */
  readonly step: StepName;
  /** The station's bytes, to send again on a new connection. */
  readonly frame: Uint8Array;
  /** When it was (last) sent. */
  sentAt: number;
}

/** The step a station's `move` leaves its flow waiting at, when the server must speak next. */
function serverStepAfter(move: Move): StepName | undefined {
  if (move === 'MQ') return OPENERS.MQ.waitAt;
  for (const step of Object.values(STEPS)) {
    const next = step.from === 'device' ? step.next[move] : undefined;
    if (next !== undefined && 'step' in next && STEPS[next.step].from === 'server') return next.step;
  }
  return undefined;
}

/** For each move of a station, the server step it opens; built once from the table. */
const STEP_AFTER = new Map<Move, StepName | undefined>();

/** The request `message` makes of the server, or `undefined` when it needs no answer (a heartbeat, a status answer). */
export function requestOf(message: Message, frame: Uint8Array, now: number): Request | undefined {
  const move = moveOf(message);
  if (!STEP_AFTER.has(move)) STEP_AFTER.set(move, serverStepAfter(move));
  const step = STEP_AFTER.get(move);
  if (step === undefined || !('slot' in message)) return undefined;
  const kind: RequestKind = message.type === 'OwnershipQuery' ? 'ownership' : FLOW_OF[message.type] === 'lend' ? 'lendReport' : 'returnReport';
  return { kind, message, step, frame, sentAt: now };
}

/** Whether `answer` is a move that `request`'s step waits for. */
export function isAnswerTo(request: Request, answer: Message): boolean {
  return STEPS[request.step].next[moveOf(answer)] !== undefined;
}

/**
 * Of `requests`, the one `answer` most likely answers: the right kind of answer, then
 * the same slot and power bank, else the same slot, else the same power bank, else the
 * oldest. `undefined` when none waits for that kind of answer.
 */
function closestRequest(requests: readonly Request[], answer: Message): Request | undefined {
  let best: Request | undefined;
  let bestScore = -1;
  for (const request of requests) {
    if (!isAnswerTo(request, answer)) continue;
    const score = 'slot' in answer ? (answer.slot === request.message.slot ? 2 : 0) + (answer.powerBankId === request.message.powerBankId ? 1 : 0) : 0;
    if (score > bestScore) {
      best = request;
      bestScore = score;
    }
  }
  return best;
}

/** Requests given up on that are still recognised when a late answer comes. */
const GIVEN_UP_KEPT = 8;

/** What an answer from the server is to the requests of a station. */
export type AnswerMatch = { readonly request: Request; readonly late: boolean } | undefined;

/** The requests of one station waiting for their answers, and the last few given up on. */
export class PendingRequests {
  private waiting: Request[] = [];
  /** The latest last. */
  private readonly givenUp: Request[] = [];

  get count(): number {
    return this.waiting.length;
  }

  add(request: Request): void {
    this.waiting.push(request);
  }

  /** The request `answer` answers (no longer waiting then), `late` when it had been given up on; `undefined`: it answers nothing. */
  match(answer: Message): AnswerMatch {
    for (const [list, late] of [[this.waiting, false], [this.givenUp, true]] as const) {
      const request = closestRequest(list, answer);
      if (request !== undefined) {
        list.splice(list.indexOf(request), 1);
        return { request, late };
      }
    }
    return undefined;
  }

  /** Gives up on the requests sent more than `timeout` ms before `now`, and returns them. */
  expire(now: number, timeout: number): Request[] {
    const expired = this.waiting.filter((request) => now - request.sentAt > timeout);
    if (expired.length === 0) return expired;
    this.waiting = this.waiting.filter((request) => now - request.sentAt <= timeout);
    this.givenUp.push(...expired);
    this.givenUp.splice(0, Math.max(0, this.givenUp.length - GIVEN_UP_KEPT));
    return expired;
  }

  /** The requests still waiting, sent again at `now` (on a new connection). */
  resend(now: number): readonly Request[] {
    for (const request of this.waiting) request.sentAt = now;
    return this.waiting;
  }

  /** Forgets the requests still waiting; returns how many there were. */
  clear(): number {
    const count = this.waiting.length;
    this.waiting = [];
    return count;
  }
}
