/**
 * `decode --flows`: runs the conversation tracker of `powerbank-codec/testing` over what
 * `decode` reads, one tracker per TCP connection of a capture (a station that reconnects
 * is the same IMEI on a new connection) or per station IMEI in a byte stream, and keeps,
 * for each, its flows with their steps, the times (or byte offsets) of the steps, and
 * every violation, for `flowsOutput.ts` to print.
 *
 * @module
 */

import { senderOfWord } from '../detect/observe.js';
import { IMEI_LENGTH } from '../fields/imei.js';
import { COMMA, QUOTE } from '../frame/layout.js';
import { messageTypes, type Dialect, type Message, type Sender } from '../index.js';
import { ConversationTracker, type ConversationEvent, type FlowStep, type Violation } from '../testing.js';
import type { CaptureTime } from './capture/pcap.js';
import type { Place } from './decodeOutput.js';
import { latin1 } from './format.js';
import type { Row } from './rows.js';
import { isDigits } from './text.js';

/** Where and when a row was read: its place in a capture (if any), its byte offset, and the order it came in. */
export interface Seen {
  readonly time: CaptureTime | undefined;
  readonly offset: number | undefined;
  readonly order: number;
}

/** A flow as the view shows it: how it ended (or not), its steps, its violations. */
export interface FlowEntry {
  readonly kind: 'flow';
  readonly flow: 'lend' | 'return' | 'status';
  /** How it ended: an outcome of the tracker, `timeout` or `wrongMessage` when it broke off, `unfinished` when it still waited at the end. */
  result: FlowResult;
  steps: ReadonlyArray<FlowStep & { readonly seen: Seen }>;
  readonly violations: Array<{ readonly violation: Violation; readonly seen: Seen }>;
  /** What an unfinished flow waits for, in words. */
  expected?: string;
}

export type FlowResult = 'lent' | 'lendFailed' | 'returned' | 'returnRejected' | 'returnFailed' | 'statusAnswered' | 'timeout' | 'wrongMessage' | 'unfinished';

/** A heartbeat. */
export interface HeartbeatEntry {
  readonly kind: 'heartbeat';
  readonly seen: Seen;
}

/** A violation outside any flow, or bytes the capture lacks. */
export interface LoneEntry {
  readonly kind: 'violation';
  readonly violation: Violation;
  readonly seen: Seen;
}

export interface GapEntry {
  readonly kind: 'gap';
  readonly length: number;
  readonly seen: Seen;
}

export type Entry = FlowEntry | HeartbeatEntry | LoneEntry | GapEntry;

/** One tracked conversation: a TCP connection of a capture, or a station of a byte stream. */
export interface Conversation {
  /** The station's IMEI, once a frame has named it. */
  imei: string | undefined;
  /** The connection's number and its station → server direction, in a capture. */
  readonly connectionId: number | undefined;
  connection: string | undefined;
  readonly entries: Entry[];
  first: Seen | undefined;
  last: Seen | undefined;
  readonly tracker: ConversationTracker;
  /** The sender of the last frame, for bytes whose sender nothing else tells. */
  lastSender: Sender;
}

export interface FlowsOptions {
  /** Milliseconds a step may wait for its answer. */
  readonly answerTimeout: number;
  /** Milliseconds allowed between heartbeats; undefined: not checked. */
  readonly heartbeatGap: number | undefined;
  readonly dialect: Partial<Dialect>;
  /** `decode --from`: the side every frame of a byte stream comes from. */
  readonly from: Sender | undefined;
}

/** The IMEI a row names: its message's, its error's, or the 15 digits a broken frame starts with. */
function imeiOf(row: Row): string | undefined {
  if (row.kind === 'message') return row.message.imei;
  if (row.kind !== 'error') return undefined;
  if ('imei' in row.error) return row.error.imei;
  const start = row.frame[1] === QUOTE ? 2 : 1;
  const imei = latin1(row.frame.subarray(start, start + IMEI_LENGTH));
  return row.frame[start + IMEI_LENGTH] === COMMA && isDigits(imei) ? imei : undefined;
}

