import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDecoder,
  decode,
  isProtocolError,
  type DecoderItem,
  type DeviationCode,
} from 'powerbank-codec';
import { StationSimulator, type MalformedFrameKind, type StationSimulatorOptions } from 'powerbank-codec/testing';

const imei = '860123456789014';
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function protocolError(action: () => unknown): [string, string, string] | undefined {
  const error = thrown(action);
  return isProtocolError(error) ? [error.code, error.field, error.message] : undefined;
}

describe('StationSimulator: the station', () => {
  it('fills every healthy slot from the seed when no banks are given: the same seed, the same station', () => {
    const a = new StationSimulator({ imei, seed: 3, faultySlots: [2] });
    expect(a.status()).toEqual(new StationSimulator({ imei, seed: 3, faultySlots: [2] }).status());
    expect(a.status().map((record) => record.slot)).toEqual([1, 2, 3]);
    expect(a.status()[1]).toEqual({ slot: 2, status: 'fault', code: 'ER' });
    for (const record of [a.status()[0]!, a.status()[2]!]) expect(record.powerBankId).toMatch(/^[1-9]\d{9}$/);
    expect(new StationSimulator({ imei, seed: 4 }).status()).not.toEqual(new StationSimulator({ imei, seed: 3 }).status());
    expect(new StationSimulator({ imei }).status()).toEqual(new StationSimulator({ imei, seed: 1 }).status());
  });

  it('lists a faulty slot holding a bank as ER with its id; slots count from the dialect', () => {
    const station = new StationSimulator({ imei, dialect: { slotCount: 6 }, banks: [{ slot: 6, powerBankId: 'F6', charge: 'depleted' }, { slot: 4, powerBankId: 'D4' }], faultySlots: [4] });
    expect(station.slotCount).toBe(6);
    expect(station.status()).toEqual([
      { slot: 4, status: 'fault', code: 'ER', powerBankId: 'D4' },
      { slot: 6, status: 'depleted', code: 'EM', powerBankId: 'F6' },
    ]);
    expect(station.emptySlots()).toEqual([1, 2, 3, 5]);
    expect(station.receive({ type: 'LendRequest', imei, slot: 4, powerBankId: 'D4' }, 0)).toMatchObject([{ type: 'LendFailure', slot: 4 }]);
  });

  it('does not list an empty faulty slot as a place to return a bank', () => {
    const station = new StationSimulator({ imei, banks: [{ slot: 1, powerBankId: 'A1' }], faultySlots: [2] });
    expect(station.emptySlots()).toEqual([3]);
  });

  it('refuses invalid options, naming the field', () => {
    const cases: Array<[StationSimulatorOptions, string, string]> = [
      [{ imei: '12345' }, 'IMEI', 'imei'],
      [{ imei: '8601234567890145' }, 'IMEI', 'imei'],
      [{ imei: '86012345678901x' }, 'IMEI', 'imei'],
      [{ imei: '86012345678901\u0664' }, 'IMEI', 'imei'], // an Arabic-Indic digit four
      // Its digits as a number, or in an array, read as text would pass for them.
      [{ imei: 860123456789014 as unknown as string }, 'IMEI', 'imei'],
      [{ imei: [imei] as unknown as string }, 'IMEI', 'imei'],
      [{ imei, faultySlots: [4] }, 'SLOT', 'faultySlots'],
      [{ imei, banks: [{ slot: 0, powerBankId: 'A' }] }, 'SLOT', 'banks[].slot'],
      [{ imei, banks: [{ slot: 1, powerBankId: 'a-1' }] }, 'POWER_BANK_ID', 'banks[].powerBankId'],
      [{ imei, banks: [{ slot: 1, powerBankId: 'A' }, { slot: 1, powerBankId: 'B' }] }, 'SLOT', 'banks[].slot'],
      [{ imei, lendFailureRate: 1.5 }, 'OPTIONS', 'lendFailureRate'],
      [{ imei, returnFailureRate: Number.NaN }, 'OPTIONS', 'returnFailureRate'],
      [{ imei, heartbeatInterval: 0 }, 'OPTIONS', 'heartbeatInterval'],
      [{ imei, answerTimeout: -1 }, 'OPTIONS', 'answerTimeout'],
      [{ imei, dialect: { slotCount: 0 } }, 'OPTIONS', 'dialect.slotCount'],
      [{ imei, deviations: ['BOGUS' as DeviationCode] }, 'OPTIONS', 'deviations'],
      [{ imei, deviations: ['LINE_ENDING', 'lowercase_crc' as DeviationCode] }, 'OPTIONS', 'deviations'],
      [{ imei, deviations: 'QUOTES' as unknown as DeviationCode[] }, 'OPTIONS', 'deviations'],
      // A boxed string passes Object.hasOwn, but would never match a code when frames are written.
      [{ imei, deviations: [new String('QUOTES') as unknown as DeviationCode] }, 'OPTIONS', 'deviations'],
    ];
    for (const [options, code, field] of cases) expect(protocolError(() => new StationSimulator(options))?.slice(0, 2)).toEqual([code, field]);
    expect(protocolError(() => new StationSimulator(null as unknown as StationSimulatorOptions))?.[0]).toBe('IMEI');
    expect(protocolError(() => new StationSimulator({ imei, lendFailureRate: 2 }))?.[2]).toBe('lendFailureRate must be a number from 0 to 1; got 2');
  });

  it('refuses an insertion into a slot that does not exist or is not empty, or an invalid id', () => {
    const station = new StationSimulator({ imei, banks: [{ slot: 1, powerBankId: 'A1' }] });
    expect(protocolError(() => station.insert(1, 'B', 0))).toEqual(['SLOT', 'slot', 'slot 1 is not empty']);
    expect(protocolError(() => station.insert(4, 'B', 0))?.[0]).toBe('SLOT');
    expect(protocolError(() => station.insert(2, 'b', 0))?.[0]).toBe('POWER_BANK_ID');
    station.insert(2, 'B', 0);
    expect(protocolError(() => station.insert(2, 'C', 0))?.[0]).toBe('SLOT'); // waiting for its answer
    expect(station.emptySlots()).toEqual([3]);
  });

  it('gives the same station for a seed on every platform and in every release: the sequence is pinned', () => {
    expect(new StationSimulator({ imei, seed: 1 }).status()).toStrictEqual([
      { slot: 1, status: 'full', code: 'FU', powerBankId: '6059926749' },
      { slot: 2, status: 'full', code: 'FU', powerBankId: '5142140372' },
      { slot: 3, status: 'notFull', code: 'NF', powerBankId: '1457226571' },
    ]);
  });

  it('puts a returned bank back not full or depleted, as the seed draws', () => {
    const station = new StationSimulator({ imei, banks: [] });
    const records = [];
    for (const [now, powerBankId] of ['B0', 'B1', 'B2', 'B3'].entries()) {
      station.insert(1, powerBankId, now);
      expect(station.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 1, powerBankId }, now)).toStrictEqual([{ type: 'ReturnSuccess', imei, slot: 1, powerBankId }]);
      records.push(station.status()[0]);
      station.receive({ type: 'LendRequest', imei, slot: 1, powerBankId }, now);
    }
    expect(records).toStrictEqual([
      { slot: 1, status: 'notFull', code: 'NF', powerBankId: 'B0' },
      { slot: 1, status: 'depleted', code: 'EM', powerBankId: 'B1' },
      { slot: 1, status: 'depleted', code: 'EM', powerBankId: 'B2' },
      { slot: 1, status: 'notFull', code: 'NF', powerBankId: 'B3' },
    ]);
  });

  it('ignores an ownership answer for a slot it does not have', () => {
    const station = new StationSimulator({ imei, banks: [] });
    expect(station.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 9, powerBankId: 'B' }, 0)).toEqual([]);
  });

  it('says what is wrong with an invalid option, in words', () => {
    const cases: Array<[unknown, [string, string, string]]> = [
      [undefined, ['IMEI', 'imei', 'imei must be a string of 15 digits; got undefined']],
      [{ imei: '12345' }, ['IMEI', 'imei', 'imei must be a string of 15 digits; got "12345"']],
      [{ imei, faultySlots: [4] }, ['SLOT', 'faultySlots', 'faultySlots must be a slot number from 1 to 3; got 4']],
      [{ imei, banks: [{ slot: 1, powerBankId: 'a-1' }] }, ['POWER_BANK_ID', 'banks[].powerBankId', 'power-bank id must be 1 to 32 digits or uppercase letters; got "a-1"']],
      [{ imei, banks: [{ slot: 1, powerBankId: 'A' }, { slot: 1, powerBankId: 'B' }] }, ['SLOT', 'banks[].slot', 'slot 1 is given two power banks']],
      [{ imei, lendFailureRate: -0.1 }, ['OPTIONS', 'lendFailureRate', 'lendFailureRate must be a number from 0 to 1; got -0.1']],
      [{ imei, returnFailureRate: '0.5' }, ['OPTIONS', 'returnFailureRate', 'returnFailureRate must be a number from 0 to 1; got "0.5"']],
      [{ imei, heartbeatInterval: 0 }, ['OPTIONS', 'heartbeatInterval', 'heartbeatInterval must be a positive number of milliseconds; got 0']],
      [{ imei, answerTimeout: '1000' }, ['OPTIONS', 'answerTimeout', 'answerTimeout must be a positive number of milliseconds; got "1000"']],
    ];
    for (const [options, expected] of cases) expect(protocolError(() => new StationSimulator(options as StationSimulatorOptions))).toEqual(expected);
  });

  it('says what is wrong with an insertion, in words', () => {
    const station = new StationSimulator({ imei, banks: [] });
    expect(protocolError(() => station.insert(4, 'B', 0))).toEqual(['SLOT', 'slot', 'slot must be a slot number from 1 to 3; got 4']);
    expect(protocolError(() => station.insert(2, 'b', 0))).toEqual(['POWER_BANK_ID', 'powerBankId', 'power-bank id must be 1 to 32 digits or uppercase letters; got "b"']);
  });

  it('ignores messages for another station and those it does not expect', () => {
    const station = new StationSimulator({ imei, banks: [{ slot: 1, powerBankId: 'A1' }] });
    const before = station.status();
    expect(station.receive({ type: 'StatusQuery', imei: '860123456789022' }, 0)).toEqual([]);
    expect(station.receive({ type: 'LendSuccessAck', imei, slot: 1, powerBankId: 'A1' }, 0)).toEqual([]);
    expect(station.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 2, powerBankId: 'X' }, 0)).toEqual([]);
    expect(station.receive({ type: 'Heartbeat', imei }, 0)).toEqual([]);
    expect(station.status()).toEqual(before);
  });

  it('answers a lend for a slot beyond its count with a failure', () => {
    const station = new StationSimulator({ imei, dialect: { slotCount: 3 } });
    expect(station.receive({ type: 'LendRequest', imei, slot: 7, powerBankId: 'A' }, 0)).toEqual([{ type: 'LendFailure', imei, slot: 7, powerBankId: 'A' }]);
  });

  it('keeps an inserted bank waiting for its answer until answerTimeout, then ejects it', () => {
    const station = new StationSimulator({ imei, banks: [], answerTimeout: 5_000 });
    station.insert(1, 'B', 0);
    station.insert(2, 'C', 0);
    expect(station.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 1, powerBankId: 'B' }, 4_999)).toMatchObject([{ type: 'ReturnSuccess' }]);
    expect(station.tick(5_000)).toMatchObject([{ type: 'Heartbeat' }]);
    expect(station.emptySlots()).toEqual([2, 3]);
    expect(station.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 2, powerBankId: 'C' }, 5_001)).toEqual([]);
  });

  it('sends its first heartbeat at the first tick, then one per interval, never a burst', () => {
    const station = new StationSimulator({ imei, heartbeatInterval: 1_000 });
    const beats = [100, 200, 1_099, 1_100, 5_000, 5_001, 6_000].filter((now) => station.tick(now).length > 0);
    expect(beats).toEqual([100, 1_100, 5_000, 6_000]);
  });

  /** The outcome of `count` lends of a bank that is there, and of `count` accepted returns. */
  function outcomes(seed: number, rate: number, count: number): { lends: string[]; returns: string[] } {
    const lender = new StationSimulator({ imei, seed, lendFailureRate: rate, banks: [{ slot: 1, powerBankId: 'A' }] });
    const returner = new StationSimulator({ imei, seed, returnFailureRate: rate, banks: [] });
    const lends: string[] = [];
    const returns: string[] = [];
    for (let now = 0; now < count; now++) {
      const [lend] = lender.receive({ type: 'LendRequest', imei, slot: 1, powerBankId: 'A' }, now);
      lends.push(lend!.type);
      if (lend!.type === 'LendSuccess') {
        lender.insert(1, 'A', now);
        lender.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 1, powerBankId: 'A' }, now);
      }
      returner.insert(1, 'B', now);
      const [report] = returner.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 1, powerBankId: 'B' }, now);
      returns.push(report!.type);
      if (report!.type === 'ReturnSuccess') returner.receive({ type: 'LendRequest', imei, slot: 1, powerBankId: 'B' }, now);
    }
    return { lends, returns };
  }

  it('refuses a deviation code it does not know, in the options and per call, rather than write nothing', () => {
    const codes = 'QUOTES, LINE_ENDING, SEPARATOR, LOWERCASE_CRC, MISSING_SEMICOLON, UNKNOWN_STATUS';
    expect(protocolError(() => new StationSimulator({ imei, deviations: ['LINE_ENDING', 'lowercase_crc' as DeviationCode] }))?.[2]).toBe(
      `deviations[1] is "lowercase_crc", not a deviation code (${codes})`,
    );
    expect(protocolError(() => new StationSimulator({ imei, deviations: 'QUOTES' as unknown as DeviationCode[] }))?.[2]).toBe(
      `deviations must be an array of deviation codes (${codes}); got "QUOTES"`,
    );
    const station = new StationSimulator({ imei });
    expect(protocolError(() => station.encode({ type: 'Heartbeat', imei }, ['NOPE' as DeviationCode]))?.slice(0, 2)).toEqual(['OPTIONS', 'deviations']);
    expect(text(station.encode({ type: 'Heartbeat', imei }, ['LOWERCASE_CRC']))).toBe('{"860123456789014,CH,,3fce"}\r\n');
  });

  it('runs the firmware guide\'s example as its comments say: seed 1 lends, seed 7 draws the 10% lend failure', () => {
    const run = (seed: number) => {
      const station = new StationSimulator({
        imei,
        banks: [{ slot: 1, powerBankId: '1234567890' }, { slot: 2, powerBankId: '123456789012', charge: 'notFull' }],
        faultySlots: [3],
        lendFailureRate: 0.1,
        returnFailureRate: 0,
        heartbeatInterval: 60_000,
        seed,
      });
      const types = (messages: readonly { type: string }[]) => messages.map((message) => message.type);
      return {
        station,
        types: [
          types(station.tick(0)),
          types(station.receive({ type: 'StatusQuery', imei }, 10)),
          types(station.receive({ type: 'LendRequest', imei, slot: 1, powerBankId: '1234567890' }, 20)),
        ],
      };
    };
    const lent = run(1);
    expect(lent.types).toEqual([['Heartbeat'], ['StatusAnswer'], ['LendSuccess']]);
    expect(lent.station.insert(1, '1234567890', 30).map((message) => message.type)).toEqual(['OwnershipQuery']);
    expect(lent.station.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 1, powerBankId: '1234567890' }, 40).map((message) => message.type)).toEqual(['ReturnSuccess']);
    const refused = run(7);
    expect(refused.types[2]).toEqual(['LendFailure']);
    expect(protocolError(() => refused.station.insert(1, '1234567890', 30))?.[0]).toBe('SLOT');
  });

  it('injects failures at the given rates, deterministically', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (seed, rate) => {
        const first = outcomes(seed, rate, 30);
        expect(outcomes(seed, rate, 30)).toEqual(first);
        if (rate === 0) expect(first.lends.every((type) => type === 'LendSuccess') && first.returns.every((type) => type === 'ReturnSuccess')).toBe(true);
        if (rate === 1) expect(first.lends.every((type) => type === 'LendFailure') && first.returns.every((type) => type === 'ReturnFailure')).toBe(true);
      }),
      { examples: [[1, 0], [1, 1]] },
    );
  });

  it('never fails at rate 0, even when the generator draws exactly 0', () => {
    // Seed 2463401483 (2^32 - 0x6d2b79f5) puts the generator's state at 0 for its first draw, which is exactly 0.
    const seed = 2_463_401_483;
    const lender = new StationSimulator({ imei, seed, lendFailureRate: 0, banks: [{ slot: 1, powerBankId: 'A' }] });
    expect(lender.receive({ type: 'LendRequest', imei, slot: 1, powerBankId: 'A' }, 0)).toEqual([{ type: 'LendSuccess', imei, slot: 1, powerBankId: 'A' }]);
    const returner = new StationSimulator({ imei, seed, returnFailureRate: 0, banks: [] });
    returner.insert(1, 'B', 0);
    expect(returner.receive({ type: 'OwnershipAnswer', imei, belongs: true, slot: 1, powerBankId: 'B' }, 0)).toEqual([{ type: 'ReturnSuccess', imei, slot: 1, powerBankId: 'B' }]);
  });

  it('fails about as often as the rate says', () => {
    const { lends, returns } = outcomes(99, 0.25, 2_000);
    for (const types of [lends, returns]) {
      const failures = types.filter((type) => type.endsWith('Failure')).length / types.length;
      expect(failures).toBeGreaterThan(0.2);
      expect(failures).toBeLessThan(0.3);
    }
  });
});

