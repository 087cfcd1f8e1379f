import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodeToString, isProtocolError, ProtocolError, type CrcParams, type Dialect, type EncodeOptions, type MessageInit, type ProtocolErrorCode } from 'powerbank-codec';
import { isImeiString } from '../src/fields/imei.js';
import { arbDialect, arbMessage } from 'powerbank-codec/arbitraries';
import { dialectOf, writeFrame } from '../src/encode.js';
import { FrameWriter } from '../src/frame/writer.js';
import { codecOfType } from '../src/messages/index.js';
import { GOLDEN } from './support/vectors.js';

const imei = '860123456789014';

function thrownBy(action: () => unknown): { code: ProtocolErrorCode; field: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isProtocolError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a ProtocolError, nothing was thrown');
}

describe('encode refuses what the protocol cannot express', () => {
  const cases: Array<[string, unknown, ProtocolErrorCode, string, string, EncodeOptions?]> = [
    ['a non-object', 'Heartbeat', 'TYPE', 'type', 'a message is an object with a type; got "Heartbeat"'],
    ['null', null, 'TYPE', 'type', 'a message is an object with a type; got null'],
    ['an unknown type', { type: 'Reboot', imei }, 'TYPE', 'type', 'unknown message type "Reboot"'],
    ['an inherited type name', { type: 'toString', imei }, 'TYPE', 'type', 'unknown message type "toString"'],
    ['a 14-digit IMEI', { type: 'Heartbeat', imei: '86012345678901' }, 'IMEI', 'imei', 'imei must be a string of 15 digits; got "86012345678901"'],
    ['a numeric IMEI', { type: 'Heartbeat', imei: 860123456789014 }, 'IMEI', 'imei', 'imei must be a string of 15 digits; got 860123456789014'],
    ['an IMEI with a letter', { type: 'Heartbeat', imei: '86012345678901X' }, 'IMEI', 'imei', 'imei must be a string of 15 digits; got "86012345678901X"'],
    ['a missing IMEI', { type: 'StatusQuery' }, 'IMEI', 'imei', 'imei must be a string of 15 digits; got undefined'],
    ['slot 0', { type: 'LendRequest', imei, slot: 0, powerBankId: 'A1' }, 'SLOT', 'slot', 'slot must be an integer from 1 to 3; got 0'],
    ['a slot above slotCount', { type: 'LendRequest', imei, slot: 4, powerBankId: 'A1' }, 'SLOT', 'slot', 'slot must be an integer from 1 to 3; got 4'],
    ['a fractional slot', { type: 'OwnershipQuery', imei, slot: 1.5, powerBankId: 'A1' }, 'SLOT', 'slot', 'slot must be an integer from 1 to 3; got 1.5'],
    ['a string slot', { type: 'LendSuccess', imei, slot: '1', powerBankId: 'A1' }, 'SLOT', 'slot', 'slot must be an integer from 1 to 3; got "1"'],
    ['an empty id', { type: 'LendSuccess', imei, slot: 1, powerBankId: '' }, 'POWER_BANK_ID', 'powerBankId', 'powerBankId must be 1 to 32 digits or uppercase letters; got ""'],
    ['a lowercase id', { type: 'LendFailure', imei, slot: 1, powerBankId: 'ab' }, 'POWER_BANK_ID', 'powerBankId', 'powerBankId must be 1 to 32 digits or uppercase letters; got "ab"'],
    ['an id with a separator', { type: 'LendFailureAck', imei, slot: 1, powerBankId: 'A.1' }, 'POWER_BANK_ID', 'powerBankId', 'powerBankId must be 1 to 32 digits or uppercase letters; got "A.1"'],
    ['a 33-character id', { type: 'ReturnFailureAck', imei, slot: 1, powerBankId: 'A'.repeat(33) }, 'POWER_BANK_ID', 'powerBankId', `powerBankId must be 1 to 32 digits or uppercase letters; got "${'A'.repeat(33)}"`],
    ['belongs that is not a boolean', { type: 'OwnershipAnswer', imei, belongs: 'T', slot: 1, powerBankId: 'A1' }, 'BELONGS', 'belongs', 'belongs must be true or false; got "T"'],
    ['slots that are not an array', { type: 'StatusAnswer', imei, slots: {} }, 'SLOTS', 'slots', 'slots must be an array of slot records; got {}'],
    ['a slot record that is not an object', { type: 'StatusAnswer', imei, slots: [1] }, 'SLOTS', 'slots[0]', 'slots[0] must be a slot record object; got 1'],
    ['a record slot out of range', { type: 'StatusAnswer', imei, slots: [{ slot: 9, status: 'fault' }] }, 'SLOT', 'slots[0].slot', 'slots[0].slot must be an integer from 1 to 3; got 9'],
    ['a duplicate slot', { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'fault' }, { slot: 1, status: 'fault' }] }, 'SLOT', 'slots[1].slot', 'slot 1 is listed twice'],
    ['an unknown status', { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'unknown', code: 'XY' }] }, 'STATUS', 'slots[0].status', "slots[0].status must be 'full', 'notFull', 'depleted' or 'fault' (unknown codes are decoded, never encoded); got \"unknown\""],
    ['a status that is an array', { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: ['full'], powerBankId: 'A' }] }, 'STATUS', 'slots[0].status', "slots[0].status must be 'full', 'notFull', 'depleted' or 'fault' (unknown codes are decoded, never encoded); got [\"full\"]"],
    ['a status named like a member of every object', { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'toString' }] }, 'STATUS', 'slots[0].status', "slots[0].status must be 'full', 'notFull', 'depleted' or 'fault' (unknown codes are decoded, never encoded); got \"toString\""],
    ['a code that contradicts the status', { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'full', code: 'NF', powerBankId: 'A' }] }, 'STATUS', 'slots[0].code', `slots[0].code "NF" does not match status 'full' (FU)`],
    ['FU without an id', { type: 'StatusAnswer', imei, slots: [{ slot: 2, status: 'full' }] }, 'POWER_BANK_ID', 'slots[0].powerBankId', "slots[0].powerBankId is required for status 'full'"],
    ['a bad id in a record', { type: 'StatusAnswer', imei, slots: [{ slot: 2, status: 'fault', powerBankId: 'x' }] }, 'POWER_BANK_ID', 'slots[0].powerBankId', 'slots[0].powerBankId must be 1 to 32 digits or uppercase letters; got "x"'],
    ['an IMEI with a slash', { type: 'Heartbeat', imei: '86012345678901/' }, 'IMEI', 'imei', 'imei must be a string of 15 digits; got "86012345678901/"'],
    ['an IMEI with a colon', { type: 'Heartbeat', imei: '86012345678901:' }, 'IMEI', 'imei', 'imei must be a string of 15 digits; got "86012345678901:"'],
    ['a numeric id', { type: 'LendRequest', imei, slot: 1, powerBankId: 1234 }, 'POWER_BANK_ID', 'powerBankId', 'powerBankId must be 1 to 32 digits or uppercase letters; got 1234'],
    ['a numeric id in a record', { type: 'StatusAnswer', imei, slots: [{ slot: 2, status: 'full', powerBankId: 1234 }] }, 'POWER_BANK_ID', 'slots[0].powerBankId', 'slots[0].powerBankId must be 1 to 32 digits or uppercase letters; got 1234'],
    ['a slot record that is a string', { type: 'StatusAnswer', imei, slots: ['1.FU'] }, 'SLOTS', 'slots[0]', 'slots[0] must be a slot record object; got "1.FU"'],
    ['a slot record that is null', { type: 'StatusAnswer', imei, slots: [null] }, 'SLOTS', 'slots[0]', 'slots[0] must be a slot record object; got null'],
    ['a slot record that is undefined', { type: 'StatusAnswer', imei, slots: [undefined] }, 'SLOTS', 'slots[0]', 'slots[0] must be a slot record object; got undefined'],
    ['an id that is an array', { type: 'LendRequest', imei, slot: 1, powerBankId: ['A1'] }, 'POWER_BANK_ID', 'powerBankId', 'powerBankId must be 1 to 32 digits or uppercase letters; got ["A1"]'],
    ['an id that is an array in a record', { type: 'StatusAnswer', imei, slots: [{ slot: 2, status: 'full', powerBankId: ['A1'] }] }, 'POWER_BANK_ID', 'slots[0].powerBankId', 'slots[0].powerBankId must be 1 to 32 digits or uppercase letters; got ["A1"]'],
    ['FU with its code but without an id', { type: 'StatusAnswer', imei, slots: [{ slot: 2, status: 'full', code: 'FU' }] }, 'POWER_BANK_ID', 'slots[0].powerBankId', "slots[0].powerBankId is required for status 'full'"],
    ['a slot valid only in a bigger station', { type: 'LendRequest', imei, slot: 13, powerBankId: 'A' }, 'SLOT', 'slot', 'slot must be an integer from 1 to 12; got 13', { dialect: { slotCount: 12 } }],
  ];

  it.each(cases)('%s', (_, message, code, field, text, options) => {
    expect(thrownBy(() => encode(message as MessageInit, options))).toStrictEqual({ code, field, message: text });
    expect(thrownBy(() => encodeToString(message as MessageInit, options))).toMatchObject({ code, field });
  });

  it('throws OPTIONS for an invalid dialect', () => {
    expect(thrownBy(() => encode({ type: 'Heartbeat', imei }, { dialect: { slotCount: -1 } }))).toMatchObject({ code: 'OPTIONS', field: 'dialect.slotCount' });
    expect(thrownBy(() => encode({ type: 'Heartbeat', imei }, { dialect: { crc: 'MODBUS' as 'none' } }))).toMatchObject({ code: 'OPTIONS', field: 'crc' });
  });
});

