/**
 * The conversation tracker: watches every message between one station and its server,
 * in both directions, follows each flow of PROTOCOL.md section 5 step by step, and
 * says when a flow completed and where the conversation left the documented flows.
 * Pure: it is handed messages (or decoder items) and the time, and returns events.
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

import { decode } from '../decode.js';
import type { Dialect } from '../dialect.js';
import type { DecodeErrorCode, Deviation, DeviationCode } from '../errors.js';
import type { SlotStatus } from '../messages/AQ.js';
import { messageTypes, type Message } from '../messages/index.js';
import type { DecoderItem } from '../stream/decoder.js';
import { describeMessage, describeSlots, wireName } from './describe.js';
import { FLOW_OF, nextAfter, OUTCOMES, precededBy, STEPS, type AnswerMessage, type FlowName, type Outcome, type StepName } from './steps.js';
import type { Sender } from '../messages/codec.js';

/**
 * A flow that ran to its end: a lend (`lent`, `lendFailed`) or a return (`returned`,
 * `returnRejected`, `returnFailed`).
 *
 * @example
 * ```ts
 * import type { ConversationEvent } from 'powerbank-codec';
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
  /** One line in words, e.g. `lent: slot 2, power bank 1234567890 (CC → MC.BO → AM.BO)`. */
  readonly description: string;
}

/**
 * A status query answered: `CQ` then `AQ`.
 *
 * @example
 * ```ts
 * import type { StatusAnswered } from 'powerbank-codec';
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
  readonly description: string;
}

/**
 * A heartbeat from the station.
 *
 * @example
 * ```ts
 * import type { HeartbeatReceived } from 'powerbank-codec';
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
 * import type { ViolationKind } from 'powerbank-codec';
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
 * import { ConversationTracker } from 'powerbank-codec';
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
  readonly code?: DeviationCode | DecodeErrorCode | 'noise' | 'truncated' | 'tooLong';
  /** For frame-level violations: the byte position in the stream. */
  readonly offset?: number;
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
 * import type { ConversationEvent } from 'powerbank-codec';
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
 * import { ConversationTracker } from 'powerbank-codec';
 *
 * const tracker = new ConversationTracker();
 * tracker.observe('server', { type: 'StatusQuery', imei: '860123456789014' }, 0);
 * tracker.openFlows(); // [{ flow: 'status', expected: 'the station answers CQ with AQ', startedAt: 0, waitingSince: 0 }]
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
}

/**
 * Options for a {@link ConversationTracker}. Times are milliseconds, on whatever clock
 * the caller passes as `now`.
 *
 * @example
 * ```ts
 * import { ConversationTracker, type ConversationTrackerOptions } from 'powerbank-codec';
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
   * The station's dialect, used to decode again, leniently, a frame that strict mode
   * refused for a deviation (see {@link ConversationTracker.observeItem}).
   */
  readonly dialect?: Partial<Dialect>;
}

/** What a violation says, with the two parts of its description's head. */
type ViolationDetails = Omit<Violation, 'kind' | 'violation' | 'flow' | 'at' | 'imei' | 'description'> & {
  /** The flow or the frame concerned. */
  readonly subject: string;
  /** What went wrong, in a few words. */
  readonly problem: string;
  readonly imei?: string;
};

/** A flow waiting at a step. */
interface Flow {
  step: StepName;
  /** The message the step answers; the next message must name the same slot and power bank. */
  last: Message;
  readonly startedAt: number;
  waitingSince: number;
  /** How many frames had failed to decode when the flow began to wait. */
  undecodedBefore: number;
}

/** The canonical form each deviation departs from, in words. */
const CANONICAL: { readonly [D in DeviationCode]: string } = {
  QUOTES: 'the body between double quotes, {"…"} (or none, in a dialect without them)',
  LINE_ENDING: 'the dialect\'s line ending after }',
  SEPARATOR: '"," between the four fields',
  LOWERCASE_CRC: 'the CRC in uppercase hex',
  MISSING_SEMICOLON: '";" after every AQ slot record, the last one included',
  UNKNOWN_STATUS: 'a slot status of FU, NF, EM or ER',
};

const DISCARDED: { readonly [K in 'noise' | 'truncated' | 'tooLong']: string } = {
  noise: 'noise',
  truncated: 'a truncated frame',
  tooLong: 'a frame longer than the limit',
};

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** A frame or a run of bytes for a report: printable ASCII as is, the rest escaped (`\r`, `\x00`), at most 80 bytes. */
function showBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes.subarray(0, 80)) {
    if (byte >= 0x20 && byte <= 0x7e) text += String.fromCharCode(byte);
    else if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > 80 ? `${text}…` : text;
}

