import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decode, type DecodeOptions, type DecodeResult, type DeviationCode } from 'powerbank-codec';
import { bitwiseCrc16, canonicalFrame, referenceFrame } from './support/reference.js';

const heartbeat = { type: 'Heartbeat', imei: '860123456789014' } as const;
const lendSuccess = { type: 'LendSuccess', imei: '860123456789014', slot: 2, powerBankId: '1234567890' } as const;
const modbus = { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 } as const;

function errorOf(result: DecodeResult) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.message)}`);
  return result.error;
}

describe('envelope errors (FRAME)', () => {
  it.each([
    ['an empty input', '', 0, "a frame starts with '{', found the end of the frame at byte 0"],
    ['no opening brace', '"860123456789014,CH,,3FCE"}', 0, `a frame starts with '{', found '"' at byte 0`],
    ['leading whitespace', ' {"860123456789014,CH,,3FCE"}', 0, "a frame starts with '{', found ' ' at byte 0"],
    ['no closing brace', '{"860123456789014,CH,,3FCE"', 26, `a frame ends with '}' (before its line ending), found '"' at byte 26`],
    ['a lone brace', '{', 1, "a frame ends with '}' (before its line ending), found the end of the frame at byte 1"],
    ['bytes after the line ending', '{"860123456789014,CH,,3FCE"}\r\nX', 30, "a frame ends with '}' (before its line ending), found 'X' at byte 30"],
    ['an opening quote only', '{"860123456789014,CH,,3FCE}', 1, "the quote at byte 1 has no closing quote before '}' at byte 26"],
    ['a closing quote only', '{860123456789014,CH,,3FCE"}', 25, "the quote at byte 25 has no opening quote after '{' at byte 0"],
    ['a single quote', '{"}', 1, "the quote at byte 1 has no closing quote before '}' at byte 2"],
    ['a body too short for a CRC', '{"3FCE"}', 2, 'the body at byte 2 is too short to end in a separator and a four-digit CRC'],
    ['a CRC that is not hex', '{"860123456789014,CH,,3FCG"}', 22, 'the CRC field "3FCG" at byte 22 is not four hex digits'],
    ['a three-digit CRC', '{"860123456789014,CH,,FCE"}', 21, 'the CRC field ",FCE" at byte 21 is not four hex digits'],
    ['a five-digit CRC', '{"860123456789014,CH,,03FCE"}', 22, "expected ',' before the CRC at byte 22, found '0'"],
    ['a missing separator after the IMEI', canonicalFrame('860123456789014CH'), 2, "expected ',' after the IMEI at byte 2; the body has no field separator"],
    ['a missing data field', canonicalFrame('860123456789014,CH'), 18, "expected ',' after the command word at byte 18; the frame has no data field"],
    ['an extra field', canonicalFrame('860123456789014,CC,BW,2,1234567890'), 23, "unexpected ',' at byte 23: a frame has exactly four fields (imei,command,data,crc) and data holds no ','"],
    ['a brace inside the fields', canonicalFrame('860123456789014,CC,BW.2.12{4'), 28, "unexpected '{' at byte 28 inside the frame's fields"],
    ['a quote inside the fields', canonicalFrame('860123456789014,CC,BW.2.12"4'), 28, `unexpected '"' at byte 28 inside the frame's fields`],
  ])('%s', (_, frame, offset, message) => {
    expect(errorOf(decode(frame))).toStrictEqual({ code: 'FRAME', offset, message });
  });

  it.each([
    ['a colon', '3FC:'],
    ["an '@'", '3FC@'],
    ["a 'Z'", '3FCZ'],
    ['a backtick', '3FC`'],
    ["a 'g'", '3FCg'],
    ['a space', '3FC '],
  ])('refuses a CRC field with %s, next to the hex digits in ASCII', (_, crc) => {
    expect(errorOf(decode(`{"860123456789014,CH,,${crc}"}`))).toStrictEqual({
      code: 'FRAME',
      offset: 22,
      message: `the CRC field "${crc}" at byte 22 is not four hex digits`,
    });
  });

  it.each([
    ['"{}"', '{}', 1, 'the body at byte 1 is too short to end in a separator and a four-digit CRC'],
    ['a brace and one byte', '{X', 1, "a frame ends with '}' (before its line ending), found 'X' at byte 1"],
    ['empty quotes', '{""}', 2, 'the body at byte 2 is too short to end in a separator and a four-digit CRC'],
  ])('tells the shortest frames apart: %s', (_, frame, offset, message) => {
    expect(errorOf(decode(frame))).toStrictEqual({ code: 'FRAME', offset, message });
  });

  it('reads a body of exactly a separator and a CRC as a frame without fields', () => {
    // CRC-16/MODBUS of no bytes is FFFF: the envelope is sound, the fields are missing.
    expect(errorOf(decode('{",FFFF"}'))).toStrictEqual({
      code: 'FRAME',
      offset: 2,
      message: "expected ',' after the IMEI at byte 2; the body has no field separator",
    });
  });

  it('reports a stray field separator before an error of a later check', () => {
    // Unknown command word and an extra comma: the envelope is checked first.
    expect(errorOf(decode(canonicalFrame('860123456789014,XX,A,B'))).code).toBe('FRAME');
    expect(errorOf(decode(canonicalFrame('86012345678901,CH,A,B'))).code).toBe('FRAME');
  });

  it('refuses what is not bytes or a string, without throwing', () => {
    for (const input of [undefined, null, 42, {}, [0x7b]]) {
      expect(errorOf(decode(input as unknown as string))).toMatchObject({ code: 'FRAME', offset: 0 });
    }
    expect(errorOf(decode(null as unknown as string)).message).toBe('a frame is a Uint8Array or a string; got null');
    expect(errorOf(decode([1] as unknown as string)).message).toBe('a frame is a Uint8Array or a string; got Array');
  });

  it('reads an ArrayBuffer, a DataView, another typed array and a Uint8Array of another realm as their bytes', () => {
    const bytes = new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\r\n');
    const heartbeat = { ok: true, message: { type: 'Heartbeat', imei: '860123456789014' } };
    const shared = new SharedArrayBuffer(bytes.length);
    new Uint8Array(shared).set(bytes);
    for (const input of [bytes.buffer, shared, new DataView(bytes.buffer), new Uint16Array(bytes.buffer), runInNewContext('new Uint8Array(bytes)', { bytes: [...bytes] })]) {
      expect(decode(input as Uint8Array)).toMatchObject(heartbeat);
    }
    // Only the view's own bytes, not the rest of its buffer.
    const padded = new Uint8Array([0x41, ...bytes, 0x42]);
    expect(decode(new DataView(padded.buffer, 1, bytes.length) as unknown as Uint8Array)).toMatchObject(heartbeat);
    // A detached buffer holds no bytes: an empty frame.
    const detached = new ArrayBuffer(8);
    const view = new DataView(detached);
    structuredClone(detached, { transfer: [detached] });
    const empty = { code: 'FRAME', offset: 0, message: "a frame starts with '{', found the end of the frame at byte 0" };
    expect(errorOf(decode(view as unknown as Uint8Array))).toStrictEqual(empty);
    expect(errorOf(decode(detached as unknown as Uint8Array))).toStrictEqual(empty);
  });
});

