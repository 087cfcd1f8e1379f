/**
 * fast-check arbitraries for fuzzing code that speaks the protocol: valid messages,
 * dialects, encoded frames, frames with a described corruption, noisy streams and ways
 * to cut a stream into chunks. Import them from `powerbank-codec/arbitraries`; they need
 * `fast-check` (an optional peer dependency: the main entry does not).
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode } from 'powerbank-codec';
 * import { arbFrame } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbFrame({ dialect: 'any' }), ({ bytes, dialect, message }) => {
 *   const result = decode(bytes, { dialect });
 *   return result.ok && result.message.type === message.type;
 * }));
 * ```
 *
 * @module powerbank-codec/arbitraries
 */

import * as fc from 'fast-check';
import type { Bytes } from '../bytes.js';
import { crcCatalogue, type CrcName, type CrcParams } from '../crc/catalogue.js';
import { canonicalDialect, MAX_SLOT_COUNT, type Dialect } from '../dialect.js';
import { encode } from '../encode.js';
import type { DecodeErrorCode } from '../errors.js';
import { MAX_POWER_BANK_ID_LENGTH } from '../fields/powerBankId.js';
import { messageTypes, type Message, type MessageType } from '../messages/index.js';
import type { SlotStatus } from '../messages/AQ.js';

const DIGITS = '0123456789';
const ID_CHARACTERS = `${DIGITS}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;

const arbImei = fc.array(fc.constantFrom(...DIGITS), { minLength: 15, maxLength: 15 }).map((digits) => digits.join(''));
const arbPowerBankId = fc
  .array(fc.constantFrom(...ID_CHARACTERS), { minLength: 1, maxLength: MAX_POWER_BANK_ID_LENGTH })
  .map((characters) => characters.join(''));

const STATUS_CODES = { full: 'FU', notFull: 'NF', depleted: 'EM', fault: 'ER' } as const;

function arbSlotStatus(slotCount: number): fc.Arbitrary<SlotStatus> {
  return fc
    .record({
      slot: fc.integer({ min: 1, max: slotCount }),
      status: fc.constantFrom('full', 'notFull', 'depleted', 'fault' as const),
      powerBankId: arbPowerBankId,
      faultWithId: fc.boolean(),
    })
    .map(({ slot, status, powerBankId, faultWithId }): SlotStatus =>
      status === 'fault' && !faultWithId ? { slot, status, code: STATUS_CODES[status] } : { slot, status, code: STATUS_CODES[status], powerBankId },
    );
}

/**
 * Options for {@link arbMessage}.
 *
 * @example
 * ```ts
 * import type { ArbMessageOptions } from 'powerbank-codec/arbitraries';
 *
 * const options: ArbMessageOptions = { types: ['LendSuccess', 'LendFailure'], slotCount: 12 };
 * ```
 */
export interface ArbMessageOptions {
  /** Only these message types (default: all 14). */
  readonly types?: readonly MessageType[];
  /** The station's slot count: slot numbers run from 1 to this (default 3). */
  readonly slotCount?: number;
}

/**
 * Any valid message (one that `encode` accepts), optionally only of the given types.
 * Status answers list up to 8 distinct slots.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode, encode } from 'powerbank-codec';
 * import { arbMessage } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbMessage({ types: ['StatusAnswer'] }), (message) => {
 *   const result = decode(encode(message));
 *   return result.ok && result.message.type === 'StatusAnswer';
 * }));
 * ```
 */
export function arbMessage(options: ArbMessageOptions = {}): fc.Arbitrary<Message> {
  const { types = Object.keys(messageTypes) as MessageType[], slotCount = canonicalDialect.slotCount } = options;
  const slot = fc.integer({ min: 1, max: slotCount });
  const bank = fc.record({ imei: arbImei, slot, powerBankId: arbPowerBankId });
  const byType: { [T in MessageType]: fc.Arbitrary<Extract<Message, { type: T }>> } = {
    Heartbeat: arbImei.map((imei) => ({ type: 'Heartbeat' as const, imei })),
    StatusQuery: arbImei.map((imei) => ({ type: 'StatusQuery' as const, imei })),
    StatusAnswer: fc
      .record({
        imei: arbImei,
        slots: fc.uniqueArray(arbSlotStatus(slotCount), { selector: (record) => record.slot, maxLength: Math.min(slotCount, 8) }),
      })
      .map(({ imei, slots }) => ({ type: 'StatusAnswer' as const, imei, slots })),
    LendRequest: bank.map((fields) => ({ type: 'LendRequest' as const, ...fields })),
    OwnershipQuery: bank.map((fields) => ({ type: 'OwnershipQuery' as const, ...fields })),
    OwnershipAnswer: fc
      .record({ imei: arbImei, belongs: fc.boolean(), slot, powerBankId: arbPowerBankId })
      .map((fields) => ({ type: 'OwnershipAnswer' as const, ...fields })),
    LendSuccess: bank.map((fields) => ({ type: 'LendSuccess' as const, ...fields })),
    ReturnSuccess: bank.map((fields) => ({ type: 'ReturnSuccess' as const, ...fields })),
    LendSuccessAck: bank.map((fields) => ({ type: 'LendSuccessAck' as const, ...fields })),
    ReturnSuccessAck: bank.map((fields) => ({ type: 'ReturnSuccessAck' as const, ...fields })),
    LendFailure: bank.map((fields) => ({ type: 'LendFailure' as const, ...fields })),
    ReturnFailure: bank.map((fields) => ({ type: 'ReturnFailure' as const, ...fields })),
    LendFailureAck: bank.map((fields) => ({ type: 'LendFailureAck' as const, ...fields })),
    ReturnFailureAck: bank.map((fields) => ({ type: 'ReturnFailureAck' as const, ...fields })),
  };
  return fc.oneof(...types.map((type): fc.Arbitrary<Message> => byType[type]));
}