function sideOf(sender: Sender): string {
  return sender === 'device' ? 'the station' : 'the server';
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
 * import { ConversationTracker } from 'powerbank-codec';
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
  private readonly dialect: Partial<Dialect> | undefined;
  private readonly flows: Flow[] = [];
  private lastHeartbeat: number | undefined;
  /** Since when the heartbeat gap is measured: the last heartbeat, or the first time seen. */
  private gapSince: number | undefined;
  private gapReported = false;
  /** The flow of the last frame seen, to which a line-ending report belongs. */
  private lastFrameFlow: FlowName | undefined;
  /** Frames that did not decode, so far: a timeout says whether any came while it waited. */
  private undecodedFrames = 0;
  /** Where the last frame from each side ended in its stream, to notice a missing line ending. */
  private readonly frameEnds: { device?: number; server?: number } = {};

  constructor(options: ConversationTrackerOptions = {}) {
    this.imei = options.imei;
    this.answerTimeout = options.answerTimeout ?? 30_000;
    this.heartbeatGap = options.heartbeatGap ?? Infinity;
    this.dialect = options.dialect;
  }

  /**
   * Observes one message, sent by `from` at time `now`, and returns the events it
   * causes: first any step that timed out before `now`, then what the message itself
   * completes or breaks.
   *
   * @example
   * ```ts
   * import { ConversationTracker } from 'powerbank-codec';
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
   * import { ConversationTracker, createDecoder } from 'powerbank-codec';
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
    const lineEnding = this.dialect?.lineEnding ?? '\r\n';
    if (item.kind !== 'lineEnding' && item.offset === this.frameEnds[from] && lineEnding !== '') {
      // The splitter drops line endings between frames and reports another line ending
      // than the dialect's; nothing at all between a `}` and what follows shows here.
      events.push(
        this.violation('deviation', this.lastFrameFlow, now, {
          subject: `line ending at byte ${item.offset}`,
          problem: 'LINE_ENDING',
          expected: JSON.stringify(lineEnding),
          received: 'nothing: the next bytes follow the } directly',
          code: 'LINE_ENDING',
          offset: item.offset,
        }),
      );
    }
    if (item.kind === 'message' || item.kind === 'error') this.frameEnds[from] = item.offset + item.length;
    switch (item.kind) {
      case 'message':
        this.reportDeviations(item.message, item.deviations, item.offset, item.frame, now, events, '');
        this.follow(from, item.message, now, events);
        break;
      case 'error': {
        const { error, frame, offset } = item;
        const imei = 'imei' in error ? error.imei : undefined;
        const flow = 'messageType' in error ? FLOW_OF[error.messageType] : undefined;
        const deviation = 'deviation' in error ? error.deviation : undefined;
        let refusal = error;
        if (deviation !== undefined) {
          const lenient = decode(frame, { dialect: this.dialect ?? {} });
          if (lenient.ok) {
            this.reportDeviations(lenient.message, lenient.deviations, offset, frame, now, events, ' (strict mode refuses the frame)');
            this.follow(from, lenient.message, now, events);
            break;
          }
          // Deviant, and broken besides: report the deviation, then what breaks it.
          events.push(
            this.violation('deviation', flow, now, {
              subject: `frame at byte ${offset} ${showBytes(frame)}`,
              problem: deviation,
              expected: CANONICAL[deviation],
              received: error.message,
              code: deviation,
              offset: offset + error.offset,
            }),
          );
          refusal = lenient.error;
        }
        this.lastFrameFlow = flow;
        this.undecodedFrames++;
        events.push(
          this.violation('decodeError', flow, now, {
            subject: `frame at byte ${offset} ${showBytes(frame)}`,
            problem: `${refusal.code} error`,
            expected: 'a frame that decodes',
            received: refusal.message,
            code: refusal.code,
            offset,
            ...(imei === undefined ? {} : { imei }),
          }),
        );
        break;
      }
      case 'lineEnding': {
        const expected = item.expected === '' ? 'no line ending' : JSON.stringify(item.expected);
        events.push(
          this.violation('deviation', this.lastFrameFlow, now, {
            subject: `line ending at byte ${item.offset}`,
            problem: 'LINE_ENDING',
            expected,
            received: JSON.stringify(item.seen),
            code: 'LINE_ENDING',
            offset: item.offset,
          }),
        );
        break;
      }
      default:
        events.push(
          this.violation('discarded', undefined, now, {
            subject: `${item.length} bytes at byte ${item.offset}`,
            problem: `discarded, ${DISCARDED[item.kind]}`,
            expected: 'complete frames, nothing between them but line endings',
            received: `"${showBytes(item.preview)}${item.length > item.preview.length ? '…' : ''}"`,
            code: item.kind,
            offset: item.offset,
          }),
        );
    }
    return events;
  }

  /**
   * Lets time pass: reports every step that has waited longer than `answerTimeout`
   * (and drops its flow), and a heartbeat gap longer than `heartbeatGap` (once per gap).
   *
   * @example
   * ```ts
   * import { ConversationTracker } from 'powerbank-codec';
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
      const step = STEPS[flow.step];
      const expected = step.expected(flow.last);
      const undecoded = this.undecodedFrames - flow.undecodedBefore;
      events.push(
        this.violation('timeout', step.flow, flow.waitingSince + this.answerTimeout, {
          subject: step.flow,
          problem: `no answer within ${seconds(this.answerTimeout)}`,
          expected,
          received: undecoded === 0 ? 'nothing' : `nothing that decoded (${undecoded === 1 ? 'a frame that did not' : `${undecoded} frames that did not`}: see their decodeError)`,
        }),
      );
    }
    if (!this.gapReported && now - this.gapSince > this.heartbeatGap) {
      this.gapReported = true;
      const expected = `a heartbeat (CH) at least every ${seconds(this.heartbeatGap)}`;
      const since = this.lastHeartbeat === undefined ? 'since the tracker started' : 'since the last one';
      events.push(
        this.violation('heartbeatGap', 'heartbeat', this.gapSince + this.heartbeatGap, {
          subject: 'heartbeat',
          problem: 'heartbeat gap',
          expected,
          received: `nothing for ${seconds(now - this.gapSince)} ${since}`,
        }),
      );
    }
    return events;
  }

  /**
   * The flows still waiting for a message, oldest first.
   *
   * @example
   * ```ts
   * import { ConversationTracker } from 'powerbank-codec';
   *
   * new ConversationTracker().openFlows(); // []
   * ```
   */
  openFlows(): OpenFlow[] {
    return this.flows.map(({ step, last, startedAt, waitingSince }) => ({
      flow: STEPS[step].flow,
      expected: STEPS[step].expected(last),
      ...('slot' in last ? { slot: last.slot, powerBankId: last.powerBankId } : {}),
      startedAt,
      waitingSince,
    }));
  }

  /** Follows `message` through the flows, pushing what it completes or breaks onto `events`. */
  private follow(from: Sender, message: Message, now: number, events: ConversationEvent[]): void {
    const family = FLOW_OF[message.type];
    this.lastFrameFlow = family;
    const received = describeMessage(message);
    if (this.imei === undefined) this.imei = message.imei;
    else if (message.imei !== this.imei) {
      events.push(
        this.violation('mismatch', family, now, {
          subject: family,
          problem: 'imei mismatch',
          expected: `${this.imei}, the station's IMEI`,
          received: `${message.imei} in ${received}`,
          message,
          field: 'imei',
        }),
      );
    }
    const sender = messageTypes[message.type].sender;
    if (sender !== from) {
      events.push(
        this.violation('unexpected', family, now, {
          subject: family,
          problem: 'wrong direction',
          expected: `${wireName(message.type)} only from ${sideOf(sender)}`,
          received: `${received} from ${sideOf(from)}`,
          message,
        }),
      );
      return;
    }
    switch (message.type) {
      case 'Heartbeat': {
        const sincePrevious = this.lastHeartbeat === undefined ? undefined : now - this.lastHeartbeat;
        this.lastHeartbeat = now;
        this.gapSince = now;
        this.gapReported = false;
        events.push({
          kind: 'heartbeat',
          flow: 'heartbeat',
          imei: message.imei,
          at: now,
          sincePrevious,
          description: sincePrevious === undefined ? 'heartbeat (CH)' : `heartbeat (CH), ${seconds(sincePrevious)} after the previous one`,
        });
        return;
      }
      case 'LendRequest':
        return this.open('stationLendAnswer', message, now, events);
      case 'OwnershipQuery':
        return this.open('serverOwnershipAnswer', message, now, events);
      case 'StatusQuery':
        return this.open('stationStatusAnswer', message, now, events);
      default:
        return this.answer(from, message, now, events);
    }
  }

  /** Opens a flow, unless one for the same slot is already open. */
  private open(step: StepName, message: Message, now: number, events: ConversationEvent[]): void {
    const flow = STEPS[step].flow;
    const busy = 'slot' in message ? this.flows.find((open) => STEPS[open.step].flow === flow && 'slot' in open.last && open.last.slot === message.slot) : undefined;
    if (busy === undefined) {
      this.flows.push({ step, last: message, startedAt: now, waitingSince: now, undecodedBefore: this.undecodedFrames });
      return;
    }
    const expected = STEPS[busy.step].expected(busy.last);
    const received = describeMessage(message);
    events.push(
      this.violation('unexpected', flow, now, {
        subject: flow,
        problem: `a second ${flow} for the same slot`,
        expected,
        received,
        message,
      }),
    );
  }

  /** Matches an answer to the open flow it answers, checks its slot and power bank, and moves the flow on. */
  private answer(from: Sender, message: AnswerMessage, now: number, events: ConversationEvent[]): void {
    const received = describeMessage(message);
    const waiting = this.flows.filter((flow) => STEPS[flow.step].from === from && nextAfter(flow.step, message) !== undefined);
    const flow = this.closest(waiting, message);
    if (flow === undefined) {
      // Not what any flow waits for. If a flow waits for this side at the same slot,
      // this message was meant as its answer: report it there and drop the flow.
      const meant = this.closest(
        this.flows.filter((open) => STEPS[open.step].from === from),
        message,
        true,
      );
      if (meant === undefined) {
        const family = FLOW_OF[message.type];
        const expected = precededBy(message);
        events.push(
          this.violation('unexpected', family, now, {
            subject: family,
            problem: `unexpected: no ${family} is waiting for it`,
            expected: `first ${expected}`,
            received,
            message,
          }),
        );
        return;
      }
      this.flows.splice(this.flows.indexOf(meant), 1);
      const step = STEPS[meant.step];
      const expected = step.expected(meant.last);
      const erratum =
        message.type === 'LendFailure' && meant.step === 'stationReturnReport'
          ? ' (the vendor text prints MR.BF for a failed return; it is MR.RF, PROTOCOL.md section 6, erratum 2)'
          : '';
      events.push(
        this.violation('unexpected', step.flow, now, {
          subject: step.flow,
          problem: 'wrong message',
          expected,
          received: `${received}${erratum}`,
          message,
        }),
      );
      return;
    }

    const step = STEPS[flow.step];
    if ('slot' in message && 'slot' in flow.last) {
      const answered = describeMessage(flow.last);
      for (const field of ['slot', 'powerBankId'] as const) {
        if (message[field] === flow.last[field]) continue;
        events.push(
          this.violation('mismatch', step.flow, now, {
            subject: step.flow,
            problem: `${field} mismatch`,
            expected: `${flow.last[field]}, as in ${answered}`,
            received: `${message[field]} in ${received}`,
            message,
            field,
          }),
        );
      }
    }
    const next = nextAfter(flow.step, message)!;
    if ('step' in next) {
      flow.step = next.step;
      flow.last = message;
      flow.waitingSince = now;
      flow.undecodedBefore = this.undecodedFrames;
      return;
    }
    this.flows.splice(this.flows.indexOf(flow), 1);
    events.push(this.completed(next.outcome, message, flow.startedAt, now));
  }

  /**
   * Of `flows`, the one `message` most likely answers: same slot and power bank, else
   * same slot, else same power bank, else (unless `sameSlotOnly`) the oldest.
   */
  private closest(flows: readonly Flow[], message: AnswerMessage, sameSlotOnly = false): Flow | undefined {
    let best: Flow | undefined;
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

  private completed(outcome: Outcome, message: AnswerMessage, startedAt: number, now: number): ConversationEvent {
    const { words, path } = OUTCOMES[outcome];
    if (message.type === 'StatusAnswer') {
      return {
        kind: 'statusAnswered',
        flow: 'status',
        imei: message.imei,
        slots: message.slots,
        startedAt,
        at: now,
        description: `${words}: ${describeSlots(message.slots)} (${path})`,
      };
    }
    const { imei, slot, powerBankId } = message;
    return {
      kind: outcome as FlowCompleted['kind'],
      flow: outcome === 'lent' || outcome === 'lendFailed' ? 'lend' : 'return',
      imei,
      slot,
      powerBankId,
      startedAt,
      at: now,
      description: `${words}: slot ${slot}, power bank ${powerBankId} (${path})`,
    };
  }

  private reportDeviations(
    message: Message,
    deviations: readonly Deviation[],
    offset: number,
    frame: Uint8Array,
    now: number,
    events: ConversationEvent[],
    note: string,
  ): void {
    for (const deviation of deviations) {
      events.push(
        this.violation('deviation', FLOW_OF[message.type], now, {
          subject: `frame at byte ${offset} ${showBytes(frame)}`,
          problem: deviation.code,
          expected: CANONICAL[deviation.code],
          received: `${deviation.message}${note}`,
          message,
          code: deviation.code,
          offset: offset + deviation.offset,
          imei: message.imei,
        }),
      );
    }
  }

  /** A violation, its description made of `subject: problem — expected: …; received: …`. */
  private violation(violation: ViolationKind, flow: FlowName | undefined, at: number, details: ViolationDetails): Violation {
    const { subject, problem, ...fields } = details;
    const description = `${subject}: ${problem} — expected: ${details.expected}; received: ${details.received}`;
    return { kind: 'violation', violation, flow, imei: this.imei, at, ...fields, description };
  }
}