describe('CRC errors', () => {
  it('carries the expected and received values and names the covered bytes', () => {
    expect(errorOf(decode('{"860123456789014,CH,,3FCF"}\r\n'))).toStrictEqual({
      code: 'CRC',
      offset: 22,
      expected: 0x3fce,
      received: 0x3fcf,
      message: 'CRC 3FCF at byte 22 does not match 3FCE, the CRC-16/MODBUS of bytes 2..20',
    });
  });

  it('detects a changed data byte', () => {
    expect(errorOf(decode('{"860123456789014,MC,BO.3.1234567890,88DD"}')).code).toBe('CRC');
    expect(errorOf(decode('{"860123456789014,MC,BO.2.1234567890,88DD"}'.replace('MC', 'AM'))).code).toBe('CRC');
  });

  it('reads a corruption inside the covered bytes as CRC, even where it breaks the grammar', () => {
    const frame = '{"860123456789014,MC,BO.2.1234567890,88DD"}';
    for (const corrupt of [
      frame.replace('BO.2', 'BO,2'),
      frame.replace('860123456789014,', '860123456789014.'),
      frame.replace('MC,', 'MC"'),
      frame.replace('1234567890', '12345}7890'),
      frame.replace('8601', '860A'),
    ]) {
      expect(errorOf(decode(corrupt)).code, corrupt).toBe('CRC');
    }
  });

  it('is checked over the bytes as received, lowercase or odd separators included', () => {
    const withDot = canonicalFrame('860123456789014,MC.BO.2.1234567890');
    expect(decode(withDot)).toMatchObject({ ok: true, message: lendSuccess });
    expect(errorOf(decode(withDot.replace('MC.', 'MC,'))).code).toBe('CRC');
  });
});

