/**
 * Waiting for the station's answer: how long it took (against `--max-latency`), and
 * what is wrong when it is not a good one: it did not come in time (`--timeout`), the
 * station disconnected, the run ended, or a frame came in its place that does not
 * decode (then that frame is the answer, and the step fails at once, naming the error
 * and the dialect flags under which the frame would decode).
 *
 * @module
 */

import type { Message } from '../../index.js';
import { describeMessage, wireName } from '../../flows/describe.js';
import { expectedAt } from '../../flows/prose.js';
import { STEPS, type StepName } from '../../flows/steps.js';
import type { StationFrame } from './frames.js';
import type { StepRecord } from './record.js';
import type { Session, WaitEnd } from './session.js';
import type { HarnessSettings } from './settings.js';
import { frameAt, seconds, sentence } from './words.js';

/** Far enough that the hub never times a request out by itself: the harness ends each one. */
export const NEVER = 1e12;

/** What a step needs to wait for answers. */
export interface AnswerContext {
  readonly session: Session;
  readonly settings: HarnessSettings;
  readonly record: StepRecord;
  /** Why the run ended early, in words, once it has. */
  readonly overReason: () => string;
}

/** What the station does at a step, in words: `the station answers CQ with AQ`. */
export function expectation(step: StepName, last: Message): { flow: string; expected: string } {
  return { flow: STEPS[step].flow, expected: expectedAt(step, last) };
}

/** The answer's name for the latencies: its wire notation, or its command word when it did not decode. */
function answerName(frame: StationFrame): string {
  return frame.message === undefined ? (frame.command ?? '?') : wireName(frame.message.type);
}

/** Records why no answer came: `end`, while `flow` waited for `expected` (up to `waited` ms, the value of `flag`). */
export function recordEnd(context: AnswerContext, end: WaitEnd, flow: string, expected: string, waited = context.settings.timeout, flag = '--timeout'): void {
  const { record, session } = context;
  if (end === 'timeout') record.fail('no answer', sentence(flow, `no answer within ${seconds(waited)}`, `${expected} (${flag})`, 'nothing'));
  else if (end === 'closed') record.fail('disconnected', sentence(flow, 'disconnected', expected, `nothing before the station closed the connection at ${seconds(session.closedAt ?? 0)}`));
  else record.fail('run over', sentence(flow, 'not finished', expected, `nothing before the run ended: ${context.overReason()}`));
}

/** Records what is wrong with a frame that did not decode where `expected` was due. */
export function recordUndecoded(context: AnswerContext, frame: StationFrame, flow: string, expected: string): void {
  const { error, hint } = frame;
  if (error === undefined || !frame.taken) return;
  const dialect = hint === undefined ? '' : `; it decodes with ${hint.join(' ')}`;
  context.record.fail(`${error.code} error`, sentence(flow, 'the answer does not decode', expected, `${frameAt(frame.offset, frame.bytes)}: ${error.code} error: ${error.message}${dialect}`));
}

/**
 * Records the answer `frame` to a request sent at `sentAt`: its latency, a problem when
 * it took longer than `--max-latency`, and one when it does not decode.
 */
export function recordAnswer(context: AnswerContext, frame: StationFrame, sentAt: number, flow: string, expected: string): void {
  const { record, settings } = context;
  const ms = frame.at - sentAt;
  const answer = answerName(frame);
  record.latencies.push({ answer, ms });
  if (ms > settings.maxLatency) {
    record.fail('answer too slow', sentence(flow, 'answer too slow', `${expected} within ${seconds(settings.maxLatency)} (--max-latency)`, `${answer} after ${seconds(ms, 3)}`));
  }
  recordUndecoded(context, frame, flow, expected);
}

/** Whether `frame` may be the answer whose decoded types are `types` and whose command words are `commands`: a frame of those, decoded or not, or one whose command word cannot be read. */
export function mayAnswer(frame: StationFrame, types: readonly Message['type'][], commands: readonly string[]): boolean {
  if (frame.message !== undefined) return types.includes(frame.message.type);
  return frame.command === undefined || commands.includes(frame.command);
}

/**
 * Sends a request through the hub (`start`, given an abort signal and the time) and
 * waits for the answer `accept` takes, up to `--timeout`; records the latency and what
 * is wrong; ends the hub's request (a later answer is then a late answer, named in this
 * step). Resolves with the answer frame, if one came, and the hub's outcome.
 */
export async function ask<T extends { readonly requestId: string }>(
  context: AnswerContext & { readonly clock: () => number },
  start: (signal: AbortSignal, now: number) => Promise<T>,
  accept: (frame: StationFrame) => boolean,
  step: StepName,
  request: Message,
): Promise<{ frame: StationFrame | undefined; outcome: T }> {
  const { session, settings, record, clock } = context;
  const { flow, expected } = expectation(step, request);
  const controller = new AbortController();
  const pending = start(controller.signal, clock());
  const sentAt = clock();
  // A request the hub settled at once sent nothing: there is no answer to wait for.
  const settled = await Promise.race([pending, undefined]);
  if (settled !== undefined) {
    if (session.closedAt !== undefined) recordEnd(context, 'closed', flow, expected);
    else record.fail('internal error', `internal error of the harness, please report it: the hub did not send ${describeMessage(request)}: ${JSON.stringify(settled)}`);
    return { frame: undefined, outcome: settled };
  }
  const waited = await session.waitFor(accept, sentAt + settings.timeout);
  controller.abort();
  const outcome = await pending;
  session.requestSteps.set(outcome.requestId, record);
  if ((outcome as { readonly outcome?: string }).outcome === 'aborted') session.abandon(sentAt);
  if (waited.frame === undefined) recordEnd(context, waited.end, flow, expected);
  else recordAnswer(context, waited.frame, sentAt, flow, expected);
  return { frame: waited.frame, outcome };
}
