/**
 * The conversation tracker: watches every message between one station and its server,
 * in both directions, follows each flow of PROTOCOL.md section 5 through the state
 * table of `steps.ts`, and says when a flow completed and where the conversation left
 * the documented flows. What it says is written in `prose.ts`; what it makes of the
 * frames themselves, in `frameChecks.ts`; its record of each waiting flow, in
 * `waitingFlow.ts`. Pure: it is handed messages (or decoder items) and the time, and
 * returns events.
 *
 * ```
 * observe('server', CC slot 2)  → []                         lend opened: the station must answer
 * observe('device', MC.BO slot 2) → []                       the server must acknowledge
 * observe('server', AM.BO slot 2) → [{ kind: 'lent', … }]     done
 * observe('device', MC.BO slot 3) → [{ kind: 'violation', violation: 'unexpected', … }]
 * tick(now) after answerTimeout   → [{ kind: 'violation', violation: 'timeout', … }]
 * ```
 *
 * @module
 */

import type { Dialect } from '../dialect.js';
import type { Sender } from '../messages/codec.js';
import { messageTypes, type Message } from '../messages/index.js';
import type { DecoderItem } from '../stream/decoder.js';
import type { ConversationEvent, OpenFlow, Violation } from './events.js';
import { FrameChecks } from './frameChecks.js';
import * as say from './prose.js';
import { moveOf, OPENERS, STEPS, type AnswerMessage, type Move, type StepName } from './steps.js';
import { closestFlow, completionOf, openFlowOf, stepOf, type WaitingFlow } from './waitingFlow.js';

/**
 * Options for a {@link ConversationTracker}. Times are milliseconds, on whatever clock
 * the caller passes as `now`.
 *
 * @example
 * ```ts
 * import { ConversationTracker, type ConversationTrackerOptions } from 'powerbank-codec/testing';
 *
 * const options: ConversationTrackerOptions = { answerTimeout: 10_000, heartbeatGap: 180_000 };
 * const tracker = new ConversationTracker(options);
 * ```
 */
export interface ConversationTrackerOptions {
  /** The station's IMEI. Default: the IMEI of the first message observed. */
  readonly imei?: string;
  /** How long a step may wait for its message before it is reported `timeout` (default 30,000 ms). */
  readonly answerTimeout?: number;
  /** The longest time allowed between two heartbeats; default: not checked. */
  readonly heartbeatGap?: number;
  /**
   * The station's dialect: its line ending is the one expected after every frame, and
   * it decodes again, leniently, a frame that strict mode refused for a deviation (see
   * {@link ConversationTracker.observeItem}).
   */
  readonly dialect?: Partial<Dialect>;
}

function isOpener(move: Move): move is keyof typeof OPENERS {
  return Object.hasOwn(OPENERS, move);
}

/**
 * Follows the conversation of one station with its server and reports, as
 * {@link ConversationEvent}s, every flow of PROTOCOL.md section 5 that completes and
 * every departure from them. Feed it every message in both directions, in the order
 * they were sent or received, with the time: `observe` for a message, `observeItem`
 * for what a streaming decoder yields (so that frame deviations, decode errors and
 * discarded bytes are reported too), and `tick` when time passes without messages, so
 * that missing answers are reported.
 *
 * Pure and synchronous: no timers; `now` is any clock in milliseconds that does not go
 * back.
 *
 * @example
 * ```ts
 * import { ConversationTracker } from 'powerbank-codec/testing';
 *
 * const imei = '860123456789014';
 * const tracker = new ConversationTracker({ answerTimeout: 5_000 });
 * tracker.observe('server', { type: 'LendRequest', imei, slot: 2, powerBankId: '1234567890' }, 0); // []
 * tracker.observe('device', { type: 'LendSuccess', imei, slot: 2, powerBankId: '1234567890' }, 800); // []
 * const [event] = tracker.observe('server', { type: 'LendSuccessAck', imei, slot: 2, powerBankId: '1234567890' }, 810);
 * event?.description; // 'lent: slot 2, power bank 1234567890 (CC → MC.BO → AM.BO)'
 *
 * tracker.observe('server', { type: 'StatusQuery', imei }, 1_000);
 * tracker.tick(6_001)[0]?.description;
 * // 'status: no answer within 5.0 s — expected: the station answers CQ with AQ; received: nothing'
 * ```
 */