describe('StationSimulator: its frames', () => {
  const station = new StationSimulator({ imei, banks: [{ slot: 1, powerBankId: '1234567890' }, { slot: 2, powerBankId: '123456789014', charge: 'notFull' }] });
  const answer = station.receive({ type: 'StatusQuery', imei }, 0)[0]!;

  it('writes canonical frames by default', () => {
    expect(text(station.encode(answer))).toBe('{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789014;,B44A"}\r\n');
    expect(decode(station.encode(answer), { mode: 'strict' })).toMatchObject({ ok: true, message: answer });
  });

  it.each<[DeviationCode, string]>([
    ['QUOTES', '{860123456789014,AQ,1.FU.1234567890;2.NF.123456789014;,B44A}\r\n'],
    ['LINE_ENDING', '{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789014;,B44A"}\n'],
    ['SEPARATOR', '{"860123456789014,AQ.1.FU.1234567890;2.NF.123456789014;,7411"}\r\n'],
    ['LOWERCASE_CRC', '{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789014;,b44a"}\r\n'],
    ['MISSING_SEMICOLON', '{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789014,4B8B"}\r\n'],
    ['UNKNOWN_STATUS', '{"860123456789014,AQ,1.NU.1234567890;2.NF.123456789014;,D44E"}\r\n'],
  ])('writes the deviation %s on request, and a lenient decoder reports exactly it', (code, frame) => {
    const bytes = station.encode(answer, [code]);
    expect(text(bytes)).toBe(frame);
    const decoder = createDecoder();
    const items = [...decoder.push(bytes), ...decoder.end()];
    const seen = items.flatMap((item) => (item.kind === 'message' ? item.deviations.map((deviation) => deviation.code) : item.kind === 'lineEnding' ? ['LINE_ENDING'] : [item.kind]));
    expect(seen).toEqual([code]);
  });

  it('writes its deviations into every frame; status deviations leave other messages and an empty status alone', () => {
    const deviant = new StationSimulator({ imei, deviations: ['MISSING_SEMICOLON', 'UNKNOWN_STATUS', 'LOWERCASE_CRC'] });
    expect(text(deviant.encode({ type: 'Heartbeat', imei }))).toBe('{"860123456789014,CH,,3fce"}\r\n');
    const empty = { type: 'StatusAnswer', imei, slots: [] } as const;
    const canonical = text(deviant.encode(empty, []));
    expect(text(deviant.encode(empty))).toBe(canonical.replace(/,([0-9A-F]{4})"/, (_, crc: string) => `,${crc.toLowerCase()}"`));
  });

  it('writes in its dialect, deviations included', () => {
    const dialects = [
      { quotes: false, lineEnding: '\n', crc: 'CRC-16/XMODEM', crcCoverage: 'frame' },
      { crc: 'CRC-16/ARC', crcCoverage: 'fieldsWithComma' },
      { crc: 'none' },
    ] as const;
    for (const dialect of dialects) {
      const local = new StationSimulator({ imei, dialect });
      const heartbeat = { type: 'Heartbeat', imei } as const;
      expect(decode(local.encode(heartbeat), { dialect, mode: 'strict' })).toMatchObject({ ok: true, message: heartbeat });
      const deviant = local.encode(heartbeat, ['QUOTES', 'SEPARATOR', 'LOWERCASE_CRC']);
      const result = decode(deviant, { dialect });
      expect(result.ok && result.deviations.map((deviation) => deviation.code).sort()).toEqual(
        dialect.crc === 'none' ? ['QUOTES', 'SEPARATOR'] : ['LOWERCASE_CRC', 'QUOTES', 'SEPARATOR'],
      );
      const decoder = createDecoder({ dialect });
      expect(decoder.push(local.encode(heartbeat, ['LINE_ENDING'])).map((item) => item.kind)).toEqual(['message', 'lineEnding']);
    }
  });

  it.each<[MalformedFrameKind, Partial<DecoderItem>[]]>([
    ['badCrc', [{ kind: 'error', error: expect.objectContaining({ code: 'CRC' }) }]],
    ['unknownCommand', [{ kind: 'error', error: expect.objectContaining({ code: 'COMMAND' }) }]],
    ['badData', [{ kind: 'error', error: expect.objectContaining({ code: 'DATA' }) }]],
    ['wrongDirection', [{ kind: 'error', error: expect.objectContaining({ code: 'DIRECTION' }) }]],
    ['truncated', [{ kind: 'truncated' }]],
    // Reported as soon as it crosses the limit, then the rest of it up to its '}'.
    ['tooLong', [{ kind: 'tooLong', offset: 0, length: 1024 }, { kind: 'tooLong', offset: 1024 }]],
    ['noise', [{ kind: 'noise', length: 23 }]],
  ])('writes a malformed frame on demand: %s', (kind, expected) => {
    const decoder = createDecoder({ from: 'device' });
    const items = [...decoder.push(station.malformedFrame(kind)), ...decoder.end()];
    expect(items).toMatchObject(expected);
  });

  it.each<[MalformedFrameKind, string]>([
    ['badCrc', '{"860123456789014,CH,,3FCF"}\r\n'],
    ['unknownCommand', '{"860123456789014,XX,,F8B3"}\r\n'],
    ['badData', '{"860123456789014,MC,BO.0.1234567890,4F24"}\r\n'],
    ['wrongDirection', '{"860123456789014,CQ,,AFC5"}\r\n'],
    ['truncated', '{"8601234567890'],
    ['tooLong', `{"860123456789014,CH,${'A'.repeat(1100)},BBB3"}\r\n`],
    ['noise', 'AT+CSQ\r\n+CSQ: 23,99\r\nOK\r\n'],
  ])('writes the malformed frame %s byte for byte', (kind, frame) => {
    expect(text(station.malformedFrame(kind))).toBe(frame);
  });

  it('writes the status deviations into status answers only', () => {
    const deviant = new StationSimulator({ imei, deviations: ['MISSING_SEMICOLON', 'UNKNOWN_STATUS'] });
    const lent = { type: 'LendSuccess', imei, slot: 2, powerBankId: '1234567890' } as const;
    expect(text(deviant.encode(lent))).toBe(text(deviant.encode(lent, [])));
  });

  it('writes a CRC field where a dialect without CRC has none, for badCrc', () => {
    const local = new StationSimulator({ imei, dialect: { crc: 'none' } });
    expect(text(local.malformedFrame('badCrc'))).toBe('{"860123456789014,CH,,0000"}\r\n');
    expect(decode(local.malformedFrame('badCrc'), { dialect: { crc: 'none' } }).ok).toBe(false);
  });
});
