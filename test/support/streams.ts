/**
 * A generator of hostile byte streams for the streaming tests: valid frames, noise,
 * braces, cut frames and stray line endings, mixed.
 */
import fc from 'fast-check';
import { encode } from 'powerbank-codec';
import { arbMessage } from 'powerbank-codec/arbitraries';

const ascii = (text: string) => new TextEncoder().encode(text);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** A valid frame with a random line ending (or none). */
const arbFrameBytes = fc
  .tuple(arbMessage(), fc.constantFrom('\r\n', '\n', '\r', ''))
  .map(([message, lineEnding]) => concat([encode(message, { dialect: { lineEnding: '' } }), ascii(lineEnding)]));

/** Pieces a hostile or sloppy peer sends. */
const arbPiece: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: arbFrameBytes },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...'{}"\r\n,.;AT0123456789CH'), { maxLength: 30 }).map((chars) => ascii(chars.join(''))) },
  { weight: 1, arbitrary: arbFrameBytes.chain((frame) => fc.nat({ max: frame.length }).map((cut) => frame.slice(0, cut))) },
  { weight: 1, arbitrary: fc.constantFrom(ascii('AT+CSQ\r\n'), ascii('\r\nOK\r\n'), ascii('{'), ascii('}'), ascii('\r'), ascii('\n')) },
);

/** A byte stream made of any mix of valid frames, noise, braces, cut frames and line endings. */
export const arbStream: fc.Arbitrary<Uint8Array> = fc.array(arbPiece, { maxLength: 25 }).map(concat);
