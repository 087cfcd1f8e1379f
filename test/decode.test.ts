import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, isProtocolError, type DecodeOptions, type DecodeResult } from 'powerbank-codec';
import { arbDialectAndMessage } from './support/arbitraries.js';
import { canonicalFrame } from './support/reference.js';

const imei = '860123456789014';

function errorOf(result: DecodeResult) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.message)}`);
  return result.error;
}

/** True when `result` has exactly the documented shape. */
function isWellFormed(result: DecodeResult): boolean {
  if (result.ok) {
    return typeof result.message?.type === 'string' && typeof result.message.imei === 'string' && Array.isArray(result.deviations);
  }
  const { code, message, offset } = result.error;
  return (
    ['FRAME', 'CRC', 'IMEI', 'COMMAND', 'DATA', 'DIRECTION'].includes(code) &&
    typeof message === 'string' &&
    message.length > 0 &&
    Number.isInteger(offset) &&
    offset >= 0
  );
}

describe('IMEI', () => {
  it.each([
    ['14 digits', '86012345678901', 'IMEI "86012345678901" at byte 2 is not 15 digits'],
    ['16 digits', '8601234567890141', 'IMEI "8601234567890141" at byte 2 is not 15 digits'],
    ['a letter', '86012345678901A', 'IMEI "86012345678901A" at byte 2 is not 15 digits'],
    ['nothing', '', 'IMEI "" at byte 2 is not 15 digits'],
    ['a long run', '1'.repeat(50), `IMEI "${'1'.repeat(40)}…" at byte 2 is not 15 digits`],
  ])('refuses %s', (_, badImei, message) => {
    expect(errorOf(decode(canonicalFrame(`${badImei},CH,`)))).toEqual({ code: 'IMEI', offset: 2, imei: badImei, message });
  });

  it('checks the Luhn digit only when asked', () => {
    const frame = canonicalFrame('860123456789015,CH,');
    expect(decode(frame)).toMatchObject({ ok: true });
    expect(errorOf(decode(frame, { checkImei: 'luhn' }))).toEqual({
      code: 'IMEI',
      offset: 2,
      imei: '860123456789015',
      message: 'IMEI 860123456789015 at byte 2 fails the Luhn check on its last digit (byte 16)',
    });
    expect(decode(canonicalFrame('490154203237518,CH,'), { checkImei: 'luhn' })).toMatchObject({ ok: true });
  });
});

describe('COMMAND', () => {
  it('refuses an unknown word and hands back the word and the data', () => {
    expect(errorOf(decode(canonicalFrame(`${imei},XX,1.2.3`)))).toEqual({
      code: 'COMMAND',
      offset: 18,
      imei,
      word: 'XX',
      data: '1.2.3',
      message: 'unknown command word "XX" at byte 18',
    });
  });

  it.each(['ch', 'C', 'CHX', '', 'C H'])('refuses %j', (word) => {
    expect(errorOf(decode(canonicalFrame(`${imei},${word},`)))).toMatchObject({ code: 'COMMAND', word, data: '' });
  });
});

describe('DIRECTION', () => {
  it('refuses a server message among frames from the device', () => {
    expect(errorOf(decode(canonicalFrame(`${imei},CC,BW.1.A`), { from: 'device' }))).toEqual({
      code: 'DIRECTION',
      offset: 18,
      imei,
      messageType: 'LendRequest',
      message: 'LendRequest (CC at byte 18) is sent by the server, but these frames come from the device',
    });
  });

  it('refuses a device message among frames from the server', () => {
    expect(errorOf(decode(canonicalFrame(`${imei},MC,BO.1.A`), { from: 'server' }))).toMatchObject({ code: 'DIRECTION', messageType: 'LendSuccess' });
  });

  it('accepts either side when from is not set', () => {
    expect(decode(canonicalFrame(`${imei},CC,BW.1.A`))).toMatchObject({ ok: true });
    expect(decode(canonicalFrame(`${imei},MC,BO.1.A`))).toMatchObject({ ok: true });
  });
});

describe('the order of the checks: FRAME, CRC, IMEI, COMMAND, DATA, DIRECTION', () => {
  const codeOf = (frame: string, options?: DecodeOptions) => errorOf(decode(frame, options)).code;

  it('reports a broken envelope before a wrong CRC', () => {
    expect(codeOf('{"860123456789014,CH,,0000')).toBe('FRAME');
  });
  it('reports a wrong CRC before a bad IMEI, command or data', () => {
    expect(codeOf('{"86012345678901,XX,junk,0000"}')).toBe('CRC');
  });
  it('reports a bad IMEI before an unknown command', () => {
    expect(codeOf(canonicalFrame('86012345678901,XX,junk'))).toBe('IMEI');
  });
  it('reports an unknown command before bad data', () => {
    expect(codeOf(canonicalFrame(`${imei},XX,junk`))).toBe('COMMAND');
  });
  it('reports bad data before the direction', () => {
    expect(codeOf(canonicalFrame(`${imei},CC,junk`), { from: 'device' })).toBe('DATA');
  });
  it('reports a strict-mode envelope deviation before a wrong CRC', () => {
    expect(codeOf('{860123456789014,CH,,0000}', { mode: 'strict' })).toBe('FRAME');
  });
});

describe('options', () => {
  it.each<[string, DecodeOptions]>([
    ['mode', { mode: 'loose' as 'strict' }],
    ['from', { from: 'cloud' as 'device' }],
    ['checkImei', { checkImei: 'crc' as 'luhn' }],
    ['dialect.slotCount', { dialect: { slotCount: 0 } }],
    ['dialect.slotCount', { dialect: { slotCount: 1000 } }],
    ['dialect.slotCount', { dialect: { slotCount: 2.5 } }],
    ['dialect.quotes', { dialect: { quotes: 'yes' as unknown as boolean } }],
    ['dialect.lineEnding', { dialect: { lineEnding: '\r' as '\n' } }],
    ['dialect.crcCoverage', { dialect: { crcCoverage: 'all' as 'frame' } }],
    ['crc', { dialect: { crc: 'CRC-16/NONE' as 'none' } }],
  ])('throws OPTIONS for an invalid %s (a programming error, not bad input)', (field, options) => {
    let caught: unknown;
    try {
      decode('{"860123456789014,CH,,3FCE"}', options);
    } catch (error) {
      caught = error;
    }
    expect(isProtocolError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'OPTIONS', field });
  });

  it('notices an options object changed between calls', () => {
    const options: { mode: 'lenient' | 'strict'; dialect: { quotes: boolean } } = { mode: 'lenient', dialect: { quotes: true } };
    const frame = '{860123456789014,CH,,3FCE}';
    expect(decode(frame, options).ok).toBe(true);
    options.mode = 'strict';
    expect(decode(frame, options).ok).toBe(false);
    options.dialect.quotes = false;
    expect(decode(frame, options).ok).toBe(true);
  });
});

describe('decode never throws', () => {
  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom<DecodeOptions>({}, { mode: 'strict' }, { dialect: { crc: 'none' } }), (bytes, options) =>
        isWellFormed(decode(bytes, options)),
      ),
      { numRuns: 10_000 },
    );
  });

  it('on arbitrary bytes inside braces and quotes', () => {
    const body = fc.uint8Array({ maxLength: 200 });
    fc.assert(
      fc.property(body, (bytes) => {
        const frame = new Uint8Array([0x7b, 0x22, ...bytes, 0x22, 0x7d, 0x0d, 0x0a]);
        return isWellFormed(decode(frame)) && isWellFormed(decode(frame, { mode: 'strict', from: 'device', checkImei: 'luhn' }));
      }),
      { numRuns: 10_000 },
    );
  });

  it('on arbitrary strings, including ones built from protocol characters', () => {
    const protocolText = fc
      .array(fc.constantFrom(...'{}",.;\r\n0123456789ABCDEFCHQMRWOTUNabcdef'), { maxLength: 120 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), protocolText), (text) => isWellFormed(decode(text))),
      { numRuns: 10_000 },
    );
  });

  it('on valid frames of any dialect with bytes changed, inserted or removed', () => {
    const mutation = fc.record({ kind: fc.constantFrom('replace', 'insert', 'delete'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(arbDialectAndMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }), ({ dialect, message }, mutations) => {
        const bytes = Array.from(encode(message, { dialect }));
        for (const { kind, at, byte } of mutations) {
          const index = at % (bytes.length + 1);
          if (kind === 'replace') bytes[index % bytes.length] = byte;
          else if (kind === 'insert') bytes.splice(index, 0, byte);
          else bytes.splice(index % bytes.length, 1);
        }
        const frame = new Uint8Array(bytes);
        return isWellFormed(decode(frame, { dialect })) && isWellFormed(decode(frame, { dialect, mode: 'strict' }));
      }),
      { numRuns: 5_000 },
    );
  });
});
