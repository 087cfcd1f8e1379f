/**
 * Valid frames with one described corruption, and the error code `decode` must return
 * for it.
 *
 * @module
 * @internal
 */

import * as fc from 'fast-check';
import type { Bytes } from '../bytes.js';
import { crcCatalogue } from '../crc/catalogue.js';
import type { Dialect } from '../dialect.js';
import type { DecodeErrorCode } from '../errors.js';
import { COMMA, coverageEnd } from '../frame/layout.js';
import { arbFrame, type ArbFrameOptions, type GeneratedFrame } from './frames.js';

/**
 * What {@link arbCorruptedFrame} did to a frame, and the error code `decode` must
 * report for it (guaranteed, not just likely). The CRC kinds leave the envelope whole
 * (a corruption that breaks it, such as a `,` or a control byte in the fields, is `FRAME`,
 * reported before the CRC is checked):
 * - `substitute`: one byte of the CRC-covered fields, other than a `,`, replaced by
 *   another visible ASCII byte that is not `,` `{` `}` `"` `.` `;` → `CRC`;
 * - `burst`: up to 16 consecutive bits of the covered fields flipped, counted in the
 *   CRC's own bit order, where no `,` is touched and every changed byte becomes visible
 *   ASCII other than `,` `{` `}` `"` `.` `;` → `CRC` (a CRC-16 catches every such burst);
 * - `swap`: two different adjacent bytes of the covered fields, before the separator
 *   that precedes the CRC, exchanged → `CRC`;
 * - `crcDigit`: one hex digit of the CRC field changed → `CRC`;
 * - `truncate`: the frame cut before its `}` → `FRAME`;
 * - `dropBrace`: the opening `{` removed → `FRAME`.
 */
export interface Corruption {
  readonly kind: 'substitute' | 'burst' | 'swap' | 'crcDigit' | 'truncate' | 'dropBrace';
  /** Byte position in the original frame where the corruption starts. */
  readonly at: number;
  /** What was done, in words. */
  readonly description: string;
  /** The error code `decode` (with the frame's dialect) must return. */
  readonly expected: DecodeErrorCode;
}

/**
 * Options for {@link arbCorruptedFrame}: those of {@link arbFrame}, plus which kinds of
 * corruption to apply.
 *
 * @example
 * ```ts
 * import type { ArbCorruptedFrameOptions } from 'powerbank-codec/arbitraries';
 *
 * // CRC kinds need a dialect with a CRC: 'any' includes dialects without one.
 * const bursts: ArbCorruptedFrameOptions = { dialect: { crc: 'CRC-16/XMODEM' }, kinds: ['burst', 'swap'] };
 * ```
 */
export interface ArbCorruptedFrameOptions extends ArbFrameOptions {
  /**
   * Only these kinds (default: all). CRC kinds need a dialect with a CRC: for a frame
   * without one, only `truncate` and `dropBrace` are possible, and asking for none of
   * them there is an error.
   */
  readonly kinds?: readonly Corruption['kind'][];
}

/** A frame with a described corruption, and the valid frame it came from. */
export interface CorruptedFrame extends GeneratedFrame {
  /** The valid frame before the corruption. */
  readonly original: Bytes;
  readonly corruption: Corruption;
}

/** Where the parts of an encoded frame lie. */
function layoutOf(bytes: Uint8Array, dialect: Dialect) {
  const quote = dialect.quotes ? 1 : 0;
  const closingBrace = bytes.length - dialect.lineEnding.length - 1;
  const separator = closingBrace - quote - 5;
  const fieldsStart = 1 + quote;
  const coveredEnd = coverageEnd(dialect.crcCoverage, separator);
  return { closingBrace, separator, fieldsStart, coveredEnd, crcStart: separator + 1 };
}

const hex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * The bytes any field may hold without breaking the envelope: visible ASCII but `,` `{`
 * `}` `"`, and but `.` `;` (in the IMEI they would be separators).
 */
const FIELD_BYTES: readonly number[] = Array.from({ length: 0x7f - 0x21 }, (_, i) => 0x21 + i).filter((byte) => !',{}".;'.includes(String.fromCharCode(byte)));

/** Whether `corrupted` changed no separator of `bytes[start..end)` and put only field bytes there. */
function keepsEnvelope(bytes: Uint8Array, corrupted: Uint8Array, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    if (corrupted[at] === bytes[at]) continue;
    if (bytes[at] === COMMA || !FIELD_BYTES.includes(corrupted[at]!)) return false;
  }
  return true;
}

type CorruptionCase = { bytes: Bytes; corruption: Corruption };

