/**
 * What dialect detection reads straight from the bytes of captured frames, without
 * trying a dialect: which frames repeat, the quotes, the line endings, and the sender a
 * frame's command word names.
 *
 * @module
 * @internal
 */

import { byteString, toBytes } from '../bytes.js';
import { isSeparator } from '../frame/envelopeErrors.js';
import { COMMA, CR, LF, QUOTE } from '../frame/layout.js';
import type { Sender } from '../messages/codec.js';
import { codecOfWord, type Message } from '../messages/index.js';
import type { DialectDetection } from './dialects.js';

/** A frame as given, with the positions it was given at. */
export interface DistinctFrame {
  readonly bytes: Uint8Array;
  readonly indices: number[];
}

/** The frames given, each distinct one once with the positions it was given at. */
export function distinct(frames: Iterable<Uint8Array | string>): { frameCount: number; unique: DistinctFrame[] } {
  const byContent = new Map<string, DistinctFrame>();
  let frameCount = 0;
  for (const frame of frames) {
    const bytes = toBytes(frame);
    const key = byteString(bytes, 0, bytes.length);
    const seen = byContent.get(key);
    if (seen === undefined) byContent.set(key, { bytes, indices: [frameCount] });
    else seen.indices.push(frameCount);
    frameCount++;
  }
  return { frameCount, unique: [...byContent.values()] };
}

export function observeQuotes(frames: readonly DistinctFrame[]): DialectDetection['quotes'] {
  let withQuotes = 0;
  let withoutQuotes = 0;
  for (const { bytes, indices } of frames) {
    if (bytes[1] === QUOTE) withQuotes += indices.length;
    else withoutQuotes += indices.length;
  }
  return { value: withQuotes >= withoutQuotes, withQuotes, withoutQuotes };
}

export function observeLineEndings(frames: readonly DistinctFrame[]): DialectDetection['lineEnding'] {
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  let none = 0;
  for (const { bytes, indices } of frames) {
    const last = bytes[bytes.length - 1];
    if (last === LF && bytes[bytes.length - 2] === CR) crlf += indices.length;
    else if (last === LF) lf += indices.length;
    else if (last === CR) cr += indices.length;
    else none += indices.length;
  }
  const value = crlf >= lf && crlf >= none ? '\r\n' : lf >= none ? '\n' : '';
  return { value, crlf, lf, cr, none };
}

/** The highest slot number a message names (its slot, or its slot records'); 0 when it names none. */
export function highestSlotOf(message: Message): number {
  if ('slot' in message) return message.slot;
  if (message.type === 'StatusAnswer') return message.slots.reduce((highest, record) => Math.max(highest, record.slot), 0);
  return 0;
}

/**
 * The side that sends the command word of `frame`, in any dialect: the two letters after
 * the first `,`, when they are one of the ten words and a separator follows them.
 */
export function senderOfWord(frame: Uint8Array): Sender | undefined {
  const comma = frame.indexOf(COMMA);
  if (comma === -1 || !isSeparator(frame[comma + 3])) return undefined;
  return codecOfWord(frame[comma + 1]!, frame[comma + 2]!)?.sender;
}
