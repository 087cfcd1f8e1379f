/**
 * The codec's invariants as fast-check properties, shared by the test suite (a small
 * fixed budget) and the fuzz harness (`npm run fuzz`, a large one).
 */
import fc from 'fast-check';
import { crc16, crcCatalogue, decode, encode, encodeToString, type CrcParams, type DecodeOptions, type DecodeResult, type Dialect } from 'powerbank-codec';
import { arbCorruptedFrame, arbDialect, arbFrame } from 'powerbank-codec/arbitraries';
import { bitwiseCrc16, referenceFields, referenceFrame } from '../support/reference.js';

const CODES = ['FRAME', 'CRC', 'IMEI', 'COMMAND', 'DATA', 'DIRECTION'];

/** Whether `result` has exactly the documented shape. */
export function isWellFormed(result: DecodeResult): boolean {
  if (result.ok) {
    return typeof result.message?.type === 'string' && typeof result.message.imei === 'string' && Array.isArray(result.deviations);
  }
  const { code, message, offset } = result.error;
  return CODES.includes(code) && typeof message === 'string' && message.length > 0 && Number.isInteger(offset) && offset >= 0;
}

const arbOptions: fc.Arbitrary<DecodeOptions> = fc.record(
  {
    mode: fc.constantFrom('lenient', 'strict' as const),
    from: fc.constantFrom('device', 'server' as const),
    checkImei: fc.constantFrom('digits', 'luhn' as const),
    dialect: arbDialect(),
  },
  { requiredKeys: [] },
);

/** Text built from the characters frames are made of, to reach deep into the decoder. */
const arbProtocolText = fc
  .array(fc.constantFrom(...'{}",.;\r\n0123456789ABCDEFCHQMRWOTUNabcdef'), { maxLength: 120 })
  .map((characters) => characters.join(''));

