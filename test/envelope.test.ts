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
    ['no closing brace', '{"860123456789014,CH,,3FCE"', 27, `the input ends at byte 27 without the '}' that closes the frame after the quote at byte 26`],
    ['no closing brace before the line ending', '{"860123456789014,CH,,3FCE"\r\n', 27, `the line ending at byte 27 comes without the '}' that closes the frame after the quote at byte 26`],
    ['no closing quote and brace', '{"860123456789014,CH,,3FCE\r\n', 26, `the line ending at byte 26 comes without the frame's closing '"}'`],
    ['a lone brace', '{', 1, "the input ends at byte 1 without the frame's closing '}'"],
    ['bytes after the line ending', '{"860123456789014,CH,,3FCE"}\r\nX', 30, "unexpected 'X' at byte 30 after the frame's closing '}' at byte 27 and its line ending; only a line ending may follow '}'"],
    ['an opening quote only', '{"860123456789014,CH,,3FCE}', 1, "the quote at byte 1 has no closing quote before '}' at byte 26"],
    ['a closing quote only', '{860123456789014,CH,,3FCE"}', 25, "the quote at byte 25 has no opening quote after '{' at byte 0"],
    ['a single quote', '{"}', 1, "the quote at byte 1 has no closing quote before '}' at byte 2"],
    ['a body without a separator', '{"3FCE"}', 2, 'the body "3FCE" at byte 2 has no field separator; a frame holds imei,command,data,crc'],
    ['a CRC that is not hex', '{"860123456789014,CH,,3FCG"}', 22, 'the CRC field "3FCG" at byte 22 is not four hex digits'],
    ['a quote inside the CRC field', '{"860123456789014,CH,,3F"E"}', 24, `unexpected '"' at byte 24 inside the frame's fields`],
    ['a three-digit CRC', '{"860123456789014,CH,,FCE"}', 22, 'the CRC field "FCE" at byte 22 has 3 hex digits; a CRC has four'],
    ['a five-digit CRC', '{"860123456789014,CH,,03FCE"}', 22, 'the CRC field "03FCE" at byte 22 has 5 hex digits; a CRC has four'],
    ['a one-digit CRC', '{"860123456789014,MC,BO.2.1234567890,8"}', 37, 'the CRC field "8" at byte 37 has 1 hex digit; a CRC has four'],
    ['an empty CRC field', '{"860123456789014,MC,BO.2.1234567890,"}', 37, 'the CRC field at byte 37 is empty; a CRC is four hex digits'],
    ['a CRC field with no separator before it', '{"860123456789014,CH3FCE"}', 19, "expected ',' before the CRC at byte 19, found 'H'"],
    ['a missing separator after the IMEI', canonicalFrame('860123456789014CH'), 2, "the fields at byte 2 have no ',' where a frame has two (imei,command,data)"],
    ['a missing data field', canonicalFrame('860123456789014,CH'), 17, "the fields have one ',' (at byte 17) where a frame has two (imei,command,data): a field separator is missing"],
    ['a missing separator after the IMEI, before a lend', canonicalFrame('860123456789014MC,BO.2.1234567890'), 19, "the fields have one ',' (at byte 19) where a frame has two (imei,command,data): a field separator is missing"],
    ['an extra field', canonicalFrame('860123456789014,CC,BW,2,1234567890'), 23, "unexpected ',' at byte 23: a frame has exactly four fields (imei,command,data,crc) and data holds no ',' (',' at bytes 17, 20, 23, 25)"],
    ['an extra field in the IMEI', canonicalFrame('860,123456789014,MC,BO.2.1234567890'), 21, "unexpected ',' at byte 21: a frame has exactly four fields (imei,command,data,crc) and data holds no ',' (',' at bytes 5, 18, 21)"],
    ['a brace after the opening brace', '{{"860123456789014,CH,,3FCE"}', 1, "unexpected '{' at byte 1 inside the frame's fields"],
    ['a stray closing brace', canonicalFrame('8601}23456789014,CH,'), 6, "unexpected '}' at byte 6 inside the frame's fields"],
    ['a stray closing brace in a body without quotes', '{8601}23456789014,CH,,3FCE}', 5, "unexpected '}' at byte 5 inside the frame's fields"],
    ['a second closing brace', '{"860123456789014,CH,,3FCE"}}', 28, "unexpected '}' at byte 28 after the frame's closing '}' at byte 27; only a line ending may follow '}'"],
    ['a second closing brace without quotes', '{860123456789014,CH,,3FCE}}', 26, "unexpected '}' at byte 26 after the frame's closing '}' at byte 25; only a line ending may follow '}'"],
    ['a doubled closing quote', '{"860123456789014,CH,,3FCE""}', 26, `unexpected '"' at byte 26 inside the frame's fields`],
    ['a NUL byte after the brace', '{"860123456789014,CH,,3FCE"}\0', 28, "unexpected 0x00 at byte 28 after the frame's closing '}' at byte 27; only a line ending may follow '}'"],
    ['a blank line after the frame', '{"860123456789014,CH,,3FCE"}\r\n\r\n', 30, "unexpected 0x0D at byte 30 after the frame's closing '}' at byte 27 and its line ending; only a line ending may follow '}'"],
    ['LF then CR', '{"860123456789014,CH,,3FCE"}\n\r', 29, "unexpected 0x0D at byte 29 after the frame's closing '}' at byte 27 and its line ending; only a line ending may follow '}'"],
    ['a second frame', '{"860123456789014,CH,,3FCE"}\r\n{"860123456789014,CH,,3FCE"}\r\n', 30, "a second frame starts at byte 30, after the '}' at byte 27: decode takes one frame"],
    ['two frames run together', '{"860123456789014,CH,,3FCE"}{"860123456789014,CH,,3FCE"}', 28, "a second frame starts at byte 28, after the '}' at byte 27: decode takes one frame"],
    ['a NUL byte in the data', canonicalFrame('860123456789014,CC,BW.2.1\u00004'), 27, "unexpected 0x00 at byte 27 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['a line feed in the data', canonicalFrame('860123456789014,CC,BW.2.1\n4'), 27, "unexpected 0x0A at byte 27 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['a space after a separator', canonicalFrame('860123456789014, CH,'), 18, "unexpected ' ' at byte 18 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['a DEL byte', canonicalFrame('860123456789014,CC,BW.2.1\u007f'), 27, "unexpected 0x7F at byte 27 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['a non-ASCII character', canonicalFrame('860123456789014,CC,BW.2.\u00e9'), 26, "unexpected 0xC3 at byte 26 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['a separator inside the IMEI', canonicalFrame('8601234567.89014,CH,'), 12, "unexpected '.' at byte 12 in the IMEI field; the IMEI is followed by ','"],
    ['a brace inside the fields', canonicalFrame('860123456789014,CC,BW.2.12{4'), 28, "unexpected '{' at byte 28 inside the frame's fields"],
    ['a quote inside the fields', canonicalFrame('860123456789014,CC,BW.2.12"4'), 28, `unexpected '"' at byte 28 inside the frame's fields`],
    ['a brace right after the opening quote', '{"{860123456789014,CH,,3FCE"}', 2, "unexpected '{' at byte 2 inside the frame's fields"],
    ['a space before the closing brace', '{"860123456789014,CH,,3FCE }', 26, "unexpected ' ' at byte 26 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['a lone LF where the frame closes', '{"860123456789014,CH,,3FCE\n', 26, `the line ending at byte 26 comes without the frame's closing '"}'`],
    ['a lone CR where the frame closes', '{"860123456789014,CH,,3FCE\r', 26, `the line ending at byte 26 comes without the frame's closing '"}'`],
    ['a tab at the end of the input', '{"860123456789014,CH,,3FCE\t', 26, "unexpected 0x09 at byte 26 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['a space, a byte and no brace without quotes', '{860123456789014,CH,,3FCE X', 25, "unexpected ' ' at byte 25 inside the frame's fields: a frame holds only visible ASCII, '!' to '~'"],
    ['bytes after the closing brace without quotes', '{860123456789014,CH,,3FCE}XY', 26, "unexpected 'X' at byte 26 after the frame's closing '}' at byte 25; only a line ending may follow '}'"],
    ["a '.' before the CRC right after the command word, and one ','", '{"860123456789014,CH.3FCE"}', 17, "the fields have one ',' (at byte 17) where a frame has two (imei,command,data): a field separator is missing"],
    ["a body of a '.' and a CRC", '{.3FCE}', 1, "the fields at byte 1 have no ',' where a frame has two (imei,command,data)"],
  ])('%s', (_, frame, offset, message) => {
    expect(errorOf(decode(frame))).toStrictEqual({ code: 'FRAME', offset, message });
  });

  it.each([
    ['a colon', '3FC:'],
    ["an '@'", '3FC@'],
    ["a 'Z'", '3FCZ'],
    ['a backtick', '3FC`'],
    ["a '/'", '3FC/'],
    ["a 'g'", '3FCg'],
    ['a tilde', '3FC~'],
  ])('refuses a CRC field with %s, next to the hex digits in ASCII', (_, crc) => {
    expect(errorOf(decode(`{"860123456789014,CH,,${crc}"}`))).toStrictEqual({
      code: 'FRAME',
      offset: 22,
      message: `the CRC field "${crc}" at byte 22 is not four hex digits`,
    });
  });

  it.each([
    ['"{}"', '{}', 1, 'the frame has no fields: its body at byte 1 is empty'],
    ['a brace and one byte', '{X', 2, "the input ends at byte 2 without the frame's closing '}'"],
    ['empty quotes', '{""}', 2, 'the frame has no fields: its body at byte 2 is empty'],
  ])('tells the shortest frames apart: %s', (_, frame, offset, message) => {
    expect(errorOf(decode(frame))).toStrictEqual({ code: 'FRAME', offset, message });
  });

  it('reads a body of exactly a separator and a CRC as a frame without fields', () => {
    // CRC-16/MODBUS of no bytes is FFFF: the envelope is sound, the fields are missing.
    expect(errorOf(decode('{",FFFF"}'))).toStrictEqual({
      code: 'FRAME',
      offset: 2,
      message: "the fields at byte 2 have no ',' where a frame has two (imei,command,data)",
    });
  });

  describe("names the ',' out of place among too many", () => {
    const fourFields = 'a frame has exactly four fields (imei,command,data,crc) and data holds no \',\'';
    it.each([
      // A 15-byte IMEI and a two-letter word followed by their separators: any other ','.
      ["a ',' in place of an IMEI digit", canonicalFrame('86012345678,014,CH,'), 13, '13, 17, 20'],
      ["a ',' in the data after a '.' after the command word", canonicalFrame('860123456789014,MC.BO,2.1234567890'), 23, '17, 23'],
      // Otherwise the first after the command word's separator.
      ["an empty extra field after a 14-digit IMEI", canonicalFrame('86012345678901,CH,,'), 20, '16, 19, 20'],
      ["commas up to the separator before the CRC", canonicalFrame('860123456789014,,,'), 19, '17, 18, 19'],
    ])('%s', (_, frame, offset, commas) => {
      expect(errorOf(decode(frame))).toStrictEqual({ code: 'FRAME', offset, message: `unexpected ',' at byte ${offset}: ${fourFields} (',' at bytes ${commas})` });
    });

    it('counts three fields in a dialect without a CRC', () => {
      expect(errorOf(decode('{"860123456789014,CC,BW,2,1234567890"}', { dialect: { crc: 'none' } }))).toStrictEqual({
        code: 'FRAME',
        offset: 23,
        message: "unexpected ',' at byte 23: a frame has exactly three fields (imei,command,data) and data holds no ',' (',' at bytes 17, 20, 23, 25)",
      });
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

  it('reads the CRC field low byte first in a dialect that writes it so, and says so when it does not match', () => {
    const lowFirst = { crcByteOrder: 'lowFirst' } as const;
    expect(decode('{"860123456789014,CH,,CE3F"}\r\n', { dialect: lowFirst, mode: 'strict' })).toMatchObject({ ok: true, message: { type: 'Heartbeat' } });
    expect(errorOf(decode('{"860123456789014,CH,,CE3E"}\r\n', { dialect: lowFirst }))).toStrictEqual({
      code: 'CRC',
      offset: 22,
      expected: 0x3fce,
      received: 0x3ece,
      message: 'CRC CE3E at byte 22 does not match CE3F, the CRC-16/MODBUS of bytes 2..20 written low byte first',
    });
  });

  it('hints at the other byte order when the CRC field is the expected CRC with its bytes swapped', () => {
    expect(errorOf(decode('{"860123456789014,CH,,CE3F"}\r\n', { mode: 'strict' }))).toStrictEqual({
      code: 'CRC',
      offset: 22,
      expected: 0x3fce,
      received: 0xce3f,
      message:
        "CRC CE3F at byte 22 does not match 3FCE, the CRC-16/MODBUS of bytes 2..20; it is that CRC written low byte first: the dialect option crcByteOrder: 'lowFirst' reads it",
    });
    expect(errorOf(decode('{"860123456789014,CH,,3fce"}', { dialect: { crcByteOrder: 'lowFirst' } })).message).toBe(
      "CRC 3fce at byte 22 does not match CE3F, the CRC-16/MODBUS of bytes 2..20 written low byte first; it is that CRC written high byte first: the dialect option crcByteOrder: 'highFirst' reads it",
    );
  });

  it('detects a changed data byte', () => {
    expect(errorOf(decode('{"860123456789014,MC,BO.3.1234567890,88DD"}')).code).toBe('CRC');
    expect(errorOf(decode('{"860123456789014,MC,BO.2.1234567890,88DD"}'.replace('MC', 'AM'))).code).toBe('CRC');
  });

  it('reads a corruption inside the covered bytes as CRC when the envelope still holds', () => {
    const frame = '{"860123456789014,MC,BO.2.1234567890,88DD"}';
    for (const corrupt of [
      frame.replace('BO.2', 'BO;2'),
      frame.replace('MC,', 'M.,'),
      frame.replace('.1234567890', '.12345~7890'),
      frame.replace('8601', '860A'),
      frame.replace('860123456789014,', ',860123456789014'),
    ]) {
      expect(errorOf(decode(corrupt)).code, corrupt).toBe('CRC');
      expect(errorOf(decode(corrupt, { mode: 'strict' })).code, corrupt).toBe('CRC');
    }
  });

  it('reads a corruption that breaks the envelope as FRAME, before the CRC, in both modes', () => {
    const frame = '{"860123456789014,MC,BO.2.1234567890,88DD"}';
    for (const [corrupt, offset] of [
      [frame.replace('BO.2', 'BO,2'), 23],
      [frame.replace('860123456789014,', '860123456789014.'), 17],
      [frame.replace('MC,', 'MC"'), 20],
      [frame.replace('.1234567890', '.12345}7890'), 31],
      [frame.replace('.1234567890', '.12345\r7890'), 31],
      [frame.replace(',88DD', ',88D'), 37],
      [frame.replace(',88DD', ',88DDD'), 37],
      [`${frame}\r\n${frame}`, 45],
      [`${frame}\u0000`, 43],
    ] as const) {
      for (const mode of ['lenient', 'strict'] as const) {
        expect(errorOf(decode(corrupt, { mode })), `${mode} ${JSON.stringify(corrupt)}`).toMatchObject({ code: 'FRAME', offset });
      }
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

  it.each([
    [
      'of the envelope',
      canonicalFrame('860123456789014,CH.', { separator: ';', quotes: false, lineEnding: '\n' }),
      [['QUOTES', 1], ['SEPARATOR', 19], ['SEPARATOR', 20], ['LOWERCASE_CRC', 21], ['LINE_ENDING', 26]],
    ],
    [
      'of the data field among those of the envelope',
      canonicalFrame('860123456789014,AQ,1.XY;2.FU.ABC', { separator: '.', lineEnding: '\n' }),
      [['UNKNOWN_STATUS', 23], ['SEPARATOR', 34], ['MISSING_SEMICOLON', 34], ['LOWERCASE_CRC', 35], ['LINE_ENDING', 41]],
    ],
  ])('lists several deviations in byte order: those %s', (_, canonical, expected) => {
    const frame = canonical.replace(/[0-9A-F]{4}(?="?})/, (crc) => crc.toLowerCase());
    const lenient = decode(frame);
    expect(lenient.ok && lenient.deviations.map((d) => [d.code, d.offset])).toStrictEqual(expected);
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
    expect(errorOf(decode(corrupted, { dialect: { crcCoverage: 'fieldsWithComma' } }))).toStrictEqual({
      code: 'FRAME',
      offset: 36,
      message: "expected ',' before the CRC at byte 36, found 'X'",
    });
  });

  it('checks the covered separator before the CRC as part of the envelope, before the CRC, whether the CRC matches or not', () => {
    const fields = '860123456789014,MC,BO.2.1234567890:';
    const crc = bitwiseCrc16(new TextEncoder().encode(fields), modbus);
    const frame = `{"${fields}${crc.toString(16).toUpperCase().padStart(4, '0')}"}`;
    const expected = { code: 'FRAME', offset: 36, message: "expected ',' before the CRC at byte 36, found ':'" };
    expect(errorOf(decode(frame, { dialect: { crcCoverage: 'fieldsWithComma' } }))).toStrictEqual(expected);
    expect(errorOf(decode(frame, { dialect: { crcCoverage: 'fields' } }))).toStrictEqual(expected);
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