/** Follows the conversations of a capture, row by row. */
export class FlowsView {
  readonly conversations: Conversation[] = [];
  /** Problems of the capture file, in words. */
  readonly problems: string[] = [];
  private readonly byKey = new Map<string, Conversation>();
  /** Where each message was read, and the flow each first message opened: held no longer than the messages. */
  private readonly seenOf = new WeakMap<Message, Seen>();
  private readonly flowOf = new WeakMap<Message, FlowEntry>();
  private order = 0;
  /** The first capture time: the trackers' clock counts milliseconds from it. */
  private base: CaptureTime | undefined;
  private now = 0;
  /** The station of the last frame of a byte stream, for what follows it without an IMEI. */
  private lastImei: string | undefined;
  /** Rows of a byte stream before any frame named a station. */
  private readonly pending: Array<{ row: Exclude<Row, { kind: 'captureProblem' }>; place: Place | undefined; seen: Seen }> = [];

  constructor(private readonly options: FlowsOptions) {}

  add(row: Row, place: Place | undefined): void {
    if (row.kind === 'captureProblem') {
      this.problems.push(row.message);
      return;
    }
    const seen: Seen = { time: place?.time, offset: row.offset, order: this.order++ };
    if (place?.connectionId === undefined && this.lastImei === undefined && imeiOf(row) === undefined) {
      // A byte stream: what comes before the first frame that names a station is that station's.
      this.pending.push({ row, place, seen });
      return;
    }
    const pending = this.pending.splice(0);
    for (const held of pending) this.follow(held.row, held.place, held.seen, this.conversationOf(held.row, held.place, imeiOf(row)));
    this.follow(row, place, seen, this.conversationOf(row, place));
  }

  /** Follows one row in `conversation`. */
  private follow(row: Exclude<Row, { kind: 'captureProblem' }>, place: Place | undefined, seen: Seen, conversation: Conversation): void {
    conversation.first ??= seen;
    conversation.last = seen;
    if (place?.time !== undefined) {
      this.base ??= place.time;
      // The trackers take a clock that never goes back; capture times may, a little.
      this.now = Math.max(this.now, Number(place.time.nanoseconds - this.base.nanoseconds) / 1e6);
    }
    if (row.kind === 'gap' || row.kind === 'strayLineEnding') {
      conversation.entries.push({ kind: 'gap', length: row.length, seen });
      return;
    }
    const sender = this.senderOf(row, place, conversation);
    conversation.lastSender = sender;
    conversation.imei ??= imeiOf(row);
    if (row.kind === 'message') {
      this.seenOf.set(row.message, seen);
      if (place?.from === 'device') conversation.connection = place.connection;
    }
    this.file(conversation, conversation.tracker.observeItem(sender, row, this.now), seen);
  }

  /** The end of the capture: what timed out by the time of its last row, and the flows still waiting. */
  end(): void {
    for (const held of this.pending.splice(0)) this.follow(held.row, held.place, held.seen, this.conversationOf(held.row, held.place));
    for (const conversation of this.conversations) {
      this.file(conversation, conversation.tracker.tick(this.now), conversation.last!);
      for (const open of conversation.tracker.openFlows()) {
        const entry = this.entryOf(conversation, open.steps, open.flow);
        entry.result = 'unfinished';
        entry.expected = open.expected;
      }
    }
  }

  /**
   * A deadline the tracker reports at `at` (its clock) while reading the row seen at
   * `reported`: the capture time it stands for, and no byte offset, since no byte is there.
   */
  private seenAt(at: number, reported: Seen): Seen {
    const time = this.base === undefined ? undefined : { nanoseconds: this.base.nanoseconds + BigInt(Math.round(at * 1e6)), digits: this.base.digits };
    return { time, offset: undefined, order: reported.order };
  }