export class ConversationTracker {
  private imei: string | undefined;
  private readonly answerTimeout: number;
  private readonly heartbeatGap: number;
  private readonly frames: FrameChecks;
  private readonly flows: WaitingFlow[] = [];
  private lastHeartbeat: number | undefined;
  /** Since when the heartbeat gap is measured: the last heartbeat, or the first time seen. */
  private gapSince: number | undefined;
  private gapReported = false;

  constructor(options: ConversationTrackerOptions = {}) {
    this.imei = options.imei;
    this.answerTimeout = options.answerTimeout ?? 30_000;
    this.heartbeatGap = options.heartbeatGap ?? Infinity;
    this.frames = new FrameChecks(options.dialect);
  }

  /**
   * Observes one message, sent by `from` at time `now`, and returns the events it
   * causes: first any step that timed out before `now`, then what the message itself
   * completes or breaks.
   *
   * @example
   * ```ts
   * import { ConversationTracker } from 'powerbank-codec/testing';
   *
   * const tracker = new ConversationTracker();
   * tracker.observe('device', { type: 'Heartbeat', imei: '860123456789014' }, 0);
   * // [{ kind: 'heartbeat', flow: 'heartbeat', imei: '860123456789014', at: 0, sincePrevious: undefined, description: 'heartbeat (CH)' }]
   * ```
   */
  observe(from: Sender, message: Message, now: number): ConversationEvent[] {
    const events = this.tick(now);
    this.follow(from, message, now, events);
    return events;
  }

  /**
   * Observes one item of a streaming decoder (`createDecoder`, `decodeStream`) reading
   * what `from` sent: a decoded message is observed as by {@link observe}, after a
   * `deviation` violation for each deviation lenient mode accepted; a line ending other
   * than the dialect's, or none before the next bytes, is a `deviation`; a frame that did
   * not decode is a `decodeError`; noise, truncated and oversized frames are `discarded`.
   *
   * A frame that strict mode refused only for a deviation is decoded again leniently
   * (in the tracker's `dialect`): each of its deviations is reported, and its message
   * is followed, so one deviation does not also break the flow.
   *
   * @example
   * ```ts
   * import { createDecoder } from 'powerbank-codec';
   * import { ConversationTracker } from 'powerbank-codec/testing';
   *
   * const tracker = new ConversationTracker();
   * const decoder = createDecoder({ mode: 'strict', from: 'device' });
   * for (const item of decoder.push('{860123456789014,CH,,3FCE}\n')) {
   *   for (const event of tracker.observeItem('device', item, 0)) console.log(event.description);
   * }
   * // frame at byte 0 {860123456789014,CH,,3FCE}: QUOTES — expected: the body between double quotes, …
   * // heartbeat (CH)
   * // line ending at byte 26: LINE_ENDING — expected: "\r\n"; received: "\n"
   * ```
   */
  observeItem(from: Sender, item: DecoderItem, now: number): ConversationEvent[] {
    const events = this.tick(now);
    const { reports, message } = this.frames.check(from, item);
    for (const report of reports) events.push(say.violationOf(report, this.imei, now));
    if (message !== undefined) this.follow(from, message, now, events);
    return events;
  }

  /**
   * Lets time pass: reports every step that has waited longer than `answerTimeout`
   * (and drops its flow), and a heartbeat gap longer than `heartbeatGap` (once per gap).
   *
   * @example
   * ```ts
   * import { ConversationTracker } from 'powerbank-codec/testing';
   *
   * const tracker = new ConversationTracker({ heartbeatGap: 60_000 });
   * tracker.observe('device', { type: 'Heartbeat', imei: '860123456789014' }, 0);
   * tracker.tick(60_000); // []
   * const [event] = tracker.tick(60_001);
   * if (event?.kind === 'violation') console.log(event.violation); // 'heartbeatGap'
   * ```
   */
  tick(now: number): ConversationEvent[] {
    const events: ConversationEvent[] = [];
    this.gapSince ??= now;
    for (let index = 0; index < this.flows.length; ) {
      const flow = this.flows[index]!;
      if (now - flow.waitingSince <= this.answerTimeout) {
        index++;
        continue;
      }
      this.flows.splice(index, 1);
      const undecoded = this.frames.undecodedFrames - flow.undecodedBefore;
      events.push(this.violation(say.timeout(flow.step, flow.last, this.answerTimeout, undecoded), flow.waitingSince + this.answerTimeout, flow));
    }
    if (!this.gapReported && now - this.gapSince > this.heartbeatGap) {
      this.gapReported = true;
      const report = say.heartbeatGap(this.heartbeatGap, now - this.gapSince, this.lastHeartbeat !== undefined);
      events.push(say.violationOf(report, this.imei, this.gapSince + this.heartbeatGap));
    }
    return events;
  }

