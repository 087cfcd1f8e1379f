/**
 * The station's connection, seen from the harness. Every chunk the socket reads goes
 * first through the harness's own strict decoder and a `ConversationTracker` (frame by
 * frame: deviations, frames that do not decode and the dialect under which they would,
 * repeats, heartbeats, flows), then, frame by frame, to the station hub, which plays
 * the server: it acknowledges, answers ownership queries, matches answers to requests
 * and names late answers and repeated reports. What the hub sends is logged and shown
 * to the tracker on its way out. A step waits for the frame it expects with
 * {@link Session.waitFor}; any frame that could be that answer, decoded or not, ends
 * the wait.
 *
 * @module
 */

import type { Socket } from 'node:net';
import { createDecoder, decode, type DecoderItem, type HubEvent, type Message, type StationHub, type StationLink, type StreamDecoder } from '../../index.js';
import { describeMessage, type ConversationEvent } from '../../testing.js';
import { Conversation } from './conversation.js';
import { CR, LF } from '../../frame/layout.js';
import { HeartbeatLog } from './heartbeats.js';
import { HintLog } from './hints.js';
import { RepeatCheck, stationFrame, type StationFrame } from './frames.js';
import type { StepRecord } from './record.js';
import type { HarnessSettings } from './settings.js';
import type { Transcript } from './transcript.js';
import { frameAt, seconds, sentence } from './words.js';

/** Why a wait ended without the frame: its time was up, the station disconnected, or the run is over. */
export type WaitEnd = 'timeout' | 'closed' | 'over';

/** What a wait ends with. */
export type Waited = { readonly frame: StationFrame; readonly end?: undefined } | { readonly frame?: undefined; readonly end: WaitEnd };

/** What the session needs from the run. */
export interface SessionContext {
  readonly settings: HarnessSettings;
  readonly transcript: Transcript;
  /** Milliseconds since the harness started. */
  readonly clock: () => number;
  /** Fires when the run must end (its time limit, or an interrupt). */
  readonly runOver: AbortSignal;
  /** Where problems go while no step runs, and the heartbeat step's record. */
  readonly heartbeatStep: StepRecord;
  /** Sees every frame the station sends, after the checks and before the hub. */
  readonly onFrame: (frame: StationFrame) => void;
  /** Sees every message the hub sends, once it is written. */
  readonly onSent: (message: Message, at: number) => void;
}

/** A frame's bytes without the line ending after its `}`. */
function withoutLineEnding(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === LF || bytes[end - 1] === CR)) end--;
  return bytes.subarray(0, end);
}

/** The station's connection. */
export class Session {
  /** The station's IMEI: that of its first frame that decoded. */
  imei: string | undefined;
  readonly openedAt: number;
  closedAt: number | undefined;
  /** The record problems go to (the step running). */
  current: StepRecord;
  readonly heartbeats: HeartbeatLog;
  readonly hints: HintLog;
  /** The step of each hub request, to which a late answer belongs. */
  readonly requestSteps = new Map<string, StepRecord>();
  /** The station's first frame, decoded or not. */
  firstFrame: StationFrame | undefined;
  /** How many frames from the station there were, and how many repeated the one before. */
  frames = 0;
  duplicates = 0;
  private readonly decoder: StreamDecoder;
  private readonly conversation: Conversation;
  private readonly repeats = new RepeatCheck();
  private readonly link: StationLink;
  private waiter: { accept: (frame: StationFrame) => boolean; claim: boolean; done: (waited: Waited) => void } | undefined;
  /** The frame the hub is being fed, while it is. */
  private feeding: StationFrame | undefined;
  /** Where the last frame ended in the stream, until what follows it is known. */
  private frameEnd: number | undefined;
  private finished = false;

