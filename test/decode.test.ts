import { describe, expect, it } from 'vitest';
import { decode, isProtocolError, type CrcCoverage, type CrcName, type DecodeOptions, type DecodeResult } from 'powerbank-codec';
import { canonicalFrame } from './support/reference.js';

const imei = '860123456789014';

function errorOf(result: DecodeResult) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.message)}`);
  return result.error;
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

  it('throws OPTIONS for options that are not an object', () => {
    expect(() => decode('{}', 'strict' as DecodeOptions)).toThrow(expect.objectContaining({ code: 'OPTIONS', field: 'options' }));
  });

  it('reuses the decoder of an options object until one of its fields changes', () => {
    const frame = canonicalFrame(`${imei},CC,BW.7.A`);
    const plain: DecodeOptions = { mode: 'lenient' };
    expect(decode(frame, plain).ok).toBe(false);
    expect(decode(frame, plain).ok).toBe(false);
    const options: {
      from?: 'device' | 'server';
      checkImei?: 'digits' | 'luhn';
      dialect: { slotCount: number; crcCoverage?: CrcCoverage; crc?: CrcName; lineEnding?: '\r\n' | '\n' | '' };
    } = { dialect: { slotCount: 8 } };
    const codeOf = () => {
      const result = decode(frame, options);
      return result.ok ? 'ok' : result.error.code;
    };
    expect(codeOf()).toBe('ok');
    expect(codeOf()).toBe('ok');
    options.from = 'device';
    expect(codeOf()).toBe('DIRECTION');
    options.from = 'server';
    options.checkImei = 'luhn';
    expect(codeOf()).toBe('ok');
    options.dialect.slotCount = 3;
    expect(codeOf()).toBe('DATA');
    options.dialect.slotCount = 8;
    options.dialect.crcCoverage = 'frame';
    expect(codeOf()).toBe('CRC');
    options.dialect.crcCoverage = 'fields';
    options.dialect.crc = 'CRC-16/XMODEM';
    expect(codeOf()).toBe('CRC');
    options.dialect.crc = 'CRC-16/MODBUS';
    options.dialect.lineEnding = '';
    expect(codeOf()).toBe('ok');
    expect(decode(`${frame.trimEnd()}\n`, options)).toMatchObject({ ok: true, deviations: [{ code: 'LINE_ENDING' }] });
  });

  it('describes a frame of the wrong type in the error', () => {
    expect(decode(Object.create(null) as string)).toMatchObject({ ok: false, error: { message: 'a frame is a Uint8Array or a string; got an object' } });
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
