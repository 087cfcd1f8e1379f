import { describe, expect, it } from 'vitest';
import { decode, encode, isProtocolError, type CrcCoverage, type CrcParams, type CrcName, type DecodeOptions, type DecodeResult, type Dialect } from 'powerbank-codec';
import { frameDecoderFor } from '../src/decode.js';
import { bitwiseCrc16, canonicalFrame } from './support/reference.js';

const modbus = { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 } as const;
const crcOf = (fields: Uint8Array) => bitwiseCrc16(fields, modbus).toString(16).toUpperCase().padStart(4, '0');

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
    expect(errorOf(decode(canonicalFrame(`${badImei},CH,`)))).toStrictEqual({ code: 'IMEI', offset: 2, imei: badImei, message });
  });

  it('shows a field of exactly 40 bytes whole, and cuts one of 41', () => {
    const forty = '1'.repeat(40);
    expect(errorOf(decode(canonicalFrame(`${forty},CH,`))).message).toBe(`IMEI "${forty}" at byte 2 is not 15 digits`);
    expect(errorOf(decode(canonicalFrame(`${forty}1,CH,`))).message).toBe(`IMEI "${forty}…" at byte 2 is not 15 digits`);
    expect(errorOf(decode(canonicalFrame(`${'2'.repeat(37)},CH,`))).message).toBe(`IMEI "${'2'.repeat(37)}" at byte 2 is not 15 digits`);
  });

  it.each(['86012345678901/', '/86012345678901', '86012345678901:'])('refuses %j, next to the digits in ASCII', (badImei) => {
    expect(errorOf(decode(canonicalFrame(`${badImei},CH,`)))).toStrictEqual({
      code: 'IMEI',
      offset: 2,
      imei: badImei,
      message: `IMEI "${badImei}" at byte 2 is not 15 digits`,
    });
  });

  it('finds the missing separator after an IMEI it has seen before', () => {
    const options: DecodeOptions = {};
    expect(decode(canonicalFrame(`${imei},CH,`), options).ok).toBe(true);
    // The body is the IMEI alone: the ',' after it is the one before the CRC.
    const expected = { code: 'FRAME', offset: 2, message: "the fields at byte 2 have no ',' where a frame has two (imei,command,data)" };
    expect(errorOf(decode(canonicalFrame(imei), options))).toStrictEqual(expected);
    expect(errorOf(decode(canonicalFrame(imei)))).toStrictEqual(expected);
  });

  it('checks again an IMEI it has seen before when it is followed by more than a comma', () => {
    const options: DecodeOptions = {};
    expect(decode(canonicalFrame(`${imei},CH,`), options).ok).toBe(true);
    expect(errorOf(decode(canonicalFrame(`${imei}7,CH,`), options))).toMatchObject({ code: 'IMEI', imei: `${imei}7` });
    expect(errorOf(decode(canonicalFrame(`${imei}.CH,`), options))).toStrictEqual({
      code: 'FRAME',
      offset: 17,
      message: "unexpected '.' at byte 17 in the IMEI field; the IMEI is followed by ','",
    });
  });

  // '.' and ';' stand for ',' as deviations only after the command word and before the CRC.
  it.each([
    ['a lend success', `${imei}.MC,BO.2.1234567890`, '.', 17],
    ['a heartbeat', `${imei};CH,`, ';', 17],
    ['a heartbeat, inside the IMEI', `8601234567.89014,CH,`, '.', 12],
  ])('names the byte of a wrong separator after the IMEI of %s, alike in both modes', (_, fields, byte, offset) => {
    const expected = { code: 'FRAME', offset, message: `unexpected '${byte}' at byte ${offset} in the IMEI field; the IMEI is followed by ','` };
    expect(errorOf(decode(canonicalFrame(fields)))).toStrictEqual(expected);
    expect(errorOf(decode(canonicalFrame(fields), { mode: 'strict' }))).toStrictEqual(expected);
  });

  it('checks the Luhn digit only when asked', () => {
    const frame = canonicalFrame('860123456789015,CH,');
    expect(decode(frame)).toMatchObject({ ok: true });
    expect(errorOf(decode(frame, { checkImei: 'luhn' }))).toStrictEqual({
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
    expect(errorOf(decode(canonicalFrame(`${imei},XX,1.2.3`)))).toStrictEqual({
      code: 'COMMAND',
      offset: 18,
      imei,
      word: 'XX',
      data: '1.2.3',
      message: 'unknown command word "XX" at byte 18',
    });
  });

  it('shows a command word of five letters whole in the message', () => {
    expect(errorOf(decode(canonicalFrame(`${imei},HELLO,`))).message).toBe('unknown command word "HELLO" at byte 18');
  });

  it.each([
    ['Bb', [0x42, 0x62]],
    ['B3', [0x42, 0x33]],
    ['A|', [0x41, 0x7c]],
    ['[A', [0x5b, 0x41]],
    ['A[', [0x41, 0x5b]],
    ['A@', [0x41, 0x40]],
  ])('refuses %s, two bytes outside A-Z that could pass for a known word in a table', (_, word) => {
    const fields = new Uint8Array([...new TextEncoder().encode(`${imei},`), ...word, 0x2c]);
    const frame = new Uint8Array([0x7b, 0x22, ...fields, ...new TextEncoder().encode(`,${crcOf(fields)}"}\r\n`)]);
    expect(errorOf(decode(frame))).toMatchObject({ code: 'COMMAND', offset: 18 });
  });

  it.each(['ch', 'C', 'CHX', '', 'C.H', 'XY;Z'])('refuses %j', (word) => {
    expect(errorOf(decode(canonicalFrame(`${imei},${word},`)))).toMatchObject({ code: 'COMMAND', word, data: '' });
  });

  it.each([
    ['E\\x14', [0x45, 0x14]],
    ['@\\x96', [0x40, 0x96]],
    ['C H', [0x43, 0x20, 0x48]],
  ])('refuses %s as FRAME: a byte outside ! to ~ is never part of a field', (_, word) => {
    const fields = new Uint8Array([...new TextEncoder().encode(`${imei},`), ...word, 0x2c]);
    const frame = new Uint8Array([0x7b, 0x22, ...fields, ...new TextEncoder().encode(`,${crcOf(fields)}"}\r\n`)]);
    for (const mode of ['lenient', 'strict'] as const) {
      expect(errorOf(decode(frame, { mode }))).toMatchObject({ code: 'FRAME', offset: 19, message: expect.stringContaining('at byte 19 inside the frame') });
    }
  });
});