describe('section 7 deviations: accepted and listed in lenient mode, FRAME in strict mode', () => {
  const cases: Array<[string, string, DeviationCode, number, string, DecodeOptions?]> = [
    ['no inner quotes', '{860123456789014,CH,,3FCE}\r\n', 'QUOTES', 1, `the body is not in quotes: expected '"' at byte 1`],
    [
      'quotes in a dialect without them',
      '{"860123456789014,CH,,3FCE"}\r\n',
      'QUOTES',
      1,
      'the body is in quotes (byte 1), which this dialect does not use',
      { dialect: { quotes: false } },
    ],
    ['a lone LF', '{"860123456789014,CH,,3FCE"}\n', 'LINE_ENDING', 28, `line ending "\\n" at byte 28; the dialect's is "\\r\\n"`],
    ['a lone CR', '{"860123456789014,CH,,3FCE"}\r', 'LINE_ENDING', 28, `line ending "\\r" at byte 28; the dialect's is "\\r\\n"`],
    [
      'CRLF where the dialect has LF',
      '{"860123456789014,CH,,3FCE"}\r\n',
      'LINE_ENDING',
      28,
      `line ending "\\r\\n" at byte 28; the dialect's is "\\n"`,
      { dialect: { lineEnding: '\n' } },
    ],
    [
      'a line ending where the dialect has none',
      '{"860123456789014,CH,,3FCE"}\n',
      'LINE_ENDING',
      28,
      `line ending "\\n" at byte 28; the dialect's is none`,
      { dialect: { lineEnding: '' } },
    ],
    ["'.' after the command word", canonicalFrame('860123456789014,CH.'), 'SEPARATOR', 20, "separator '.' after the command word at byte 20; the canonical separator is ','"],
    ["';' after the command word", canonicalFrame('860123456789014,CH;'), 'SEPARATOR', 20, "separator ';' after the command word at byte 20; the canonical separator is ','"],
    ["'.' before the CRC", '{"860123456789014,CH,.3FCE"}', 'SEPARATOR', 21, "separator '.' before the CRC at byte 21; the canonical separator is ','"],
    ["';' before the CRC", '{"860123456789014,CH,;3FCE"}', 'SEPARATOR', 21, "separator ';' before the CRC at byte 21; the canonical separator is ','"],
    ['lowercase hex in the CRC', '{"860123456789014,CH,,3fce"}', 'LOWERCASE_CRC', 22, 'the CRC "3fce" at byte 22 is in lowercase hex'],
  ];

  it.each(cases)('%s', (_, frame, code, offset, message, options = {}) => {
    expect(decode(frame, options)).toStrictEqual({ ok: true, message: heartbeat, deviations: [{ code, offset, message }] });
    expect(errorOf(decode(frame, { ...options, mode: 'strict' }))).toStrictEqual({ code: 'FRAME', offset, message, deviation: code });
  });

  it('is no deviation when the frame has no line ending at all', () => {
    for (const lineEnding of ['\r\n', '\n', ''] as const) {
      expect(decode('{"860123456789014,CH,,3FCE"}', { mode: 'strict', dialect: { lineEnding } })).toMatchObject({ ok: true });
    }
  });

  it('lists several deviations in byte order', () => {
    const frame = canonicalFrame('860123456789014,CH.', { separator: ';', quotes: false, lineEnding: '\n' }).replace(/[0-9A-F]{4}}/, (crc) => crc.toLowerCase());
    const lenient = decode(frame);
    expect(lenient.ok && lenient.deviations.map((d) => [d.code, d.offset])).toStrictEqual([
      ['QUOTES', 1],
      ['SEPARATOR', 19],
      ['SEPARATOR', 20],
      ['LOWERCASE_CRC', 21],
      ['LINE_ENDING', 26],
    ]);
  });

  it('accepts the vendor document\'s own layout with both separators as dots', () => {
    const frame = canonicalFrame('860123456789014,CC.BW.2.1234567890', { separator: '.' });
    const result = decode(frame);
    expect(result.ok && result.message).toStrictEqual({ type: 'LendRequest', imei: '860123456789014', slot: 2, powerBankId: '1234567890' });
    expect(result.ok && result.deviations.map((d) => d.code)).toStrictEqual(['SEPARATOR', 'SEPARATOR']);
  });

  it('refuses a separator before the CRC other than , . ;', () => {
    expect(errorOf(decode('{"860123456789014,CH,:3FCE"}'))).toStrictEqual({
      code: 'FRAME',
      offset: 21,
      message: "expected ',' before the CRC at byte 21, found ':'",
    });
  });
});