/**
 * Options for {@link arbDialect}.
 *
 * @example
 * ```ts
 * import type { ArbDialectOptions } from 'powerbank-codec/arbitraries';
 *
 * const catalogueOnly: ArbDialectOptions = { customCrc: false, noCrc: false };
 * ```
 */
export interface ArbDialectOptions {
  /** Include custom CRC parameters, not only catalogue names (default true). */
  readonly customCrc?: boolean;
  /** Include dialects without a CRC field (default true). */
  readonly noCrc?: boolean;
  /** The largest slot count to generate (default 999). */
  readonly maxSlotCount?: number;
}

/** Custom width-16 CRC parameters with an odd polynomial, so that every burst of up to 16 bits is caught. */
const arbCrcParams: fc.Arbitrary<CrcParams> = fc.record({
  width: fc.constant(16 as const),
  poly: fc.integer({ min: 0, max: 0xffff }).map((poly) => poly | 1),
  init: fc.integer({ min: 0, max: 0xffff }),
  refin: fc.boolean(),
  refout: fc.boolean(),
  xorout: fc.integer({ min: 0, max: 0xffff }),
});

/**
 * Any dialect: quotes on or off, any line ending, every catalogue CRC (and, by default,
 * custom parameters and no CRC at all), every coverage, a slot count from 1 to 999.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode, encode } from 'powerbank-codec';
 * import { arbDialect } from 'powerbank-codec/arbitraries';
 *
 * const heartbeat = { type: 'Heartbeat', imei: '860123456789014' } as const;
 * fc.assert(fc.property(arbDialect(), (dialect) => decode(encode(heartbeat, { dialect }), { dialect, mode: 'strict' }).ok));
 * ```
 */
export function arbDialect(options: ArbDialectOptions = {}): fc.Arbitrary<Dialect> {
  const { customCrc = true, noCrc = true, maxSlotCount = MAX_SLOT_COUNT } = options;
  const names: Array<CrcName | 'none'> = Object.keys(crcCatalogue) as CrcName[];
  if (noCrc) names.push('none');
  const crc: fc.Arbitrary<Dialect['crc']> = customCrc ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...names) }, arbCrcParams) : fc.constantFrom(...names);
  return fc.record({
    quotes: fc.boolean(),
    lineEnding: fc.constantFrom('\r\n', '\n', '' as const),
    crc,
    crcCoverage: fc.constantFrom('fields', 'fieldsWithComma', 'frame' as const),
    slotCount: fc.integer({ min: 1, max: maxSlotCount }),
  });
}

/**
 * A valid frame as {@link arbFrame} generates it: the bytes, the message they encode
 * and the dialect they are in.
 */
export interface GeneratedFrame {
  readonly bytes: Bytes;
  readonly message: Message;
  readonly dialect: Dialect;
}

/**
 * Options for {@link arbFrame} and {@link arbCorruptedFrame}.
 *
 * @example
 * ```ts
 * import { arbDialect, type ArbFrameOptions } from 'powerbank-codec/arbitraries';
 *
 * const xmodem: ArbFrameOptions = { dialect: { crc: 'CRC-16/XMODEM', quotes: false }, types: ['Heartbeat'] };
 * const anyWithCrc: ArbFrameOptions = { dialect: arbDialect({ noCrc: false }) };
 * ```
 */
export interface ArbFrameOptions {
  /**
   * The dialect: a fixed (partial) one, `'any'` for any of {@link arbDialect}'s, or an
   * arbitrary of your own (default: the canonical dialect).
   */
  readonly dialect?: Partial<Dialect> | 'any' | fc.Arbitrary<Dialect>;
  /** Only these message types (default: all 14). */
  readonly types?: readonly MessageType[];
}

function arbDialectOf(dialect: ArbFrameOptions['dialect']): fc.Arbitrary<Dialect> {
  if (dialect === 'any') return arbDialect();
  if (dialect instanceof fc.Arbitrary) return dialect;
  return fc.constant({ ...canonicalDialect, ...dialect });
}

