import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crcCatalogue, decode, encode, encodeToString, type CrcName } from 'powerbank-codec';
import { arbMessage } from 'powerbank-codec/arbitraries';
import { coveredFieldBytes, substitutionCode } from './properties/codec.js';
import { canonicalFrame } from './support/reference.js';
import { GOLDEN } from './support/vectors.js';

const crcNames = Object.keys(crcCatalogue) as CrcName[];

describe('round trip', () => {
  it.each(crcNames)('holds for every message type with %s in every coverage', (crc) => {
    for (const crcCoverage of ['fields', 'fieldsWithComma', 'frame'] as const) {
      const dialect = { crc, crcCoverage };
      fc.assert(
        fc.property(arbMessage(), (message) => {
          expect(decode(encode(message, { dialect }), { dialect, mode: 'strict' })).toStrictEqual({ ok: true, message, deviations: [] });
        }),
        { numRuns: 150 },
      );
    }
  });

  it('re-encoding a lenient frame gives its canonical form', () => {
    const sloppy = canonicalFrame('860123456789014,MC.BO.2.1234567890', { separator: ';', quotes: false, lineEnding: '\n' }).replace(
      /[0-9A-F]{4}}/,
      (crc) => crc.toLowerCase(),
    );
    const result = decode(sloppy);
    expect(result.ok && result.deviations.map((d) => d.code)).toStrictEqual(['QUOTES', 'SEPARATOR', 'SEPARATOR', 'LOWERCASE_CRC', 'LINE_ENDING']);
    expect(result.ok && encodeToString(result.message)).toBe('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
  });
});

describe('the CRC catches corruption of the bytes it covers', () => {
  it('every single-byte substitution in the fields of every PROTOCOL.md example is CRC, or FRAME where the byte cannot be in a field (exhaustive, both modes)', () => {
    let checked = 0;
    let frames = 0;
    for (const [text] of GOLDEN) {
      const frame = new TextEncoder().encode(text);
      for (const at of coveredFieldBytes(frame, { quotes: true, lineEnding: '\r\n', crc: 'CRC-16/MODBUS', crcCoverage: 'fields', crcByteOrder: 'highFirst', slotCount: 3 })) {
        if (frame[at] === 0x2c) continue; // a changed separator: FRAME or CRC, depending on the byte (envelope.test.ts)
        for (let byte = 0; byte < 256; byte++) {
          if (byte === frame[at]) continue;
          const corrupted = frame.slice();
          corrupted[at] = byte;
          const code = substitutionCode(frame, at, byte);
          for (const mode of ['lenient', 'strict'] as const) {
            const result = decode(corrupted, { mode });
            if (result.ok || result.error.code !== code) expect.fail(`${mode} ${JSON.stringify(new TextDecoder().decode(corrupted))}: ${result.ok ? 'accepted' : result.error.code}, not ${code}`);
          }
          checked++;
          if (code === 'FRAME') frames++;
        }
      }
    }
    // The covered fields of each example but its two commas, each changed to the 255 other bytes.
    expect(checked).toBe(GOLDEN.reduce((sum, [text]) => sum + (text.length - 13) * 255, 0));
    // Per position, FRAME for the 162 bytes outside '!'..'~' and for ',' '{' '}' '"'; in the
    // 15 bytes of the IMEI, for '.' and ';' as well.
    expect(frames).toBe(GOLDEN.reduce((sum, [text]) => sum + (text.length - 13) * 166 + 15 * 2, 0));
  });
});