function corruptions(frame: GeneratedFrame, kinds: readonly Corruption['kind'][] | undefined): fc.Arbitrary<CorruptionCase> {
  const { bytes, dialect } = frame;
  const { closingBrace, separator, fieldsStart, coveredEnd, crcStart } = layoutOf(bytes, dialect);
  const structural = [
    fc.integer({ min: 0, max: closingBrace }).map((cut) => ({
      bytes: bytes.slice(0, cut),
      corruption: { kind: 'truncate' as const, at: cut, description: `cut after ${cut} bytes, before the '}'`, expected: 'FRAME' as const },
    })),
    fc.constant({
      bytes: bytes.slice(1),
      corruption: { kind: 'dropBrace' as const, at: 0, description: "the opening '{' removed", expected: 'FRAME' as const },
    }),
  ];
  const pick = (candidates: ReadonlyArray<[Corruption['kind'], fc.Arbitrary<CorruptionCase>]>) => {
    const chosen = candidates.filter(([kind]) => kinds === undefined || kinds.includes(kind)).map(([, arbitrary]) => arbitrary);
    if (chosen.length === 0) throw new Error(`arbCorruptedFrame: none of the kinds ${JSON.stringify(kinds)} applies to a frame of this dialect`);
    return fc.oneof(...chosen);
  };
  if (dialect.crc === 'none') return pick([['truncate', structural[0]!], ['dropBrace', structural[1]!]]);
  const reflected = typeof dialect.crc === 'string' ? crcCatalogue[dialect.crc].refin : dialect.crc.refin;
  // The bytes a CRC kind may change: the covered fields, but not their separators.
  const changeable: number[] = [];
  for (let at = fieldsStart; at < coveredEnd; at++) if (bytes[at] !== COMMA) changeable.push(at);
  const substitute = fc.tuple(fc.constantFrom(...changeable), fc.integer({ min: 1, max: FIELD_BYTES.length - 1 })).map(([at, step]) => {
    const corrupted = bytes.slice();
    corrupted[at] = FIELD_BYTES[(FIELD_BYTES.indexOf(bytes[at]!) + step) % FIELD_BYTES.length]!;
    return {
      bytes: corrupted,
      corruption: { kind: 'substitute' as const, at, description: `byte ${at} changed from ${hex(bytes[at]!)} to ${hex(corrupted[at]!)}`, expected: 'CRC' as const },
    };
  });
  const coveredBits = (coveredEnd - fieldsStart) * 8;
  const burst = fc
    .tuple(fc.integer({ min: 0, max: coveredBits - 1 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 0x3fff }))
    .map(([first, wanted, middle]) => {
      const length = Math.min(wanted, coveredBits - first);
      const corrupted = bytes.slice();
      for (let bit = 0; bit < length; bit++) {
        const flip = bit === 0 || bit === length - 1 || (middle >> (bit - 1)) & 1;
        if (!flip) continue;
        const position = first + bit;
        const at = fieldsStart + (position >> 3);
        const within = position & 7;
        corrupted[at]! ^= reflected ? 1 << within : 0x80 >> within;
      }
      const at = fieldsStart + (first >> 3);
      return {
        keepsEnvelope: keepsEnvelope(bytes, corrupted, fieldsStart, coveredEnd),
        bytes: corrupted,
        corruption: {
          kind: 'burst' as const,
          at,
          description: `a burst of ${length} bits flipped from bit ${first & 7} of byte ${at} (${reflected ? 'LSB' : 'MSB'} first)`,
          expected: 'CRC' as const,
        },
      };
    })
    .filter((burst) => burst.keepsEnvelope)
    .map(({ bytes, corruption }) => ({ bytes, corruption }));
  // The fields always hold two different adjacent bytes (digits, then a comma).
  const swappable: number[] = [];
  for (let at = fieldsStart; at + 1 < separator; at++) if (bytes[at] !== bytes[at + 1]) swappable.push(at);
  const swap = fc.constantFrom(...swappable).map((at) => {
    const corrupted = bytes.slice();
    corrupted[at] = bytes[at + 1]!;
    corrupted[at + 1] = bytes[at]!;
    return { bytes: corrupted, corruption: { kind: 'swap' as const, at, description: `bytes ${at} and ${at + 1} exchanged`, expected: 'CRC' as const } };
  });
  const crcDigit = fc.tuple(fc.integer({ min: crcStart, max: crcStart + 3 }), fc.integer({ min: 1, max: 15 })).map(([at, delta]) => {
    const digits = '0123456789ABCDEF';
    const corrupted = bytes.slice();
    corrupted[at] = digits.charCodeAt((digits.indexOf(String.fromCharCode(bytes[at]!)) + delta) % 16);
    return {
      bytes: corrupted,
      corruption: {
        kind: 'crcDigit' as const,
        at,
        description: `CRC digit at byte ${at} changed from '${String.fromCharCode(bytes[at]!)}' to '${String.fromCharCode(corrupted[at]!)}'`,
        expected: 'CRC' as const,
      },
    };
  });
  return pick([
    ['substitute', substitute],
    ['burst', burst],
    ['swap', swap],
    ['crcDigit', crcDigit],
    ['truncate', structural[0]!],
    ['dropBrace', structural[1]!],
  ]);
}

/**
 * A valid frame with one described corruption, and the error code `decode` must return
 * for it ({@link Corruption}). Dialects without a CRC only get structural corruptions.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode } from 'powerbank-codec';
 * import { arbCorruptedFrame } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbCorruptedFrame({ dialect: 'any' }), ({ bytes, dialect, corruption }) => {
 *   const result = decode(bytes, { dialect });
 *   return !result.ok && result.error.code === corruption.expected;
 * }));
 * ```
 */
export function arbCorruptedFrame(options: ArbCorruptedFrameOptions = {}): fc.Arbitrary<CorruptedFrame> {
  const { kinds } = options;
  return arbFrame(options).chain((frame) =>
    corruptions(frame, kinds).map(({ bytes, corruption }) => ({ ...frame, bytes, original: frame.bytes, corruption })),
  );
}