/**
 * A valid encoded frame, line ending included, with the message and dialect it encodes.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode } from 'powerbank-codec';
 * import { arbFrame } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbFrame(), ({ bytes }) => decode(bytes, { mode: 'strict' }).ok));
 * ```
 */
export function arbFrame(options: ArbFrameOptions = {}): fc.Arbitrary<GeneratedFrame> {
  return arbDialectOf(options.dialect).chain((dialect) =>
    arbMessage({ slotCount: dialect.slotCount, ...(options.types ? { types: options.types } : {}) }).map((message) => ({
      bytes: encode(message, { dialect }),
      message,
      dialect,
    })),
  );
}

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
  const coveredEnd = dialect.crcCoverage === 'fields' ? separator : separator + 1;
  return { closingBrace, separator, fieldsStart, coveredEnd, crcStart: separator + 1 };
}

const hex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

const COMMA = 0x2c;
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

/**
 * A way to cut a byte stream into chunks, as {@link arbChunking} generates it: at the
 * given positions (taken modulo the stream length plus one, so repeated positions give
 * empty chunks), or into chunks of one byte each.
 *
 * @example
 * ```ts
 * import { Chunking } from 'powerbank-codec/arbitraries';
 *
 * new Chunking([2, 2, 5]).split(new Uint8Array(6)).map((chunk) => chunk.length); // [2, 0, 3, 1]
 * new Chunking('everyByte').split(new Uint8Array(3)).length; // 3
 * ```
 */
export class Chunking {
  constructor(
    /** Cut positions, or `'everyByte'`. */
    readonly cuts: readonly number[] | 'everyByte',
  ) {}

  /** The chunks of `bytes`, each a copy (so a consumer may keep them). */
  split(bytes: Uint8Array): Uint8Array[] {
    if (this.cuts === 'everyByte') return Array.from(bytes, (byte) => Uint8Array.of(byte));
    const points = this.cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let from = 0;
    for (const point of points) {
      chunks.push(bytes.slice(from, point));
      from = point;
    }
    chunks.push(bytes.slice(from));
    return chunks;
  }

  /** How fast-check shows this value in a counterexample. */
  [fc.toStringMethod](): string {
    return this.cuts === 'everyByte' ? "new Chunking('everyByte')" : `new Chunking(${JSON.stringify(this.cuts)})`;
  }
}

/**
 * Ways to cut a byte stream into chunks: anywhere, with empty chunks, or one byte at a
 * time — for checking that chunking does not matter.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createDecoder, encode } from 'powerbank-codec';
 * import { arbChunking } from 'powerbank-codec/arbitraries';
 *
 * const stream = encode({ type: 'Heartbeat', imei: '860123456789014' });
 * fc.assert(fc.property(arbChunking(), (chunking) => {
 *   const decoder = createDecoder();
 *   const items = [...chunking.split(stream).flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
 *   return items.length === 1 && items[0]?.kind === 'message';
 * }));
 * ```
 */
export function arbChunking(options: { readonly maxCuts?: number } = {}): fc.Arbitrary<Chunking> {
  const { maxCuts = 40 } = options;
  return fc.oneof(
    { weight: 9, arbitrary: fc.array(fc.nat(), { maxLength: maxCuts }).map((cuts) => new Chunking(cuts)) },
    { weight: 1, arbitrary: fc.constant(new Chunking('everyByte')) },
  );
}

/** A byte stream of valid frames with arbitrary bytes between them, as {@link arbNoisyStream} generates it. */
export interface NoisyStream {
  readonly bytes: Bytes;
  /** The messages of the valid frames, in stream order. */
  readonly messages: readonly Message[];
  readonly dialect: Dialect;
}

/**
 * Valid frames (in one dialect) with arbitrary noise before, between and after them:
 * what a decoder must turn into exactly `messages`, in order, whatever the noise.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createDecoder } from 'powerbank-codec';
 * import { arbNoisyStream } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbNoisyStream(), ({ bytes, messages, dialect }) => {
 *   const decoder = createDecoder({ dialect });
 *   const items = [...decoder.push(bytes), ...decoder.end()];
 *   return items.filter((item) => item.kind === 'message').length === messages.length;
 * }));
 * ```
 */
export function arbNoisyStream(options: ArbFrameOptions & { readonly maxFrames?: number } = {}): fc.Arbitrary<NoisyStream> {
  const { maxFrames = 15 } = options;
  return arbDialectOf(options.dialect).chain((dialect) =>
    fc
      .tuple(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 60 }), arbMessage({ slotCount: dialect.slotCount, ...(options.types ? { types: options.types } : {}) })), {
          maxLength: maxFrames,
        }),
        fc.uint8Array({ maxLength: 60 }),
      )
      .map(([entries, tail]) => {
        const parts = entries.flatMap(([noise, message]) => [noise, encode(message, { dialect })]);
        parts.push(tail);
        const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
        let at = 0;
        for (const part of parts) {
          bytes.set(part, at);
          at += part.length;
        }
        return { bytes, messages: entries.map(([, message]) => message), dialect };
      }),
  );
}
