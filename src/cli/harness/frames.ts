/**
 * A frame from the station as the harness sees it: the message it decodes to (strictly,
 * or leniently when strict mode refused it only for a deviation), or why it does not
 * decode, and what its bytes still tell (the command word, the IMEI field) when it does
 * not. And the check that names a frame sent again.
 *
 * @module
 */

import { decode, type DecodeError, type Dialect, type ErrorItem, type Message, type MessageItem } from '../../index.js';
import { COMMA } from '../../frame/layout.js';
import { latin1 } from '../format.js';

/** One frame the station sent. */
export interface StationFrame {
  /** When it arrived, ms since the harness started. */
  readonly at: number;
  /** Where its `{` is in the connection's stream. */
  readonly offset: number;
  /** Its bytes, `{` to `}` (a copy). */
  readonly bytes: Uint8Array;
  /** What it says, when it decodes in the dialect tested (deviations accepted). */
  readonly message: Message | undefined;
  /** Why it does not decode, when it does not. */
  readonly error: DecodeError | undefined;
  /** Strict mode refused it for a deviation, but it decodes leniently (`message` is set). */
  readonly deviant: boolean;
  /** Its command word as far as the bytes tell (`CH`, `MC`…), decoded or not. */
  readonly command: string | undefined;
  /** It repeats the frame before it (see {@link RepeatCheck}). */
  duplicate: boolean;
  /** The hub named it: a report it had counted already, or an answer after its step gave up. */
  namedByHub: boolean;
  /** A step took it as the answer it waited for, and reports it if it does not decode. */
  taken: boolean;
  /** When it does not decode: the dialect flags under which it would, if any. */
  hint: string[] | undefined;
}

/** Whether `byte` is an uppercase ASCII letter. */
function isUpper(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x41 && byte <= 0x5a;
}

/** The command word of a frame read from its bytes: the two letters after the first comma, if they are letters. */
function commandOf(bytes: Uint8Array): string | undefined {
  const comma = bytes.indexOf(COMMA);
  if (comma < 0 || !isUpper(bytes[comma + 1]) || !isUpper(bytes[comma + 2])) return undefined;
  return latin1(bytes.subarray(comma + 1, comma + 3));
}

/** The frame of a decoder item, at `at`: decoded strictly, or leniently when strict mode refused it only for a deviation. */
export function stationFrame(item: MessageItem | ErrorItem, at: number, dialect: Dialect): StationFrame {
  const bytes = item.frame.slice();
  const base = { at, offset: item.offset, bytes, command: commandOf(bytes), duplicate: false, namedByHub: false, taken: false, hint: undefined };
  if (item.kind === 'message') return { ...base, message: item.message, error: undefined, deviant: false };
  const { error } = item;
  if ('deviation' in error && error.deviation !== undefined) {
    const lenient = decode(bytes, { dialect, from: 'device' });
    if (lenient.ok) return { ...base, message: lenient.message, error: undefined, deviant: true };
    return { ...base, message: undefined, error: lenient.error, deviant: false };
  }
  return { ...base, message: undefined, error, deviant: false };
}

/** Bytes equal, byte for byte. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** The requests a frame with each command word can answer. */
const ANSWERS: Readonly<Record<string, string>> = { AQ: 'CQ', MC: 'CC', MR: 'CC' };

/**
 * Names a frame the station sends again: the same bytes as its frame before (heartbeats
 * aside, which are all alike: their rate is checked instead), unless a request went out
 * between that the second one answers (`CQ` for an `AQ`, `CC` for an `MC` or `MR`).
 */
export class RepeatCheck {
  private previous: StationFrame | undefined;
  /** The command words of the requests sent since the previous frame. */
  private readonly requests = new Set<string>();

  /** The frame `frame` repeats, if it repeats the one before it; `frame` becomes the one before the next. */
  check(frame: StationFrame): StationFrame | undefined {
    if (frame.command === 'CH') return undefined;
    const previous = this.previous;
    const answers = frame.command === undefined ? undefined : ANSWERS[frame.command];
    const asked = answers !== undefined && this.requests.has(answers);
    this.previous = frame;
    this.requests.clear();
    return previous !== undefined && !asked && same(previous.bytes, frame.bytes) ? previous : undefined;
  }

  /** A request (`CQ`, `CC`) went to the station: the next frame may rightly answer it as the last one did. */
  requestSent(command: string): void {
    this.requests.add(command);
  }
}