  /** The conversation of `row`: its connection's in a capture; in a byte stream, its station's (`station` for rows that name none: the last one named). */
  private conversationOf(row: Row, place: Place | undefined, station = this.lastImei): Conversation {
    let key: string;
    let imei: string | undefined;
    if (place?.connectionId !== undefined) key = `connection ${place.connectionId}`;
    else {
      imei = imeiOf(row) ?? station;
      if (imeiOf(row) !== undefined) this.lastImei = imei;
      key = `station ${imei ?? ''}`;
    }
    let conversation = this.byKey.get(key);
    if (conversation === undefined) {
      const { answerTimeout, heartbeatGap, dialect } = this.options;
      const tracker = new ConversationTracker({ answerTimeout, ...(heartbeatGap === undefined ? {} : { heartbeatGap }), dialect });
      conversation = { imei, connectionId: place?.connectionId, connection: place?.connection, entries: [], first: undefined, last: undefined, tracker, lastSender: 'device' };
      this.byKey.set(key, conversation);
      this.conversations.push(conversation);
    }
    return conversation;
  }

  /** Who sent the bytes of `row`: the capture's direction, `--from`, the message type or command word, else the sender of the last frame. */
  private senderOf(row: Row, place: Place | undefined, conversation: Conversation): Sender {
    const from = place?.from ?? this.options.from;
    if (from !== undefined) return from;
    if (row.kind === 'message') return messageTypes[row.message.type].sender;
    return (row.kind === 'error' ? senderOfWord(row.frame) : undefined) ?? conversation.lastSender;
  }

  /** Files what the tracker said about the row seen at `seen`. */
  private file(conversation: Conversation, events: readonly ConversationEvent[], seen: Seen): void {
    // Messages the tracker decoded itself (a frame strict mode refused for a deviation) were read here.
    const steps = [...events.flatMap((event) => ('steps' in event ? (event.steps ?? []) : [])), ...conversation.tracker.openFlows().flatMap((open) => open.steps)];
    for (const step of steps) if (!this.seenOf.has(step.message)) this.seenOf.set(step.message, seen);
    const broken: FlowEntry[] = [];
    for (const event of events) {
      if (event.kind === 'heartbeat') conversation.entries.push({ kind: 'heartbeat', seen });
      else if (event.kind !== 'violation') {
        this.entryOf(conversation, event.steps, event.flow).result = event.kind;
      } else if (event.steps === undefined) {
        conversation.entries.push({ kind: 'violation', violation: event, seen: event.violation === 'heartbeatGap' ? this.seenAt(event.at, seen) : seen });
      } else {
        const entry = this.entryOf(conversation, event.steps, event.flow as FlowEntry['flow']);
        entry.violations.push({ violation: event, seen: event.violation === 'timeout' ? this.seenAt(event.at, seen) : seen });
        broken.push(entry);
      }
    }
    // A flow that a violation ended: no answer in time, or a wrong message where it waited.
    const open = new Set(conversation.tracker.openFlows().map((flow) => flow.steps[0]!.message));
    for (const entry of broken) {
      if (entry.result !== 'unfinished' || open.has(entry.steps[0]!.message)) continue;
      entry.result = entry.violations.some(({ violation }) => violation.violation === 'timeout') ? 'timeout' : 'wrongMessage';
    }
  }

  /** The entry of the flow whose steps are `steps` (its first message tells it), created when new. */
  private entryOf(conversation: Conversation, steps: readonly FlowStep[], flow: FlowEntry['flow']): FlowEntry {
    const first = steps[0]!.message;
    let entry = this.flowOf.get(first);
    if (entry === undefined) {
      entry = { kind: 'flow', flow, result: 'unfinished', steps: [], violations: [] };
      this.flowOf.set(first, entry);
      conversation.entries.push(entry);
    }
    if (steps.length >= entry.steps.length) entry.steps = steps.map((step) => ({ ...step, seen: this.seenOf.get(step.message)! }));
    return entry;
  }
}
