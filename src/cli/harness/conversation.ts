/**
 * The conversation as the `ConversationTracker` follows it, both ways, with what the
 * harness keeps from it: the station's frames and flows are checked; the complaints
 * about the harness's own messages are not the station's problems; and a frame that
 * names another station than the one under test is checked as a frame (deviations,
 * decoding) but kept out of the flows, where it would leave a flow open that makes
 * later, correct answers look wrong. Its IMEI is the problem. A flow a step gave up on
 * is dropped, for the same reason.
 *
 * @module
 */

import type { DecoderItem, Dialect, Message } from '../../index.js';
import { describeMessage } from '../../flows/describe.js';
import { FLOW_OF } from '../../flows/steps.js';
import { ConversationTracker, type ConversationEvent, type Violation } from '../../testing.js';
import { sentence } from './words.js';

/** Violations about a frame itself rather than its place in a flow. */
const FRAME_LEVEL: ReadonlySet<Violation['violation']> = new Set(['deviation', 'decodeError', 'discarded']);

/** The IMEI mismatch of `message`, said as the tracker says it. */
function imeiMismatch(stationImei: string, message: Message, at: number): Violation {
  const flow = FLOW_OF[message.type];
  const expected = `${stationImei}, the station's IMEI`;
  const received = `${message.imei} in ${describeMessage(message)}`;
  const description = sentence(flow, 'imei mismatch', expected, received);
  return { kind: 'violation', violation: 'mismatch', flow, imei: stationImei, expected, received, message, field: 'imei', at, description };
}

/**
 * How long a flow waits on the tracker's clock before the tracker drops it. The steps
 * time every answer themselves; the tracker only drops the flows a step gave up on,
 * when {@link Conversation.abandon} moves its clock this far past them.
 */
const WAIT = 1e9;

/** The station's conversation with the harness. */
export class Conversation {
  private readonly tracker: ConversationTracker;
  /** Frames that name another station go through this one, for their frame-level checks only. */
  private readonly strangers: ConversationTracker;
  /** The tracker's clock runs this far ahead of the harness's. */
  private offset = 0;

  constructor(dialect: Dialect) {
    this.tracker = new ConversationTracker({ answerTimeout: WAIT, dialect });
    this.strangers = new ConversationTracker({ answerTimeout: WAIT, dialect });
  }

  /** What an item the station sent says; `message` is its frame's message, `stationImei` the station's once known. */
  device(item: DecoderItem, message: Message | undefined, stationImei: string | undefined, at: number): ConversationEvent[] {
    if (message === undefined || stationImei === undefined || message.imei === stationImei) {
      // Timeouts are the steps' to report: the tracker's come only for flows a step gave up on.
      return this.tracker.observeItem('device', item, at + this.offset).filter((event) => event.kind !== 'violation' || event.violation !== 'timeout');
    }
    const events = this.strangers.observeItem('device', item, at).filter((event) => event.kind === 'violation' && FRAME_LEVEL.has(event.violation));
    return [...events, imeiMismatch(stationImei, message, at)];
  }

  /** What a message the harness sent completes (its complaints about the harness are dropped). */
  server(message: Message, at: number): ConversationEvent[] {
    return this.tracker.observe('server', message, at + this.offset).filter((event) => event.kind !== 'violation');
  }

  /**
   * A step gave up on the answer to what it sent at `since`: the flows waiting since
   * then or before are dropped, so that a later request for the same slot opens a flow
   * of its own instead of being taken for an answer to the old one. (The tracker's
   * clock jumps ahead; flows that began waiting later keep waiting.)
   */
  abandon(since: number, now: number): void {
    const due = since + this.offset + WAIT + 1;
    this.offset += Math.max(0, due - (now + this.offset));
    this.tracker.tick(now + this.offset);
  }
}