describe('encode writes the dialect it is given', () => {
  const heartbeat = { type: 'Heartbeat', imei } as const;

  it.each<[Partial<import('powerbank-codec').Dialect>, string]>([
    [{}, '{"860123456789014,CH,,3FCE"}\r\n'],
    [{ quotes: false }, '{860123456789014,CH,,3FCE}\r\n'],
    [{ lineEnding: '\n' }, '{"860123456789014,CH,,3FCE"}\n'],
    [{ lineEnding: '' }, '{"860123456789014,CH,,3FCE"}'],
    [{ crc: 'none' }, '{"860123456789014,CH,"}\r\n'],
    [{ crc: 'CRC-16/XMODEM', crcCoverage: 'frame', quotes: false }, '{860123456789014,CH,,CFF5}\r\n'],
  ])('%j', (dialect, frame) => {
    expect(encodeToString(heartbeat, { dialect })).toBe(frame);
  });

  it('fills in each status code and writes records in the given order', () => {
    const frame = encodeToString({
      type: 'StatusAnswer',
      imei,
      slots: [
        { slot: 3, status: 'fault' },
        { slot: 1, status: 'full', powerBankId: '1234567890' },
        { slot: 2, status: 'notFull', code: 'NF', powerBankId: '123456789012' },
        { slot: 4, status: 'depleted', powerBankId: 'E' },
        { slot: 5, status: 'fault', powerBankId: 'F' },
      ],
    }, { dialect: { slotCount: 5, crc: 'none' } });
    expect(frame).toBe('{"860123456789014,AQ,3.ER;1.FU.1234567890;2.NF.123456789012;4.EM.E;5.ER.F;"}\r\n');
  });

  it('notices a dialect object changed between calls', () => {
    const dialect: { quotes: boolean } = { quotes: true };
    expect(encodeToString({ type: 'Heartbeat', imei }, { dialect })).toBe('{"860123456789014,CH,,3FCE"}\r\n');
    dialect.quotes = false;
    expect(encodeToString({ type: 'Heartbeat', imei }, { dialect })).toBe('{860123456789014,CH,,3FCE}\r\n');
  });

  it('writes each field of a dialect object as it is at the call', () => {
    const dialect: { -readonly [K in keyof Dialect]?: Dialect[K] } = {};
    const heartbeat = () => encodeToString({ type: 'Heartbeat', imei }, { dialect });
    expect(heartbeat()).toBe('{"860123456789014,CH,,3FCE"}\r\n');
    dialect.lineEnding = '\n';
    expect(heartbeat()).toBe('{"860123456789014,CH,,3FCE"}\n');
    dialect.crc = 'CRC-16/XMODEM';
    const xmodem = heartbeat();
    expect(xmodem).not.toBe('{"860123456789014,CH,,3FCE"}\n');
    dialect.crcCoverage = 'frame';
    expect(heartbeat()).not.toBe(xmodem);
    dialect.crc = 'none';
    expect(heartbeat()).toBe('{"860123456789014,CH,"}\n');
    const lend = { type: 'LendRequest', imei, slot: 5, powerBankId: 'A' } as const;
    expect(() => encode(lend, { dialect })).toThrow(expect.objectContaining({ code: 'SLOT' }));
    dialect.slotCount = 5;
    expect(encodeToString(lend, { dialect })).toBe('{"860123456789014,CC,BW.5.A"}\n');
  });

  it('notices a change inside custom CRC parameters, field by field', () => {
    const params: { -readonly [K in keyof CrcParams]: CrcParams[K] } = { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 };
    const options = { dialect: { crc: params } };
    const heartbeat = () => encodeToString({ type: 'Heartbeat', imei }, options);
    expect(heartbeat()).toBe('{"860123456789014,CH,,3FCE"}\r\n');
    const changes: Array<() => void> = [
      () => (params.init = 0),
      () => (params.poly = 0x1021),
      () => (params.refin = false),
      () => (params.refout = false),
      () => (params.xorout = 0xffff),
    ];
    const seen = new Set([heartbeat()]);
    for (const change of changes) {
      change();
      // The frame now has the CRC a fresh options object with these parameters gives.
      expect(heartbeat()).toBe(encodeToString({ type: 'Heartbeat', imei }, { dialect: { crc: { ...params } } }));
      seen.add(heartbeat());
    }
    expect(seen.size).toBe(changes.length + 1);
    (params as { width: number }).width = 8;
    expect(() => heartbeat()).toThrow(expect.objectContaining({ code: 'OPTIONS', field: 'crc' }));
  });

  it('reads the dialect on every call: the canonical one when none is given, a change on the next call', () => {
    expect(dialectOf(undefined)).toBe(dialectOf({}));
    const dialect: { -readonly [K in keyof Dialect]?: Dialect[K] } = { quotes: false, crc: 'CRC-16/ARC' };
    expect(dialectOf({ dialect }).slotCount).toBe(3);
    dialect.slotCount = 4;
    expect(dialectOf({ dialect }).slotCount).toBe(4);
  });

  it('returns a fresh array every time', () => {
    const a = encode({ type: 'Heartbeat', imei });
    a[0] = 0;
    expect(encode({ type: 'Heartbeat', imei })[0]).toBe(0x7b);
  });

  it('returns each frame in a buffer of its own, exactly the frame', () => {
    const first = encode({ type: 'LendSuccess', imei, slot: 2, powerBankId: '1234567890' });
    const second = encode({ type: 'Heartbeat', imei });
    expect(second.buffer).not.toBe(first.buffer);
    for (const frame of [first, second]) {
      expect(frame.byteOffset).toBe(0);
      expect(frame.buffer.byteLength).toBe(frame.length);
    }
  });

  it('never changes a frame it handed out, across failed encodes', () => {
    const messages: MessageInit[] = [
      { type: 'Heartbeat', imei },
      { type: 'LendSuccess', imei, slot: 2, powerBankId: '1234567890' },
      { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'full', powerBankId: 'A'.repeat(32) }, { slot: 3, status: 'fault' }] },
    ];
    const frames: { frame: Uint8Array; text: string }[] = [];
    for (let i = 0; i < 1000; i++) {
      const message = messages[i % messages.length]!;
      const frame = encode(message);
      frames.push({ frame, text: encodeToString(message) });
      // A frame refused half-way writes into the scratch buffer, never into a frame handed out.
      expect(() => encode({ type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'full', powerBankId: 'B'.repeat(20) }, { slot: 2, status: 'full', powerBankId: 'b' }] })).toThrow(ProtocolError);
    }
    expect(new Set(frames.map(({ frame }) => frame.buffer)).size).toBe(frames.length);
    for (const { frame, text } of frames) expect(new TextDecoder().decode(frame)).toBe(text);
  });

  it('writes the same frame whatever room its writer starts with, in any dialect: every run of bytes reserves its room', () => {
    fc.assert(
      fc.property(
        arbDialect().chain((dialect) => fc.tuple(fc.constant(dialect), arbMessage({ slotCount: dialect.slotCount }))),
        ([dialect, message]) => {
          const expected = encodeToString(message, { dialect });
          const codec = codecOfType(message.type)!;
          const resolved = dialectOf({ dialect });
          // Every size of scratch buffer, from none to more than the frame needs.
          for (let room = 0; room <= expected.length + 1; room++) {
            const out = new FrameWriter(room);
            writeFrame(out, message, codec, resolved);
            expect(new TextDecoder().decode(out.finish())).toBe(expected);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps encoding after a user transferred the buffer of a frame', () => {
    const frame = encode({ type: 'Heartbeat', imei });
    structuredClone(frame.buffer, { transfer: [frame.buffer] });
    expect(encodeToString({ type: 'Heartbeat', imei })).toBe('{"860123456789014,CH,,3FCE"}\r\n');
    expect(new TextDecoder().decode(encode({ type: 'Heartbeat', imei }))).toBe('{"860123456789014,CH,,3FCE"}\r\n');
  });

  it('writes frames of any length (a full 999-slot status answer)', () => {
    const slots = Array.from({ length: 999 }, (_, index) => ({ slot: index + 1, status: 'full' as const, powerBankId: 'B'.repeat(32) }));
    const dialect = { slotCount: 999 };
    const frame = encode({ type: 'StatusAnswer', imei, slots }, { dialect });
    expect(frame.length).toBeGreaterThan(38_000);
    const decoded = decode(frame, { dialect });
    expect(decoded.ok && decoded.message.type === 'StatusAnswer' && decoded.message.slots.length).toBe(999);
    expect(encodeToString({ type: 'Heartbeat', imei })).toBe('{"860123456789014,CH,,3FCE"}\r\n');
  });

  it.each([
    ['full', { powerBankId: '1234567890' }],
    ['fault', {}],
  ])('refuses a slot record whose status changes to %s while it is being encoded', (status, rest) => {
    let reads = 0;
    const record = {
      slot: 1,
      ...rest,
      get status() {
        reads++;
        return reads === 1 ? 'bogus' : status;
      },
    };
    const message = { type: 'StatusAnswer', imei, slots: [record] } as unknown as MessageInit;
    expect(() => encode(message)).toThrow(new ProtocolError('SLOTS', 'slots[0]', 'slots[0] changed while it was being encoded'));
    try {
      reads = 0;
      encode(message);
    } catch (error) {
      expect(isProtocolError(error) && [error.code, error.field]).toEqual(['SLOTS', 'slots[0]']);
    }
  });

  it('encodes correctly when reading the message encodes another one', () => {
    const nested = { type: 'Heartbeat', imei: '860123456789022' } as const;
    let inner: string | undefined;
    const message = {
      type: 'LendSuccess',
      imei,
      slot: 2,
      get powerBankId() {
        inner = encodeToString(nested);
        return '1234567890';
      },
    } as const;
    expect(encodeToString(message)).toBe('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
    expect(inner).toBe(encodeToString(nested));
  });
});

describe('each command codec (internal)', () => {
  it.each(GOLDEN)('gives the data field of %s as text, the bytes encode writes', (frame, message) => {
    const data = frame.slice(frame.indexOf(',', frame.indexOf(',') + 1) + 1, frame.lastIndexOf(','));
    expect(codecOfType(message.type)!.encode(message as never, 3)).toBe(data);
  });
});

describe('isImeiString (internal, for code that checks an IMEI before encoding)', () => {
  it.each(['86012345678901/', '/86012345678901', '86012345678901:', '8601234567890145', '86012345678901'])('refuses %j', (text) => {
    expect(isImeiString(text)).toBe(false);
  });

  it('accepts exactly what encode accepts as an IMEI', () => {
    const candidate = fc.oneof(fc.stringMatching(/^[0-9]{13,17}$/), fc.string({ minLength: 15, maxLength: 15 }), fc.anything());
    fc.assert(
      fc.property(candidate, (imei) => {
        let accepted = true;
        try {
          encode({ type: 'Heartbeat', imei } as MessageInit);
        } catch {
          accepted = false;
        }
        return isImeiString(imei) === accepted;
      }),
      { numRuns: 500 },
    );
  });
});
