import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crcCatalogue, decode, encode, encodeToString, type CrcParams, type Dialect } from 'powerbank-codec';
import { arbDialect, arbDialectAndMessage, arbMessage, crcNames } from './support/arbitraries.js';
import { canonicalFrame, referenceFields, referenceFrame } from './support/reference.js';
import { GOLDEN } from './support/vectors.js';

const paramsOf = (dialect: Dialect): CrcParams | 'none' => (typeof dialect.crc === 'string' ? (dialect.crc === 'none' ? 'none' : crcCatalogue[dialect.crc]) : dialect.crc);

/** Byte positions the CRC covers in an encoded frame of `dialect`, without the braces and quotes. */
function coveredFieldBytes(frame: Uint8Array, dialect: Dialect): number[] {
  const end = frame.length - dialect.lineEnding.length - 1 - (dialect.quotes ? 1 : 0);
  const separator = end - 5;
  const first = 1 + (dialect.quotes ? 1 : 0);
  const last = dialect.crcCoverage === 'fields' ? separator - 1 : separator;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

describe('round trip', () => {
  it('decode(encode(m)) is m, with no deviation, in every dialect, in both modes', () => {
    fc.assert(
      fc.property(arbDialectAndMessage, ({ dialect, message }) => {
        const bytes = encode(message, { dialect });
        expect(decode(bytes, { dialect })).toEqual({ ok: true, message, deviations: [] });
        expect(decode(bytes, { dialect, mode: 'strict' })).toEqual({ ok: true, message, deviations: [] });
      }),
      { numRuns: 3_000 },
    );
  });

  it.each(crcNames)('holds for every message type with %s in every coverage', (crc) => {
    for (const crcCoverage of ['fields', 'fieldsWithComma', 'frame'] as const) {
      const dialect = { crc, crcCoverage };
      fc.assert(
        fc.property(arbMessage(), (message) => {
          expect(decode(encode(message, { dialect }), { dialect, mode: 'strict' })).toEqual({ ok: true, message, deviations: [] });
        }),
        { numRuns: 150 },
      );
    }
  });

  it('encode writes what an independent frame builder writes, in every dialect', () => {
    fc.assert(
      fc.property(arbDialectAndMessage, ({ dialect, message }) => {
        const { command, data } = referenceFields(message);
        const expected = referenceFrame(message.imei, command, data, { ...dialect, crc: paramsOf(dialect) });
        expect(encodeToString(message, { dialect })).toBe(expected);
      }),
      { numRuns: 3_000 },
    );
  });

  it('encode is deterministic and encodeToString is the same bytes', () => {
    fc.assert(
      fc.property(arbDialectAndMessage, ({ dialect, message }) => {
        const once = encode(message, { dialect });
        expect(encode(message, { dialect })).toEqual(once);
        expect(new TextEncoder().encode(encodeToString(message, { dialect }))).toEqual(once);
      }),
      { numRuns: 1_000 },
    );
  });

  it('re-encoding a lenient frame gives its canonical form', () => {
    const sloppy = canonicalFrame('860123456789014,MC.BO.2.1234567890', { separator: ';', quotes: false, lineEnding: '\n' }).replace(
      /[0-9A-F]{4}}/,
      (crc) => crc.toLowerCase(),
    );
    const result = decode(sloppy);
    expect(result.ok && result.deviations.map((d) => d.code)).toEqual(['QUOTES', 'SEPARATOR', 'SEPARATOR', 'LOWERCASE_CRC', 'LINE_ENDING']);
    expect(result.ok && encodeToString(result.message)).toBe('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
  });
});

describe('the CRC catches corruption of the bytes it covers', () => {
  it('every single-byte substitution in the covered fields is a CRC error', () => {
    const dialectWithCrc = arbDialect.filter((dialect) => dialect.crc !== 'none' && typeof dialect.crc === 'string');
    const arbCase = dialectWithCrc.chain((dialect) => arbMessage(dialect.slotCount).map((message) => ({ dialect, message })));
    fc.assert(
      fc.property(arbCase, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ dialect, message }, pick, delta) => {
        const frame = encode(message, { dialect });
        const positions = coveredFieldBytes(frame, dialect);
        const at = positions[pick % positions.length]!;
        const corrupted = frame.slice();
        corrupted[at] = (corrupted[at]! + delta) & 0xff;
        const result = decode(corrupted, { dialect });
        expect(result.ok ? 'ok' : result.error.code).toBe('CRC');
      }),
      { numRuns: 5_000 },
    );
  });

  it('every single-byte substitution in the fields of every PROTOCOL.md example is a CRC error (exhaustive)', () => {
    let checked = 0;
    for (const [text] of GOLDEN) {
      const frame = new TextEncoder().encode(text);
      for (const at of coveredFieldBytes(frame, { quotes: true, lineEnding: '\r\n', crc: 'CRC-16/MODBUS', crcCoverage: 'fields', slotCount: 3 })) {
        for (let byte = 0; byte < 256; byte++) {
          if (byte === frame[at]) continue;
          const corrupted = frame.slice();
          corrupted[at] = byte;
          const result = decode(corrupted);
          if (result.ok || result.error.code !== 'CRC') expect.fail(`${JSON.stringify(new TextDecoder().decode(corrupted))}: ${result.ok ? 'accepted' : result.error.code}`);
          checked++;
        }
      }
    }
    expect(checked).toBe(GOLDEN.reduce((sum, [text]) => sum + (text.length - 11) * 255, 0));
  });
});
