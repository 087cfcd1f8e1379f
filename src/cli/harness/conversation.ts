/**
 * The conversation as the `ConversationTracker` follows it, both ways, with what the
 * harness keeps from it: the station's frames and flows are checked; the complaints
 * about the harness's own messages are not the station's problems; and a frame that
 * names another station than the one under test is checked as a frame (deviations,
 * decoding) but kept out of the flows, where it would leave a flow open that makes
 * later, correct answers look wrong. Its IMEI is the problem.
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

/** The station's conversation with the harness. */
export class Conversation {
  private readonly tracker: ConversationTracker;
  /** Frames that name another station go through this one, for their frame-level checks only. */
  private readonly strangers: ConversationTracker;

  constructor(dialect: Dialect) {
    // The steps time each answer themselves: the tracker waits for ever.
    this.tracker = new ConversationTracker({ answerTimeout: Infinity, dialect });
    this.strangers = new ConversationTracker({ answerTimeout: Infinity, dialect });
  }

  /** What an item the station sent says; `message` is its frame's message, `stationImei` the station's once known. */
  device(item: DecoderItem, message: Message | undefined, stationImei: string | undefined, at: number): ConversationEvent[] {
    if (message === undefined || stationImei === undefined || message.imei === stationImei) return this.tracker.observeItem('device', item, at);
    const events = this.strangers.observeItem('device', item, at).filter((event) => event.kind === 'violation' && FRAME_LEVEL.has(event.violation));
    return [...events, imeiMismatch(stationImei, message, at)];
  }

  /** What a message the harness sent completes (its complaints about the harness are dropped). */
  server(message: Message, at: number): ConversationEvent[] {
    return this.tracker.observe('server', message, at).filter((event) => event.kind !== 'violation');
  }
}