describe('DATA', () => {
  // A stream bounds a frame by maxFrameLength, but decode takes any length.
  it.each([
    ['data where none is carried', `CH,${'A'.repeat(50)}`, 'CH data: CH carries no data, but "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…" was found at byte 21'],
    ['an unknown word', `MC,${'B'.repeat(50)}.1.A`, 'MC data: expected BO or RO at byte 21, found "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB…"'],
    ['a slot', `MC,BO.${'9'.repeat(50)}.A`, 'MC data: slot "9999999999999999999999999999999999999999…" at byte 24 is not a number from 1 to 3'],
    ['a slot without an id', `MC,BO.${'1'.repeat(50)}`, 'MC data: expected slot "." power-bank id at byte 24, found "1111111111111111111111111111111111111111…"'],
    ['a slot record', `AQ,${'1'.repeat(50)};`, 'AQ data: slot record "1111111111111111111111111111111111111111…" at byte 21 is not slot "." status'],
    ['a status', `AQ,1.${'F'.repeat(50)};`, 'AQ data: status "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF…" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
  ])('shows at most 40 bytes of a long field in the message: %s', (_, fields, message) => {
    expect(errorOf(decode(canonicalFrame(`${imei},${fields}`))).message).toBe(message);
  });
});

describe('FRAME inside the fields', () => {
  it("refuses a '}' inside the data field", () => {
    expect(errorOf(decode(canonicalFrame(`${imei},CC,BW.2.12}4`)))).toStrictEqual({
      code: 'FRAME',
      offset: 28,
      message: "unexpected '}' at byte 28 inside the frame's fields",
    });
  });
});

describe('DIRECTION', () => {
  it('refuses a server message among frames from the device', () => {
    expect(errorOf(decode(canonicalFrame(`${imei},CC,BW.1.A`), { from: 'device' }))).toStrictEqual({
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
    ['dialect.crcByteOrder', { dialect: { crcByteOrder: 'littleEndian' as 'lowFirst' } }],
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
    expect(() => decode('{}', null as unknown as DecodeOptions)).toThrow(expect.objectContaining({ code: 'OPTIONS', field: 'options' }));
  });

  it.each<[DecodeOptions | string | null, string]>([
    [{ mode: 'loose' as 'strict' }, `mode must be 'lenient' or 'strict'; got "loose"`],
    [{ from: 'cloud' as 'device' }, `from must be 'device' or 'server'; got "cloud"`],
    [{ checkImei: 'crc' as 'luhn' }, `checkImei must be 'digits' or 'luhn'; got "crc"`],
    ['strict', 'options must be an object; got "strict"'],
    [null, 'options must be an object; got null'],
    [{ dialect: { quotes: 'yes' as unknown as boolean } }, 'dialect.quotes must be a boolean'],
    [{ dialect: { lineEnding: '\r' as '\n' } }, `dialect.lineEnding must be '\\r\\n', '\\n' or ''; got "\\r"`],
    [{ dialect: { crcCoverage: 'all' as 'frame' } }, `dialect.crcCoverage must be 'fields', 'fieldsWithComma' or 'frame'; got "all"`],
    [{ dialect: { slotCount: 0 } }, 'dialect.slotCount must be an integer from 1 to 999; got 0'],
    [{ dialect: { crcByteOrder: 'big' as 'highFirst' } }, `dialect.crcByteOrder must be 'highFirst' or 'lowFirst'; got "big"`],
    [{ dialect: 'canonical' as unknown as NonNullable<DecodeOptions['dialect']> }, 'dialect must be an object; got "canonical"'],
    [{ dialect: null as unknown as NonNullable<DecodeOptions['dialect']> }, 'dialect must be an object; got null'],
  ])('says what is wrong with the options %j', (options, message) => {
    expect(() => decode('{}', options as DecodeOptions)).toThrow(message);
  });

  it('decodes with each field of an options object as it is at the call', () => {
    const options: {
      mode?: 'lenient' | 'strict';
      from?: 'device' | 'server';
      checkImei?: 'digits' | 'luhn';
      dialect?: { quotes?: boolean; lineEnding?: '\r\n' | '\n' | ''; crc?: CrcName; crcCoverage?: CrcCoverage; slotCount?: number };
    } = {};
    const outcome = (frame: string) => {
      const result = decode(frame, options);
      return result.ok ? result.deviations.map((deviation) => deviation.code).join() || 'ok' : result.error.code;
    };
    const unquoted = '{860123456789014,CH,,3FCE}\r\n';
    const lend = canonicalFrame(`${imei},CC,BW.3.A`);
    const notLuhn = canonicalFrame('860123456789015,CH,');

    expect(outcome(unquoted)).toBe('QUOTES');
    options.mode = 'strict';
    expect(outcome(unquoted)).toBe('FRAME');
    options.mode = 'lenient';
    expect(outcome(lend)).toBe('ok');
    options.from = 'device';
    expect(outcome(lend)).toBe('DIRECTION');
    delete options.from;
    expect(outcome(notLuhn)).toBe('ok');
    options.checkImei = 'luhn';
    expect(outcome(notLuhn)).toBe('IMEI');
    delete options.checkImei;

    options.dialect = { quotes: false };
    expect(outcome(unquoted)).toBe('ok');
    delete options.dialect;
    expect(outcome(unquoted)).toBe('QUOTES');
    options.dialect = {};
    expect(outcome(unquoted)).toBe('QUOTES');
    options.dialect.quotes = false;
    expect(outcome(unquoted)).toBe('ok');
    options.dialect.lineEnding = '\n';
    expect(outcome(unquoted)).toBe('LINE_ENDING');
    options.dialect.lineEnding = '\r\n';
    expect(outcome(unquoted)).toBe('ok');
    options.dialect.crc = 'CRC-16/XMODEM';
    expect(outcome(unquoted)).toBe('CRC');
    options.dialect.crc = 'CRC-16/MODBUS';
    options.dialect.crcCoverage = 'frame';
    expect(outcome(unquoted)).toBe('CRC');
    options.dialect.crcCoverage = 'fields';
    expect(outcome(unquoted)).toBe('ok');
    expect(outcome(lend)).toBe('QUOTES');
    options.dialect.slotCount = 2;
    expect(outcome(lend)).toBe('DATA');
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

describe('options, read on every call', () => {
  it('cost the same written fresh or kept: the same decoder when none are given, and the same results', () => {
    expect(frameDecoderFor(undefined)).toBe(frameDecoderFor(undefined));
    expect(frameDecoderFor({})).toBe(frameDecoderFor(undefined));
    const kept: DecodeOptions = { from: 'device', checkImei: 'luhn', dialect: { quotes: false, crc: 'CRC-16/XMODEM', slotCount: 9 } };
    const frame = encode({ type: 'Heartbeat', imei }, { dialect: kept.dialect! });
    expect(decode(frame, kept)).toEqual(decode(frame, { from: 'device', checkImei: 'luhn', dialect: { quotes: false, crc: 'CRC-16/XMODEM', slotCount: 9 } }));
  });

  it('take a change to the object or to its dialect on the next call', () => {
    const options: { mode?: 'strict'; dialect?: { quotes?: boolean } } = {};
    const unquoted = '{860123456789014,CH,,3FCE}\r\n';
    expect(decode(unquoted, options).ok).toBe(true);
    options.mode = 'strict';
    expect(decode(unquoted, options).ok).toBe(false);
    options.dialect = { quotes: false };
    expect(decode(unquoted, options).ok).toBe(true);
  });

  it('take a change inside custom CRC parameters on the next call', () => {
    const params = { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 } as { -readonly [K in keyof CrcParams]: CrcParams[K] };
    const options: DecodeOptions = { dialect: { crc: params } };
    expect(decode('{"860123456789014,CH,,3FCE"}', options).ok).toBe(true);
    params.init = 0;
    expect(decode('{"860123456789014,CH,,3FCE"}', options).ok).toBe(false);
    expect(decode(encode({ type: 'Heartbeat', imei }, { dialect: { crc: { ...params } } }), options).ok).toBe(true);
  });

  it('follows a CRC setting that goes from none to parameters, to a name, back, and to an invalid value', () => {
    const dialect: { crc?: CrcParams | CrcName | null } = {};
    const options = { dialect } as DecodeOptions;
    const frames = { modbus: '{"860123456789014,CH,,3FCE"}', xmodem: encode({ type: 'Heartbeat', imei }, { dialect: { crc: 'CRC-16/XMODEM' } }) };
    const verdicts = () => [decode(frames.modbus, options).ok, decode(frames.xmodem, options).ok];
    expect(verdicts()).toEqual([true, false]);
    dialect.crc = { width: 16, poly: 0x1021, init: 0, refin: false, refout: false, xorout: 0 }; // XMODEM's parameters
    expect(verdicts()).toEqual([false, true]);
    dialect.crc = 'CRC-16/MODBUS';
    expect(verdicts()).toEqual([true, false]);
    dialect.crc = { width: 16, poly: 0x1021, init: 0, refin: false, refout: false, xorout: 0 };
    expect(verdicts()).toEqual([false, true]);
    delete dialect.crc;
    expect(verdicts()).toEqual([true, false]);
    dialect.crc = { width: 16, poly: 0x1021, init: 0, refin: false, refout: false, xorout: 0 };
    expect(verdicts()).toEqual([false, true]);
    dialect.crc = null;
    expect(() => decode(frames.modbus, options)).toThrow(expect.objectContaining({ code: 'OPTIONS', field: 'crc' }));
  });

  it('refuse a dialect that is not an object', () => {
    expect(() => decode('{"860123456789014,CH,,3FCE"}', { dialect: 5 as unknown as Dialect })).toThrow(expect.objectContaining({ code: 'OPTIONS', field: 'dialect' }));
  });
});

describe('the deviations of a result', () => {
  it('belong to that result: a later decode does not change them', () => {
    const first = decode('{860123456789014,CH,,3fce}\n');
    const snapshot = JSON.stringify(first);
    decode('{"860123456789014,CH,.3FCE"}');
    decode(canonicalFrame(`${imei},CH,`));
    expect(JSON.stringify(first)).toBe(snapshot);
    expect(first.ok && first.deviations.map((deviation) => deviation.code)).toStrictEqual(['QUOTES', 'LOWERCASE_CRC', 'LINE_ENDING']);
  });

  it('are an empty frozen array when there are none', () => {
    const result = decode(canonicalFrame(`${imei},CH,`));
    expect(result.ok && result.deviations).toStrictEqual([]);
    expect(result.ok && Object.isFrozen(result.deviations)).toBe(true);
  });
});
