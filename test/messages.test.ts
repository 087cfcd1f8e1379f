import { describe, expect, expectTypeOf, it } from 'vitest';
import { crc16, decode, encode, messageTypes, type DecodeOptions, type DecodeResult, type MessageType, type SlotStatus, type SlotStatusInit } from 'powerbank-codec';
import { codecOfType, codecOfWord } from '../src/messages/index.js';
import { canonicalFrame } from './support/reference.js';

const imei = '860123456789014';

function errorOf(result: DecodeResult) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.message)}`);
  return result.error;
}

/** Decodes a canonical frame (correct CRC) carrying `command` and `data`. */
const decodeData = (command: string, data: string, options?: DecodeOptions) => decode(canonicalFrame(`${imei},${command},${data}`), options);

describe('messageTypes', () => {
  it('lists the fourteen message types with their command words and senders', () => {
    expect(messageTypes).toStrictEqual({
      Heartbeat: { command: 'CH', sender: 'device' },
      StatusQuery: { command: 'CQ', sender: 'server' },
      StatusAnswer: { command: 'AQ', sender: 'device' },
      LendRequest: { command: 'CC', sender: 'server' },
      OwnershipQuery: { command: 'MQ', sender: 'device' },
      OwnershipAnswer: { command: 'RQ', sender: 'server' },
      LendSuccess: { command: 'MC', sender: 'device' },
      ReturnSuccess: { command: 'MC', sender: 'device' },
      LendSuccessAck: { command: 'AM', sender: 'server' },
      ReturnSuccessAck: { command: 'AM', sender: 'server' },
      LendFailure: { command: 'MR', sender: 'device' },
      ReturnFailure: { command: 'MR', sender: 'device' },
      LendFailureAck: { command: 'AR', sender: 'server' },
      ReturnFailureAck: { command: 'AR', sender: 'server' },
    } satisfies Record<MessageType, unknown>);
    expect(Object.isFrozen(messageTypes)).toBe(true);
  });
});

describe('codecOfType', () => {
  it.each(Object.entries(messageTypes))('finds the codec of %s: the one of its command word, which lists the type', (type, { command }) => {
    const codec = codecOfType(type);
    expect(codec).toBe(codecOfWord(command.charCodeAt(0), command.charCodeAt(1)));
    expect(codec!.types).toContain(type);
  });

  it.each(['heartbeat', 'Heartbeat ', 'CH', '', 'toString', '__proto__', undefined, null, 1, {}])('finds none for %j', (type) => {
    expect(codecOfType(type)).toBeUndefined();
  });
});

describe('CH and CQ: no data', () => {
  it.each(['CH', 'CQ'])('%s refuses data', (command) => {
    expect(errorOf(decodeData(command, 'X'))).toStrictEqual({
      code: 'DATA',
      offset: 21,
      imei,
      command,
      message: `${command} data: ${command} carries no data, but "X" was found at byte 21`,
    });
  });
});

describe('slot messages: [word "."] S "." ID', () => {
  const cases: Array<[string, string, string, number, string]> = [
    ['a word the command does not use', 'MC', 'BF.2.A1', 21, 'expected BO or RO at byte 21, found "BF"'],
    ['a lowercase word', 'CC', 'bw.2.A1', 21, 'expected BW at byte 21, found "bw"'],
    ['a word with nothing after it', 'AM', 'BO', 23, "expected '.' and the slot number after BO at byte 23"],
    ['no slot', 'RQ', 'T.A1', 23, 'expected slot "." power-bank id at byte 23, found "A1"'],
    ['an empty slot', 'MQ', '.A1', 21, 'slot number missing at byte 21'],
    ['slot 0', 'MQ', '0.A1', 21, 'slot 0 at byte 21 is outside 1..3'],
    ['a slot above the slot count', 'CC', 'BW.4.A1', 24, 'slot 4 at byte 24 is outside 1..3'],
    ['a leading zero', 'CC', 'BW.02.A1', 24, 'slot "02" at byte 24 has a leading zero'],
    ['a slot that is not a number', 'CC', 'BW.X.A1', 24, 'slot "X" at byte 24 is not a number from 1 to 3'],
    ['a slot with four digits', 'CC', 'BW.1000.A1', 24, 'slot "1000" at byte 24 is not a number from 1 to 3'],
    ['a negative slot', 'CC', 'BW.-1.A1', 24, 'slot "-1" at byte 24 is not a number from 1 to 3'],
    ['an empty id', 'MR', 'RF.2.', 26, 'power-bank id missing at byte 26'],
    ['a lowercase id', 'AR', 'BF.2.A1b', 28, "power-bank id at byte 26 holds 'b' at byte 28; only digits and uppercase letters are allowed"],
    ['an id with a dot', 'MC', 'RO.2.A.1', 27, "power-bank id at byte 26 holds '.' at byte 27; only digits and uppercase letters are allowed"],
    ['a 33-character id', 'MC', `BO.2.${'A'.repeat(33)}`, 26, 'power-bank id at byte 26 has 33 characters; at most 32 are allowed'],
    ['a tilde in the id', 'MC', 'BO.2.A~1', 27, "power-bank id at byte 26 holds '~' at byte 27; only digits and uppercase letters are allowed"],
  ];
  it.each(cases)('refuses %s', (_, command, data, offset, message) => {
    expect(errorOf(decodeData(command, data))).toStrictEqual({ code: 'DATA', offset, imei, command, message: `${command} data: ${message}` });
  });

  it('accepts a 32-character id and the highest slot of the dialect', () => {
    const powerBankId = 'Z'.repeat(32);
    expect(decodeData('CC', `BW.12.${powerBankId}`, { dialect: { slotCount: 12 } })).toMatchObject({
      ok: true,
      message: { type: 'LendRequest', slot: 12, powerBankId },
    });
    expect(decodeData('CC', 'BW.999.A', { dialect: { slotCount: 999 } })).toMatchObject({ ok: true, message: { slot: 999 } });
  });

  it('tells each word of a command apart', () => {
    const typeOf = (command: string, data: string) => {
      const result = decodeData(command, data);
      return result.ok ? result.message.type : result.error.code;
    };
    expect(['MC', 'AM', 'MR', 'AR'].flatMap((c) => ['BO', 'RO', 'BF', 'RF'].map((w) => typeOf(c, `${w}.1.A`)))).toStrictEqual([
      'LendSuccess', 'ReturnSuccess', 'DATA', 'DATA',
      'LendSuccessAck', 'ReturnSuccessAck', 'DATA', 'DATA',
      'DATA', 'DATA', 'LendFailure', 'ReturnFailure',
      'DATA', 'DATA', 'LendFailureAck', 'ReturnFailureAck',
    ]);
    expect(decodeData('RQ', 'F.1.A')).toMatchObject({ ok: true, message: { type: 'OwnershipAnswer', belongs: false } });
    expect(errorOf(decodeData('RQ', 'X.1.A')).message).toBe('RQ data: expected T or F at byte 21, found "X"');
  });
});

describe('AQ: slot records', () => {
  it('decodes an empty station', () => {
    expect(decodeData('AQ', '', { mode: 'strict' })).toStrictEqual({ ok: true, message: { type: 'StatusAnswer', imei, slots: [] }, deviations: [] });
  });

  it('decodes every status, an id after ER, and records in any order', () => {
    const result = decodeData('AQ', '4.EM.C3;1.ER.Z9;2.NF.B2;3.FU.A1;', { mode: 'strict', dialect: { slotCount: 4 } });
    expect(result).toStrictEqual({
      ok: true,
      message: {
        type: 'StatusAnswer',
        imei,
        slots: [
          { slot: 4, status: 'depleted', code: 'EM', powerBankId: 'C3' },
          { slot: 1, status: 'fault', code: 'ER', powerBankId: 'Z9' },
          { slot: 2, status: 'notFull', code: 'NF', powerBankId: 'B2' },
          { slot: 3, status: 'full', code: 'FU', powerBankId: 'A1' },
        ],
      },
      deviations: [],
    });
  });

  it('leaves powerBankId out (not undefined) when there is none', () => {
    const result = decodeData('AQ', '3.ER;');
    expect(result.ok && result.message.type === 'StatusAnswer' && Object.keys(result.message.slots[0]!)).toStrictEqual(['slot', 'status', 'code']);
  });

  it('accepts a missing last ";" in lenient mode and reports it; strict mode says DATA', () => {
    const message = "the last slot record, at byte 37, is not closed by ';' (expected at byte 41)";
    expect(decodeData('AQ', '1.FU.1234567890;2.ER')).toStrictEqual({
      ok: true,
      message: {
        type: 'StatusAnswer',
        imei,
        slots: [
          { slot: 1, status: 'full', code: 'FU', powerBankId: '1234567890' },
          { slot: 2, status: 'fault', code: 'ER' },
        ],
      },
      deviations: [{ code: 'MISSING_SEMICOLON', offset: 41, message }],
    });
    expect(errorOf(decodeData('AQ', '1.FU.1234567890;2.ER', { mode: 'strict' }))).toStrictEqual({
      code: 'DATA',
      offset: 41,
      imei,
      command: 'AQ',
      message: `AQ data: ${message}`,
      deviation: 'MISSING_SEMICOLON',
    });
  });

  it("reports the last record's missing ';' when a ';' stands for the ',' before the CRC", () => {
    const fields = `${imei},AQ,1.FU.ABC;2.ER`;
    const frame = `{"${fields};${crc16(fields).toString(16).toUpperCase().padStart(4, '0')}"}\r\n`;
    const result = decode(frame);
    expect(result.ok && result.deviations.map(({ code, offset }) => [code, offset])).toStrictEqual([
      ['SEPARATOR', 34],
      ['MISSING_SEMICOLON', 34],
    ]);
  });

  it('keeps an unknown status code in lenient mode and reports it; strict mode says DATA', () => {
    const message = 'status "XY" of slot 1 at byte 23 is not one of FU, NF, EM, ER';
    expect(decodeData('AQ', '1.XY;2.ZZ.A1;')).toStrictEqual({
      ok: true,
      message: {
        type: 'StatusAnswer',
        imei,
        slots: [
          { slot: 1, status: 'unknown', code: 'XY' },
          { slot: 2, status: 'unknown', code: 'ZZ', powerBankId: 'A1' },
        ],
      },
      deviations: [
        { code: 'UNKNOWN_STATUS', offset: 23, message },
        { code: 'UNKNOWN_STATUS', offset: 28, message: 'status "ZZ" of slot 2 at byte 28 is not one of FU, NF, EM, ER' },
      ],
    });
    expect(errorOf(decodeData('AQ', '1.XY;', { mode: 'strict' }))).toStrictEqual({
      code: 'DATA',
      offset: 23,
      imei,
      command: 'AQ',
      message: `AQ data: ${message}`,
      deviation: 'UNKNOWN_STATUS',
    });
  });

  it.each(['AA', 'ZZ', 'AZ', 'ZA'])('reads the letters %s, at the ends of A-Z, as an unknown status', (code) => {
    expect(decodeData('AQ', `1.${code};`)).toStrictEqual({
      ok: true,
      message: { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'unknown', code }] },
      deviations: [{ code: 'UNKNOWN_STATUS', offset: 23, message: `status "${code}" of slot 1 at byte 23 is not one of FU, NF, EM, ER` }],
    });
  });

  it('accepts the vendor\'s NU typo only as an unknown status (erratum 3: the code is NF)', () => {
    expect(decodeData('AQ', '2.NU.123456789012;')).toMatchObject({ ok: true, message: { slots: [{ status: 'unknown', code: 'NU' }] } });
  });

  const refusals: Array<[string, string, number, string]> = [
    ['an empty record', '1.FU.A1;;', 29, 'slot record "" at byte 29 is not slot "." status'],
    ['a record without status', '1;', 21, 'slot record "1" at byte 21 is not slot "." status'],
    ['a duplicate slot', '1.FU.A1;1.NF.B2;', 29, 'slot 1 at byte 29 is listed twice'],
    ['a slot out of range', '4.FU.A1;', 21, 'slot 4 at byte 21 is outside 1..3'],
    ['FU without an id', '1.FU;', 25, 'slot 1 with status FU needs a power-bank id after byte 24'],
    ['NF without an id', '1.NF;', 25, 'slot 1 with status NF needs a power-bank id after byte 24'],
    ['EM without an id', '1.EM;', 25, 'slot 1 with status EM needs a power-bank id after byte 24'],
    ['an empty id after ER', '1.ER.;', 26, 'power-bank id missing at byte 26'],
    ['a one-letter status', '1.F.A1;', 23, 'status "F" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ['a lowercase status', '1.fu.A1;', 23, 'status "fu" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ['a status with digits', '1.F1.A1;', 23, 'status "F1" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ['a three-letter status', '1.FUL.A1;', 23, 'status "FUL" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ['a three-letter status without an id', '1.FUL;', 23, 'status "FUL" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ["a status after 'Z'", '1.F[.A1;', 23, 'status "F[" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ["a status before 'A'", '1.@F.A1;', 23, 'status "@F" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ['an empty status', '1..A1;', 23, 'status "" of slot 1 at byte 23 is not two uppercase letters (FU, NF, EM or ER)'],
    ['a bad id', '1.FU.a1;', 26, "power-bank id at byte 26 holds 'a' at byte 26; only digits and uppercase letters are allowed"],
  ];
  it.each(refusals)('refuses %s', (_, data, offset, message) => {
    expect(errorOf(decodeData('AQ', data))).toStrictEqual({ code: 'DATA', offset, imei, command: 'AQ', message: `AQ data: ${message}` });
  });

  it('refuses a bad record even when a lenient deviation came first', () => {
    expect(errorOf(decodeData('AQ', '1.XY;1.FU.A1;')).message).toBe('AQ data: slot 1 at byte 26 is listed twice');
  });
});

describe('AQ: slot numbers', () => {
  it('reads slot numbers of one to three digits up to the slot count', () => {
    const result = decode('{"860123456789014,AQ,9.ER;10.ER;99.ER;100.ER;999.ER;"}', { dialect: { slotCount: 999, crc: 'none' } });
    expect(result.ok && result.message.type === 'StatusAnswer' && result.message.slots.map((record) => record.slot)).toStrictEqual([9, 10, 99, 100, 999]);
  });
});

describe('the types of a slot record', () => {
  it('narrow on status: a slot holding a power bank has its id', () => {
    const result = decode('{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789012;3.ER;,74B8"}');
    if (!result.ok || result.message.type !== 'StatusAnswer') throw new Error('expected a status answer');
    const ids = result.message.slots.map((record: SlotStatus) => {
      if (record.status === 'fault' || record.status === 'unknown') {
        expectTypeOf(record.powerBankId).toEqualTypeOf<string | undefined>();
        return record.powerBankId ?? '-';
      }
      expectTypeOf(record.powerBankId).toEqualTypeOf<string>();
      return record.powerBankId;
    });
    expect(ids).toEqual(['1234567890', '123456789012', '-']);
  });

  it('require the id of a full, charging or depleted slot when encoding, and not of a faulty one', () => {
    // @ts-expect-error a full slot without its power bank's id
    const full: SlotStatusInit = { slot: 1, status: 'full' };
    const faulty: SlotStatusInit = { slot: 3, status: 'fault' };
    expect(() => encode({ type: 'StatusAnswer', imei: '860123456789014', slots: [full] })).toThrow(expect.objectContaining({ code: 'POWER_BANK_ID' }));
    expect(encode({ type: 'StatusAnswer', imei: '860123456789014', slots: [faulty] })).toBeInstanceOf(Uint8Array);
  });
});