describe('dialects', () => {
  const fields = ['860123456789014', 'MC', 'BO.2.1234567890'] as const;

  it.each(['fields', 'fieldsWithComma', 'frame'] as const)('checks CRC coverage %s', (crcCoverage) => {
    for (const quotes of [true, false]) {
      const frame = referenceFrame(...fields, { quotes, lineEnding: '\r\n', crc: modbus, crcCoverage });
      expect(decode(frame, { mode: 'strict', dialect: { quotes, crcCoverage } })).toStrictEqual({ ok: true, message: lendSuccess, deviations: [] });
      const other = crcCoverage === 'fields' ? 'frame' : 'fields';
      expect(errorOf(decode(frame, { dialect: { quotes, crcCoverage: other } })).code).toBe('CRC');
    }
  });

  it('covers the separator before the CRC as received in fieldsWithComma', () => {
    const frame = referenceFrame(...fields, { quotes: true, lineEnding: '', crc: modbus, crcCoverage: 'fieldsWithComma' });
    const dotted = frame.replace(/,([0-9A-F]{4})"/, '.$1"');
    expect(errorOf(decode(dotted, { dialect: { crcCoverage: 'fieldsWithComma' } })).code).toBe('CRC');
    const corrupted = frame.replace(/,([0-9A-F]{4})"/, 'X$1"');
    expect(errorOf(decode(corrupted, { dialect: { crcCoverage: 'fieldsWithComma' } })).code).toBe('CRC');
  });

  it('checks the covered separator before the CRC after the CRC itself', () => {
    const fields = '860123456789014,MC,BO.2.1234567890:';
    const crc = bitwiseCrc16(new TextEncoder().encode(fields), modbus);
    const frame = `{"${fields}${crc.toString(16).toUpperCase().padStart(4, '0')}"}`;
    expect(errorOf(decode(frame, { dialect: { crcCoverage: 'fieldsWithComma' } }))).toStrictEqual({
      code: 'FRAME',
      offset: 36,
      message: "expected ',' before the CRC at byte 36, found ':'",
    });
  });

  it('decodes frames without a CRC field', () => {
    expect(decode('{"860123456789014,MC,BO.2.1234567890"}\r\n', { mode: 'strict', dialect: { crc: 'none' } })).toStrictEqual({
      ok: true,
      message: lendSuccess,
      deviations: [],
    });
    expect(errorOf(decode('{"860123456789014,MC,BO.2.1234567890,88DD"}', { dialect: { crc: 'none' } }))).toMatchObject({
      code: 'FRAME',
      offset: 36,
    });
  });

  it('refuses, in strict mode, the wrong line ending of a frame without a CRC field', () => {
    const frame = '{"860123456789014,CH,"}\n';
    const message = `line ending "\\n" at byte 23; the dialect's is "\\r\\n"`;
    expect(decode(frame, { dialect: { crc: 'none' } })).toStrictEqual({
      ok: true,
      message: heartbeat,
      deviations: [{ code: 'LINE_ENDING', offset: 23, message }],
    });
    expect(errorOf(decode(frame, { mode: 'strict', dialect: { crc: 'none' } }))).toStrictEqual({
      code: 'FRAME',
      offset: 23,
      message,
      deviation: 'LINE_ENDING',
    });
  });

  it('uses the algorithm it is given, by name or parameters', () => {
    const xmodem = { width: 16, poly: 0x1021, init: 0, refin: false, refout: false, xorout: 0 } as const;
    const frame = referenceFrame(...fields, { quotes: true, lineEnding: '\r\n', crc: xmodem, crcCoverage: 'fields' });
    expect(decode(frame, { dialect: { crc: 'CRC-16/XMODEM' } })).toMatchObject({ ok: true, message: lendSuccess });
    expect(decode(frame, { dialect: { crc: xmodem } })).toMatchObject({ ok: true, message: lendSuccess });
    expect(errorOf(decode(frame)).code).toBe('CRC');
  });
});
