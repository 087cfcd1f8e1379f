/**
 * The conversation tracker's view of the frames themselves: what the streaming decoder
 * says about each frame and the bytes between frames (deviations, decode errors, other
 * line endings, discarded runs), turned into reports, and the message of a frame that
 * strict mode refused only for a deviation, decoded again leniently so that the flow
 * goes on. It reads the decoder's items, never the bytes again, but for one thing no
 * item says: a frame followed by the next bytes with no line ending at all, which it
 * notices from the items' offsets.
 *
 * @module
 * @internal
 */

import { decode } from '../decode.js';
import { canonicalDialect, type Dialect } from '../dialect.js';
import type { Sender } from '../messages/codec.js';
import type { Message } from '../messages/index.js';
import type { DecoderItem } from '../stream/decoder.js';
import { brokenDeviation, decodeError, deviation, discarded, missingLineEnding, otherLineEnding, type Report } from './prose.js';
import { FLOW_OF, type FlowName } from './steps.js';

/** What one decoder item says: the reports it makes, then the message to follow, if any. */
export interface FrameVerdict {
  readonly reports: Report[];
  readonly message?: Message;
}

/** Checks the decoder items of the two streams of one conversation, in order. */
export class FrameChecks {
  /** Frames that did not decode, so far: a timeout says whether any came while it waited. */
  undecodedFrames = 0;
  /** The dialect's line ending: none expected when it is empty. */
  private readonly lineEnding: string;
  /** The flow of the last frame seen, to which a line-ending report belongs. */
  private lastFrameFlow: FlowName | undefined;
  /** Where the last frame from each side ended in its stream, to notice a missing line ending. */
  private readonly frameEnds: { device?: number; server?: number } = {};

  /** `dialect`: the station's, to decode again, leniently, a frame strict mode refused for a deviation. */
  constructor(private readonly dialect: Partial<Dialect> = {}) {
    this.lineEnding = dialect.lineEnding ?? canonicalDialect.lineEnding;
  }

  /** What `item`, read from what `from` sent, says. */
  check(from: Sender, item: DecoderItem): FrameVerdict {
    const reports: Report[] = [];
    if (item.kind !== 'lineEnding' && item.offset === this.frameEnds[from] && this.lineEnding !== '') {
      // The splitter reports another line ending than the dialect's, but not none at all.
      reports.push(missingLineEnding(this.lastFrameFlow, item.offset, this.lineEnding));
    }
    if (item.kind === 'message' || item.kind === 'error') this.frameEnds[from] = item.offset + item.length;
    switch (item.kind) {
      case 'message':
        for (const seen of item.deviations) reports.push(deviation(item.message, seen, item.offset, item.frame, ''));
        return this.follows(reports, item.message);
      case 'error': {
        const { error, frame, offset } = item;
        const flow = 'messageType' in error ? FLOW_OF[error.messageType] : undefined;
        const deviant = 'deviation' in error ? error.deviation : undefined;
        let refusal = error;
        if (deviant !== undefined) {
          const lenient = decode(frame, { dialect: this.dialect });
          if (lenient.ok) {
            for (const seen of lenient.deviations) reports.push(deviation(lenient.message, seen, offset, frame, ' (strict mode refuses the frame)'));
            return this.follows(reports, lenient.message);
          }
          // Deviant, and broken besides: report the deviation, then what breaks it.
          reports.push(brokenDeviation(flow, deviant, error, offset, frame));
          refusal = lenient.error;
        }
        this.lastFrameFlow = flow;
        this.undecodedFrames++;
        reports.push(decodeError(flow, refusal, offset, frame, 'imei' in error ? error.imei : undefined));
        return { reports };
      }
      case 'lineEnding':
        reports.push(otherLineEnding(this.lastFrameFlow, item));
        return { reports };
      default:
        reports.push(discarded(item));
        return { reports };
    }
  }

  private follows(reports: Report[], message: Message): FrameVerdict {
    this.lastFrameFlow = FLOW_OF[message.type];
    return { reports, message };
  }
}