const arbMutation = fc.record({ kind: fc.constantFrom('replace', 'insert', 'delete'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });

function mutate(bytes: Uint8Array, mutations: ReadonlyArray<{ kind: string; at: number; byte: number }>): Uint8Array {
  const result = Array.from(bytes);
  for (const { kind, at, byte } of mutations) {
    const index = at % (result.length + 1);
    if (kind === 'insert') result.splice(index, 0, byte);
    else if (result.length > 0 && kind === 'replace') result[index % result.length] = byte;
    else if (result.length > 0) result.splice(index % result.length, 1);
  }
  return new Uint8Array(result);
}

/** The byte positions of the fields the CRC covers in an encoded frame of `dialect`. */
export function coveredFieldBytes(frame: Uint8Array, dialect: Dialect): number[] {
  const quote = dialect.quotes ? 1 : 0;
  const separator = frame.length - dialect.lineEnding.length - 1 - quote - 5;
  const last = dialect.crcCoverage === 'fields' ? separator - 1 : separator;
  return Array.from({ length: last - quote }, (_, i) => 1 + quote + i);
}

/**
 * The error code a frame gets when the byte at `at` of its fields, not a `,`, is replaced by
 * `byte` (docs/protocol.md, section 9): `FRAME` when the byte cannot be in a field (not
 * visible ASCII, or `,` `{` `}` `"`, or `.` `;` in the IMEI), `CRC` otherwise.
 */
export function substitutionCode(frame: Uint8Array, at: number, byte: number): 'FRAME' | 'CRC' {
  if (byte < 0x21 || byte > 0x7e || ',{}"'.includes(String.fromCharCode(byte))) return 'FRAME';
  const imeiEnd = frame.indexOf(0x2c);
  return (byte === 0x2e || byte === 0x3b) && at < imeiEnd ? 'FRAME' : 'CRC';
}

/** Where the fields of an encoded frame of `dialect` start and where its body ends (before `"}` or `}`). */
function bodyOf(frame: Uint8Array, dialect: Dialect): { start: number; end: number } {
  const quote = dialect.quotes ? 1 : 0;
  return { start: 1 + quote, end: frame.length - dialect.lineEnding.length - 1 - quote };
}

const bothModes = (bytes: Uint8Array, dialect: Dialect) => (['lenient', 'strict'] as const).map((mode) => decode(bytes, { dialect, mode }));

const paramsOf = (dialect: Dialect): CrcParams | 'none' =>
  typeof dialect.crc === 'string' ? (dialect.crc === 'none' ? 'none' : crcCatalogue[dialect.crc]) : dialect.crc;

/** A dialect with a catalogued CRC, and an odd-polynomial custom one now and then. */
const arbCheckedDialect = arbDialect({ noCrc: false });

export const codecProperties = {
  'decode never throws and returns a well-formed result, for arbitrary bytes': () =>
    fc.property(fc.uint8Array({ maxLength: 300 }), arbOptions, (bytes, options) => isWellFormed(decode(bytes, options))),

  'decode never throws and returns a well-formed result, for arbitrary bytes between braces and quotes': () =>
    fc.property(fc.uint8Array({ maxLength: 200 }), arbOptions, (body, options) =>
      isWellFormed(decode(new Uint8Array([0x7b, 0x22, ...body, 0x22, 0x7d, 0x0d, 0x0a]), options)),
    ),

  'decode never throws and returns a well-formed result, for arbitrary strings': () =>
    fc.property(
      fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), arbProtocolText),
      arbOptions,
      (text, options) => isWellFormed(decode(text, options)),
    ),

  'decode never throws and returns a well-formed result, for mutated valid frames': () =>
    fc.property(arbFrame({ dialect: 'any' }), fc.array(arbMutation, { minLength: 1, maxLength: 4 }), arbOptions, ({ bytes, dialect }, mutations, options) =>
      isWellFormed(decode(mutate(bytes, mutations), { ...options, dialect })),
    ),

  'round trip: decode(encode(m)) is m with no deviation, in every dialect and both modes': () =>
    fc.property(arbFrame({ dialect: 'any' }), ({ bytes, message, dialect }) => {
      const lenient = decode(bytes, { dialect });
      const strict = decode(bytes, { dialect, mode: 'strict' });
      return (
        lenient.ok && strict.ok && lenient.deviations.length === 0 && strict.deviations.length === 0 &&
        fc.stringify(lenient.message) === fc.stringify(message) && fc.stringify(strict.message) === fc.stringify(message)
      );
    }),

  'round trip under either CRC byte order, whose CRC fields are each other swapped': () =>
    fc.property(arbFrame({ dialect: arbCheckedDialect }), ({ message, dialect }) => {
      const [high, low] = (['highFirst', 'lowFirst'] as const).map((crcByteOrder) => encodeToString(message, { dialect: { ...dialect, crcByteOrder } }));
      const crcOf = (frame: string) => /,([0-9A-F]{4})"?}/.exec(frame)![1]!;
      const swapped = `${crcOf(high!).slice(2)}${crcOf(high!).slice(0, 2)}`;
      const decoded = (['highFirst', 'lowFirst'] as const).map((crcByteOrder, index) => decode([high, low][index]!, { dialect: { ...dialect, crcByteOrder }, mode: 'strict' }));
      return (
        crcOf(low!) === swapped &&
        high!.replace(/,[0-9A-F]{4}("?})/, `,${swapped}$1`) === low &&
        decoded.every((result) => result.ok && fc.stringify(result.message) === fc.stringify(message))
      );
    }),

  'encode is deterministic, and encodeToString gives the same bytes': () =>
    fc.property(arbFrame({ dialect: 'any' }), ({ bytes, message, dialect }) => {
      const again = encode(message, { dialect });
      const text = encodeToString(message, { dialect });
      return fc.stringify(again) === fc.stringify(bytes) && text.length === bytes.length && [...text].every((c, i) => c.charCodeAt(0) === bytes[i]);
    }),

  'encode writes what an independent frame builder writes, in every dialect': () =>
    fc.property(arbFrame({ dialect: 'any' }), ({ bytes, message, dialect }) => {
      const { command, data } = referenceFields(message);
      return new TextDecoder().decode(bytes) === referenceFrame(message.imei, command, data, { ...dialect, crc: paramsOf(dialect) });
    }),

  'a single-byte substitution inside the CRC-covered fields is FRAME when the byte cannot be in a field, else CRC, in both modes': () =>
    fc.property(arbFrame({ dialect: arbCheckedDialect }), fc.nat(), fc.integer({ min: 1, max: 255 }), ({ bytes, dialect }, pick, delta) => {
      const positions = coveredFieldBytes(bytes, dialect).filter((at) => bytes[at] !== 0x2c);
      const at = positions[pick % positions.length]!;
      const corrupted = bytes.slice();
      corrupted[at] = (corrupted[at]! + delta) & 0xff;
      const code = substitutionCode(bytes, at, corrupted[at]!);
      return bothModes(corrupted, dialect).every((result) => !result.ok && result.error.code === code && (code === 'CRC' || result.error.offset === at));
    }),

  "inserting ',' or '\"' anywhere inside a valid frame's braces is FRAME, never CRC, in both modes, in every dialect": () =>
    fc.property(arbFrame({ dialect: 'any' }), fc.nat(), fc.constantFrom(0x2c, 0x22), ({ bytes, dialect }, pick, byte) => {
      const { start, end } = bodyOf(bytes, dialect);
      const at = start - (dialect.quotes ? 1 : 0) + (pick % (end - start + 1 + (dialect.quotes ? 2 : 0)));
      const corrupted = new Uint8Array([...bytes.subarray(0, at), byte, ...bytes.subarray(at)]);
      return bothModes(corrupted, dialect).every((result) => !result.ok && result.error.code === 'FRAME');
    }),

  'a valid frame followed by more than a line ending (a second frame, a NUL, any bytes) is FRAME, in both modes': () =>
    fc.property(
      arbFrame({ dialect: 'any' }),
      fc.oneof(arbFrame().map(({ bytes }) => bytes), fc.uint8Array({ minLength: 1, maxLength: 8 })),
      ({ bytes, dialect }, after) => {
        const input = new Uint8Array([...bytes, ...after]);
        const tail = new TextDecoder('latin1').decode(input.subarray(input.lastIndexOf(0x7d) + 1));
        fc.pre(!['', '\r', '\n', '\r\n'].includes(tail) || input.lastIndexOf(0x7d) !== bytes.length - dialect.lineEnding.length - 1);
        return bothModes(input, dialect).every((result) => !result.ok && result.error.code === 'FRAME');
      },
    ),

  'lenient and strict mode give the same result, except where strict mode refuses a deviation': () =>
    fc.property(arbFrame({ dialect: 'any' }), fc.array(arbMutation, { maxLength: 3 }), fc.boolean(), ({ bytes, dialect }, mutations, sloppy) => {
      const input = sloppy ? new TextEncoder().encode(new TextDecoder().decode(mutate(bytes, mutations)).replace(/"/g, '').replace(/\r\n$/, '\n').toLowerCase()) : mutate(bytes, mutations);
      const [lenient, strict] = bothModes(input, dialect);
      if (!strict!.ok && 'deviation' in strict!.error && strict!.error.deviation !== undefined) return true;
      return fc.stringify(strict) === fc.stringify(lenient);
    }),

  'every burst error of up to 16 bits inside the CRC-covered fields is a CRC error': () =>
    fc.property(
      arbCorruptedFrame({ dialect: arbCheckedDialect, kinds: ['burst'] }),
      ({ bytes, dialect }) => {
        const result = decode(bytes, { dialect });
        return !result.ok && result.error.code === 'CRC';
      },
    ),

  'every described corruption of a valid frame gives the error code it names': () =>
    fc.property(arbCorruptedFrame({ dialect: 'any' }), ({ bytes, dialect, corruption }) => {
      for (const mode of ['lenient', 'strict'] as const) {
        const result = decode(bytes, { dialect, mode });
        if (result.ok || result.error.code !== corruption.expected) return false;
      }
      return true;
    }),

  'strict acceptance implies lenient acceptance, with the same message and no deviations': () =>
    fc.property(arbFrame({ dialect: 'any' }), fc.array(arbMutation, { maxLength: 2 }), fc.boolean(), ({ bytes, dialect }, mutations, sloppy) => {
      // Sloppy frames (lowercase CRC, LF line ending, no quotes) exercise lenient-only acceptance too.
      const input = sloppy ? new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/"/g, '').replace(/\r\n$/, '\n').toLowerCase()) : mutate(bytes, mutations);
      const strict = decode(input, { dialect, mode: 'strict' });
      if (!strict.ok) return true;
      const lenient = decode(input, { dialect });
      return lenient.ok && lenient.deviations.length === 0 && strict.deviations.length === 0 && fc.stringify(lenient.message) === fc.stringify(strict.message);
    }),

  'lenient decoding of an encoded message reports no deviations': () =>
    fc.property(arbFrame({ dialect: 'any' }), ({ bytes, dialect }) => {
      const result = decode(bytes, { dialect });
      return result.ok && result.deviations.length === 0;
    }),

  'crc16 agrees with a bit-by-bit reference, for any parameters and bytes': () =>
    fc.property(
      fc.record({
        width: fc.constant(16 as const),
        poly: fc.integer({ min: 0, max: 0xffff }),
        init: fc.integer({ min: 0, max: 0xffff }),
        refin: fc.boolean(),
        refout: fc.boolean(),
        xorout: fc.integer({ min: 0, max: 0xffff }),
      }),
      fc.uint8Array({ maxLength: 64 }),
      (params, bytes) => crc16(bytes, params) === bitwiseCrc16(bytes, params),
    ),
};