  /**
   * The flows still waiting for a message, oldest first.
   *
   * @example
   * ```ts
   * import { ConversationTracker } from 'powerbank-codec/testing';
   *
   * new ConversationTracker().openFlows(); // []
   * ```
   */
  openFlows(): OpenFlow[] {
    return this.flows.map(openFlowOf);
  }

  /** The violation of `report` at `at` in `flow`, with the flow's steps so far. */
  private violation(report: say.Report, at: number, flow: WaitingFlow): Violation {
    return { ...say.violationOf(report, this.imei, at), steps: [...flow.steps] };
  }

  /** Follows `message` through the flows, pushing what it completes or breaks onto `events`. */
  private follow(from: Sender, message: Message, now: number, events: ConversationEvent[]): void {
    if (this.imei === undefined) this.imei = message.imei;
    else if (message.imei !== this.imei) events.push(say.violationOf(say.imeiMismatch(this.imei, message), this.imei, now));
    if (messageTypes[message.type].sender !== from) {
      events.push(say.violationOf(say.wrongDirection(message, from), this.imei, now));
      return;
    }
    const move = moveOf(message);
    if (message.type === 'Heartbeat') {
      const sincePrevious = this.lastHeartbeat === undefined ? undefined : now - this.lastHeartbeat;
      this.lastHeartbeat = now;
      this.gapSince = now;
      this.gapReported = false;
      events.push({ kind: 'heartbeat', flow: 'heartbeat', imei: message.imei, at: now, sincePrevious, description: say.describeHeartbeat(sincePrevious) });
    } else if (isOpener(move)) {
      this.open(OPENERS[move].waitAt, from, message, now, events);
    } else {
      this.answer(from, message as AnswerMessage, move, now, events);
    }
  }

  /** Opens a flow waiting at `step`, unless one for the same slot is already open. */
  private open(step: StepName, from: Sender, message: Message, now: number, events: ConversationEvent[]): void {
    const { flow } = STEPS[step];
    const busy = 'slot' in message ? this.flows.find((open) => STEPS[open.step].flow === flow && 'slot' in open.last && open.last.slot === message.slot) : undefined;
    if (busy === undefined) {
      this.flows.push({ step, last: message, startedAt: now, waitingSince: now, undecodedBefore: this.frames.undecodedFrames, steps: [stepOf(from, message, now)] });
    } else events.push(this.violation(say.secondFlow(busy.step, busy.last, message), now, busy));
  }

  /** Matches an answer to the open flow it answers, checks its slot and power bank, and moves the flow on. */
  private answer(from: Sender, message: AnswerMessage, move: Move, now: number, events: ConversationEvent[]): void {
    const flow = closestFlow(
      this.flows.filter((open) => STEPS[open.step].from === from && STEPS[open.step].next[move] !== undefined),
      message,
    );
    if (flow === undefined) {
      // Not what any flow waits for. If a flow waits for this side at the same slot,
      // this message was meant as its answer: report it there and drop the flow.
      const meant = closestFlow(
        this.flows.filter((open) => STEPS[open.step].from === from),
        message,
        true,
      );
      if (meant === undefined) {
        events.push(say.violationOf(say.noFlowWaiting(message), this.imei, now));
        return;
      }
      this.flows.splice(this.flows.indexOf(meant), 1);
      events.push(this.violation(say.wrongMessage(meant.step, meant.last, message), now, meant));
      return;
    }

    const { last } = flow;
    if ('slot' in message && 'slot' in last) {
      for (const field of ['slot', 'powerBankId'] as const) {
        if (message[field] !== last[field]) events.push(this.violation(say.fieldMismatch(STEPS[flow.step].flow, field, last, message), now, flow));
      }
    }
    const next = STEPS[flow.step].next[move]!;
    flow.steps.push(stepOf(from, message, now));
    if ('step' in next) {
      flow.step = next.step;
      flow.last = message;
      flow.waitingSince = now;
      flow.undecodedBefore = this.frames.undecodedFrames;
      return;
    }
    this.flows.splice(this.flows.indexOf(flow), 1);
    events.push(completionOf(next.outcome, message, flow, now));
  }
}