  constructor(
    private readonly socket: Socket,
    hub: StationHub,
    private readonly context: SessionContext,
  ) {
    const { settings, clock } = context;
    this.openedAt = clock();
    this.current = context.heartbeatStep;
    this.heartbeats = new HeartbeatLog(settings.heartbeatMin, settings.heartbeatMax);
    this.hints = new HintLog(settings.dialect);
    this.decoder = createDecoder({ mode: 'strict', from: 'device', dialect: settings.dialect });
    this.conversation = new Conversation(settings.dialect);
    socket.setNoDelay(true); // answers are timed: no frame of ours waits for Nagle
    this.link = hub.connect({ send: (bytes) => this.sent(bytes), close: () => socket.destroy() }, this.openedAt);
    socket.on('data', (chunk: Uint8Array) => this.receive(() => this.decoder.push(chunk)));
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => this.closed());
  }

  /** The remote address, `host:port`. */
  get address(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /**
   * Waits for the first frame from the station that `accept` takes, until `until` (ms
   * on the harness's clock), the station disconnects, or the run is over. With `claim`,
   * the step reports the frame if it does not decode (the session does not).
   */
  waitFor(accept: (frame: StationFrame) => boolean, until: number, claim = true): Promise<Waited> {
    if (this.closedAt !== undefined) return Promise.resolve({ end: 'closed' });
    const { runOver, clock } = this.context;
    if (runOver.aborted) return Promise.resolve({ end: 'over' });
    return new Promise((resolve) => {
      const over = () => done({ end: 'over' });
      // Timers may fire a little early on the clock the harness reads: wait on until `until` has passed.
      const expire = () => (clock() >= until ? done({ end: 'timeout' }) : (timer = setTimeout(expire, Math.max(1, until - clock()))));
      let timer = setTimeout(expire, Math.max(0, until - clock()));
      const done = (waited: Waited) => {
        clearTimeout(timer);
        runOver.removeEventListener('abort', over);
        this.waiter = undefined;
        resolve(waited);
      };
      runOver.addEventListener('abort', over, { once: true });
      this.waiter = { accept, claim, done };
    });
  }

  /** Listens until `until` without waiting for anything; says how that ended. */
  async pause(until: number): Promise<WaitEnd> {
    return (await this.waitFor(() => false, until)).end ?? 'timeout';
  }

  /** A hub event: repeated reports and late answers are problems; the tracker sees the rest. */
  hubEvent(event: HubEvent): void {
    if ((event.type === 'duplicate' || event.type === 'lateAnswer') && this.feeding !== undefined) this.feeding.namedByHub = true;
    if (event.type === 'duplicate' && this.feeding?.duplicate !== true) {
      const { message } = event;
      const [what, answer] = message.type === 'OwnershipQuery' ? ['query', 'answered'] : ['report', 'acknowledged'];
      const expected = `each ${what} sent once, and again only when its ${answer === 'answered' ? 'answer' : 'acknowledgement'} did not come`;
      this.current.fail('duplicate', sentence(describeMessage(message), 'duplicate', expected, `the same ${what} again at ${seconds(event.at)}, after it was ${answer}`));
    }
    if (event.type === 'lateAnswer') {
      const step = this.requestSteps.get(event.requestId) ?? this.current;
      step.fail(
        'late answer',
        sentence(describeMessage(event.message), 'late answer', `an answer within ${seconds(this.context.settings.timeout)} (--timeout)`, `it at ${seconds(event.at)}, after step ${step.number} had stopped waiting`),
      );
    }
  }

  /** Closes the connection and stops listening to it. */
  finish(): void {
    this.finished = true;
    this.socket.destroy();
  }

  private receive(read: () => DecoderItem[]): void {
    if (this.finished) return;
    try {
      for (const item of read()) this.item(item);
    } catch (error) {
      // A bug of the harness, not of the station: say so, and go on.
      this.current.fail('internal error', `internal error of the harness, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  private closed(): void {
    if (this.finished || this.closedAt !== undefined) return;
    this.receive(() => this.decoder.end());
    const at = this.context.clock();
    this.closedAt = at;
    this.context.transcript.note(`the station closed the connection at ${seconds(at)}`);
    this.link.closed(at);
    this.waiter?.done({ end: 'closed' });
  }

  private item(item: DecoderItem): void {
    const at = this.context.clock();
    this.lineEndingBefore(item);
    if (item.kind !== 'message' && item.kind !== 'error') {
      const events = this.conversation.device(item, undefined, this.imei, at);
      if (item.kind !== 'lineEnding') this.context.transcript.frame(at, '←', item.preview, `${item.length} bytes, not a frame (${item.kind})`);
      this.record(events, undefined);
      return;
    }
    const frame = stationFrame(item, at, this.context.settings.dialect);
    this.frames++;
    this.frameEnd = item.offset + item.length;
    const repeated = this.repeats.check(frame);
    frame.duplicate = repeated !== undefined;
    this.hints.frame(frame.bytes);
    if (frame.command === 'CH') this.heartbeats.beat(at);
    if (frame.error !== undefined && !frame.duplicate) frame.hint = this.hints.undecoded(frame.bytes);
    const events = this.conversation.device(item, frame.message, this.imei, at);
    this.showFrame(frame);
    if (frame.message !== undefined) this.imei ??= frame.message.imei;
    this.firstFrame ??= frame;
    if (this.waiter?.accept(frame) === true) {
      frame.taken = this.waiter.claim;
      this.waiter.done({ frame });
    }
    this.completed(events);
    this.context.onFrame(frame);
    this.feeding = frame;
    try {
      this.link.receive(frame.bytes, at);
    } finally {
      this.feeding = undefined;
    }
    if (frame.duplicate) {
      this.duplicates++;
      const again = `the same frame again ${seconds(at - repeated!.at, 3)} after the first`;
      this.current.fail('duplicate', sentence(frameAt(frame.offset, frame.bytes), 'duplicate', 'each frame sent once (a report again only when its acknowledgement did not come)', again));
    } else {
      // A report repeated later, an answer after its step gave up: the hub names them, not also as unexpected.
      const violations = events.filter((event) => event.kind === 'violation' && !(frame.namedByHub && event.violation === 'unexpected'));
      this.record(violations, frame);
    }
  }

  /** Tells the hint log what followed the last frame, now that the next item shows it. */
  private lineEndingBefore(item: DecoderItem): void {
    if (this.frameEnd === undefined) return;
    const { dialect } = this.context.settings;
    if (item.kind === 'lineEnding' && item.offset === this.frameEnd) {
      if (item.seen !== '\r') this.hints.lineEnding(item.seen);
    } else {
      this.hints.lineEnding(item.offset === this.frameEnd ? '' : dialect.lineEnding);
    }
    this.frameEnd = undefined;
  }

  /**
   * Records the tracker's events: problems in the step running (those about heartbeats
   * in the heartbeat step), completed flows in the log. A frame taken as an answer that
   * does not decode is the step's to report; an undecoded frame's report names the
   * dialect it decodes in, if any.
   */
  private record(events: readonly ConversationEvent[], frame: StationFrame | undefined): void {
    const { heartbeatStep } = this.context;
    for (const event of events) {
      if (event.kind !== 'violation') continue;
      const undecoded = event.violation === 'decodeError';
      if (undecoded && frame?.taken === true) continue;
      const aboutHeartbeat = event.flow === 'heartbeat' || (frame?.command === 'CH' && event.flow === undefined);
      const hint = undecoded && frame?.hint !== undefined ? `; it decodes with ${frame.hint.join(' ')}` : '';
      (aboutHeartbeat ? heartbeatStep : this.current).violation(event, hint);
    }
  }

  /** Logs the flows `events` completed (heartbeats show as frames already). */
  private completed(events: readonly ConversationEvent[]): void {
    for (const event of events) if (event.kind !== 'violation' && event.kind !== 'heartbeat') this.context.transcript.good(event.description);
  }

  /** A step gave up on the answer to what it sent at `since` (see {@link Conversation.abandon}). */
  abandon(since: number): void {
    this.conversation.abandon(since, this.context.clock());
  }

  private showFrame(frame: StationFrame): void {
    const { message, error } = frame;
    let words = message === undefined ? `not decoded: ${error!.code}` : describeMessage(message);
    if (frame.deviant) words += ' (refused in strict mode)';
    if (frame.duplicate) words += ' (again)';
    this.context.transcript.frame(frame.at, '←', frame.bytes, words);
  }

  /** What the hub writes to the station: written, logged, shown to the tracker. */
  private sent(bytes: Uint8Array): void {
    if (this.finished || this.socket.destroyed) return;
    this.socket.write(bytes);
    const at = this.context.clock();
    const decoded = decode(bytes, { dialect: this.context.settings.dialect, from: 'server' });
    if (!decoded.ok) return; // the hub encodes every message it sends
    const { message } = decoded;
    this.context.transcript.frame(at, '→', withoutLineEnding(bytes), describeMessage(message));
    this.completed(this.conversation.server(message, at));
    if (message.type === 'StatusQuery') this.repeats.requestSent('CQ');
    if (message.type === 'LendRequest') this.repeats.requestSent('CC');
    this.context.onSent(message, at);
  }
}
