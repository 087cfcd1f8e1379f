import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crc16,
  crcCatalogue,
  decode,
  detectDialects,
  detectDialectsBySender,
  encode,
  encodeToString,
  messageTypes,
  type CrcByteOrder,
  type CrcName,
  type CrcParams,
  type Dialect,
  type Message,
} from 'powerbank-codec';
import { senderOfWord } from '../src/detect/observe.js';
import { GOLDEN } from './support/vectors.js';

const imei = '860123456789014';
const COVERAGES = ['fields', 'fieldsWithComma', 'frame'] as const;
const LINE_ENDINGS = ['\r\n', '\n', ''] as const;
const BYTE_ORDERS: readonly CrcByteOrder[] = ['highFirst', 'lowFirst'];
const MESSAGES: readonly Message[] = GOLDEN.map(([, message]) => message);
const crcNames = Object.keys(crcCatalogue) as CrcName[];

/** A message of the same type as `template`, for another station, slot and power bank. */
function reshape(template: Message, imei: string, slot: number, powerBankId: string): Message {
  if ('slot' in template) return { ...template, imei, slot, powerBankId };
  if (template.type === 'StatusAnswer') return { ...template, imei, slots: [{ slot, status: 'full', code: 'FU', powerBankId }] };
  return { ...template, imei };
}

/** Any message of any type for a station with `slotCount` slots. */
function arbMessageFor(slotCount: number): fc.Arbitrary<Message> {
  return fc
    .record({
      template: fc.constantFrom(...MESSAGES),
      imei: fc.stringMatching(/^\d{15}$/),
      slot: fc.integer({ min: 1, max: slotCount }),
      powerBankId: fc.stringMatching(/^[0-9A-Z]{1,32}$/),
    })
    .map(({ template, imei, slot, powerBankId }) => reshape(template, imei, slot, powerBankId));
}

/** Every dialect of PROTOCOL.md section 8 with a catalogue CRC or none: 13 x 3 coverages x 2 byte orders, plus none, x quotes x line endings. */
const EVERY_DIALECT: readonly Dialect[] = [...crcNames, 'none' as const].flatMap((crc) =>
  (crc === 'none' ? (['fields'] as const) : COVERAGES).flatMap((crcCoverage) =>
    (crc === 'none' ? (['highFirst'] as const) : BYTE_ORDERS).flatMap((crcByteOrder) =>
      [true, false].flatMap((quotes) => LINE_ENDINGS.map((lineEnding) => ({ quotes, lineEnding, crc, crcCoverage, crcByteOrder, slotCount: 3 }))),
    ),
  ),
);

const describeDialect = (dialect: Dialect) =>
  `${String(dialect.crc)} over ${dialect.crcCoverage} ${dialect.crcByteOrder}, quotes ${dialect.quotes}, line ending ${JSON.stringify(dialect.lineEnding)}`;

describe('detectDialects', () => {
  it('covers every dialect: 13 CRCs x 3 coverages x 2 byte orders and none, x quotes x line endings', () => {
    expect(EVERY_DIALECT).toHaveLength((13 * 3 * 2 + 1) * 2 * 3);
  });

  it.each(EVERY_DIALECT.map((dialect) => [describeDialect(dialect), dialect] as const))(
    'names %s, and only it, from every message type',
    (_, dialect) => {
      const detection = detectDialects(MESSAGES.map((message) => encode(message, { dialect })));
      expect(detection.matches.map((match) => match.dialect)).toEqual([dialect]);
      expect(detection.matches[0]).toMatchObject({ explained: 15, decoded: 15, unexplained: [], highestSlot: 3, slotEvidence: [2] });
      expect(detection.candidates[0]).toBe(detection.matches[0]);
    },
  );

  it.each(EVERY_DIALECT.map((dialect) => [describeDialect(dialect), dialect] as const))('names %s from a single lend request', (_, dialect) => {
    const frame = encode({ type: 'LendRequest', imei, slot: 2, powerBankId: '1234567890' }, { dialect });
    expect(detectDialects([frame]).matches.map((match) => match.dialect)).toEqual([dialect]);
  });

  it('reads quotes and line ending from the bytes, and counts what it saw', () => {
    const heartbeat = { type: 'Heartbeat', imei } as const;
    const frames = [
      encodeToString(heartbeat, { dialect: { quotes: false, lineEnding: '\n' } }),
      encodeToString(heartbeat, { dialect: { quotes: false, lineEnding: '\n' } }),
      encodeToString(heartbeat, { dialect: { quotes: true, lineEnding: '\r\n' } }),
      `${encodeToString(heartbeat, { dialect: { quotes: false, lineEnding: '' } })}\r`,
    ];
    const detection = detectDialects(frames);
    expect(detection.quotes).toEqual({ value: false, withQuotes: 1, withoutQuotes: 3 });
    expect(detection.lineEnding).toEqual({ value: '\n', crlf: 1, lf: 2, cr: 1, none: 0 });
    // Missing quotes and a lone CR are deviations, not CRC failures: every frame is explained.
    expect(detection.matches[0]?.dialect).toMatchObject({ crc: 'CRC-16/MODBUS', crcCoverage: 'fields', quotes: false, lineEnding: '\n' });
  });

  it('breaks ties the canonical way: quotes, then CRLF, then LF, then none', () => {
    const quoted = encodeToString({ type: 'Heartbeat', imei }, { dialect: { lineEnding: '' } });
    const bare = encodeToString({ type: 'Heartbeat', imei }, { dialect: { quotes: false, lineEnding: '' } });
    expect(detectDialects([quoted, bare]).quotes.value).toBe(true);
    expect(detectDialects([`${quoted}\r\n`, `${quoted}\n`]).lineEnding.value).toBe('\r\n');
    expect(detectDialects([`${quoted}\n`, quoted]).lineEnding.value).toBe('\n');
    expect(detectDialects([quoted, quoted, `${quoted}\n`]).lineEnding.value).toBe('');
  });

  it('infers the slot count from the highest slot seen, never below 3', () => {
    const dialect = { slotCount: 12 };
    const lend = encode({ type: 'LendSuccess', imei, slot: 11, powerBankId: 'A1' }, { dialect });
    const status = encode({ type: 'StatusAnswer', imei, slots: [{ slot: 12, status: 'fault' }, { slot: 4, status: 'full', powerBankId: 'B2' }] }, { dialect });
    expect(detectDialects([lend]).matches[0]).toMatchObject({ highestSlot: 11, dialect: { slotCount: 11 } });
    expect(detectDialects([lend, status]).matches[0]).toMatchObject({ highestSlot: 12, dialect: { slotCount: 12 } });
    const heartbeat = encode({ type: 'Heartbeat', imei });
    expect(detectDialects([heartbeat]).matches[0]).toMatchObject({ highestSlot: 0, dialect: { slotCount: 3 } });
    const low = encode({ type: 'OwnershipQuery', imei, slot: 1, powerBankId: 'C3' });
    expect(detectDialects([low]).matches[0]).toMatchObject({ highestSlot: 1, dialect: { slotCount: 3 } });
  });

  it('lists every dialect that explains all frames, the most likely first, when the frames cannot tell them apart', () => {
    // Found by search: this frame's CRC verifies under MODBUS and under GENIBUS, both over the fields.
    const ambiguous = '{"860123456789014,MC,BO.2.421,279F"}\r\n';
    const detection = detectDialects([ambiguous]);
    expect(detection.matches.map((match) => [match.dialect.crc, match.dialect.crcCoverage])).toEqual([
      ['CRC-16/MODBUS', 'fields'],
      ['CRC-16/GENIBUS', 'fields'],
    ]);
    // One more frame settles it.
    const settled = detectDialects([ambiguous, encode({ type: 'Heartbeat', imei })]);
    expect(settled.matches.map((match) => match.dialect.crc)).toEqual(['CRC-16/MODBUS']);
    expect(settled.candidates.map((candidate) => [candidate.dialect.crc, candidate.explained])).toEqual([
      ['CRC-16/MODBUS', 2],
      ['CRC-16/GENIBUS', 1],
    ]);
  });

  it('ranks the candidate that explains more frames first, whatever the order searched', () => {
    // The ambiguous frame verifies under MODBUS and GENIBUS; the heartbeat only under GENIBUS, searched after MODBUS.
    const ambiguous = '{"860123456789014,MC,BO.2.421,279F"}\r\n';
    const genibus = encode({ type: 'Heartbeat', imei }, { dialect: { crc: 'CRC-16/GENIBUS' } });
    expect(detectDialects([ambiguous, genibus]).candidates.map((candidate) => [candidate.dialect.crc, candidate.explained])).toEqual([
      ['CRC-16/GENIBUS', 2],
      ['CRC-16/MODBUS', 1],
    ]);
  });

  it('lists the frames a candidate leaves out in ascending order, repeats included', () => {
    const heartbeat = encode({ type: 'Heartbeat', imei });
    const damaged = encodeToString({ type: 'StatusQuery', imei }).replace('AFC5', 'AFC6');
    const other = encodeToString({ type: 'Heartbeat', imei: '860123456789022' }).replace(/,([0-9A-F]{4})"/, ',0000"');
    const detection = detectDialects([damaged, other, damaged, heartbeat, other]);
    expect(detection.candidates[0]).toMatchObject({ dialect: { crc: 'CRC-16/MODBUS' }, explained: 1, unexplained: [0, 1, 2, 4] });
  });

  it('counts a frame ending in CR CR as ending in a lone CR, not CRLF', () => {
    const heartbeat = encodeToString({ type: 'Heartbeat', imei }, { dialect: { lineEnding: '' } });
    expect(detectDialects([`${heartbeat}\r\r`]).lineEnding).toEqual({ value: '\r\n', crlf: 0, lf: 0, cr: 1, none: 0 });
  });

  it('ranks partial candidates when no dialect explains every frame, listing the frames each leaves out', () => {
    const dialect = { crc: 'CRC-16/ARC', crcCoverage: 'frame' } as const;
    const frames = MESSAGES.map((message) => encodeToString(message, { dialect }));
    frames[4] = frames[4]!.replace('1234567890', '1234567891'); // damaged on the line
    const detection = detectDialects(frames);
    expect(detection.matches).toEqual([]);
    expect(detection.candidates[0]).toMatchObject({ dialect: { ...dialect, quotes: true, lineEnding: '\r\n', slotCount: 3 }, explained: 14, unexplained: [4] });
    expect(detection.candidates.every((candidate) => candidate.unexplained.includes(4) || candidate.explained < 14)).toBe(true);
  });

  it('counts repeated frames once as evidence and every time as frames', () => {
    const heartbeat = encode({ type: 'Heartbeat', imei });
    const damaged = encodeToString({ type: 'StatusQuery', imei }).replace('AFC5', 'AFC6');
    const detection = detectDialects([heartbeat, damaged, heartbeat, damaged]);
    expect(detection).toMatchObject({ frameCount: 4, distinctFrames: 2, matches: [] });
    expect(detection.candidates[0]).toMatchObject({ explained: 2, decoded: 2, unexplained: [1, 3] });
  });

  it('counts frames whose CRC verifies but which do not decode as explained, not decoded', () => {
    const crc = crc16('860123456789014,XX,').toString(16).toUpperCase().padStart(4, '0');
    const unknownCommand = `{"860123456789014,XX,,${crc}"}`;
    expect(decode(unknownCommand)).toMatchObject({ ok: false, error: { code: 'COMMAND' } });
    const detection = detectDialects([encode({ type: 'Heartbeat', imei }), unknownCommand]);
    expect(detection.matches[0]).toMatchObject({ dialect: { crc: 'CRC-16/MODBUS' }, explained: 2, decoded: 1 });
  });

  it('explains a frame without CRC field by none only when it decodes', () => {
    const none = { crc: 'none' } as const;
    // Its data ends in four hex digits after a '.': a CRC dialect reads them as a CRC, which does not verify.
    const frame = encode({ type: 'OwnershipQuery', imei, slot: 2, powerBankId: 'ABCD' }, { dialect: none });
    expect(detectDialects([frame]).matches.map((match) => match.dialect)).toEqual([{ quotes: true, lineEnding: '\r\n', crc: 'none', crcCoverage: 'fields', crcByteOrder: 'highFirst', slotCount: 3 }]);
    expect(detectDialects(['{"860123456789014,XX,"}']).candidates).toEqual([]);
    expect(detectDialects([encode({ type: 'Heartbeat', imei })]).candidates.map((candidate) => candidate.dialect.crc)).not.toContain('none');
  });

  it('takes any iterable of bytes or strings, and finds nothing in nothing', () => {
    function* frames() {
      yield '{"860123456789014,CH,,3FCE"}\r\n';
      yield encode({ type: 'StatusQuery', imei });
    }
    expect(detectDialects(frames()).matches).toHaveLength(1);
    expect(detectDialects([])).toEqual({
      frameCount: 0,
      distinctFrames: 0,
      searched: 13 * 3 * 2 + 1,
      quotes: { value: true, withQuotes: 0, withoutQuotes: 0 },
      lineEnding: { value: '\r\n', crlf: 0, lf: 0, cr: 0, none: 0 },
      matches: [],
      candidates: [],
    });
    expect(detectDialects(['AT', 'garbage']).candidates).toEqual([]);
  });

  it('always finds the dialect that wrote the frames, either CRC byte order, and every match decodes every frame', () => {
    const arbCatalogueDialect = fc.record({
      quotes: fc.boolean(),
      lineEnding: fc.constantFrom(...LINE_ENDINGS),
      crc: fc.constantFrom<CrcName | 'none'>(...crcNames, 'none'),
      crcCoverage: fc.constantFrom(...COVERAGES),
      crcByteOrder: fc.constantFrom(...BYTE_ORDERS),
      slotCount: fc.integer({ min: 1, max: 999 }),
    });
    const arbCapture = arbCatalogueDialect.chain((dialect) =>
      fc.array(arbMessageFor(dialect.slotCount), { minLength: 1, maxLength: 6 }).map((messages) => ({ dialect, messages })),
    );
    fc.assert(
      fc.property(arbCapture, ({ dialect, messages }) => {
        const frames = messages.map((message) => encode(message, { dialect }));
        const detection = detectDialects(frames);
        const found = detection.matches.find(
          (match) =>
            match.dialect.crc === dialect.crc &&
            (dialect.crc === 'none' || (match.dialect.crcCoverage === dialect.crcCoverage && match.dialect.crcByteOrder === dialect.crcByteOrder)),
        );
        expect(found?.dialect).toMatchObject({ quotes: dialect.quotes, lineEnding: dialect.lineEnding });
        expect(found!.dialect.slotCount).toBeLessThanOrEqual(Math.max(3, dialect.slotCount));
        for (const match of detection.matches) {
          for (const [index, frame] of frames.entries()) {
            expect(decode(frame, { dialect: match.dialect })).toMatchObject({ ok: true, message: messages[index] });
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('names the frames that show the slot count', () => {
    const dialect = { slotCount: 12 };
    const frames = [
      encode({ type: 'Heartbeat', imei }),
      encode({ type: 'StatusAnswer', imei, slots: [{ slot: 12, status: 'fault' }] }, { dialect }),
      encode({ type: 'LendRequest', imei, slot: 4, powerBankId: 'A1' }, { dialect }),
      encode({ type: 'LendSuccess', imei, slot: 12, powerBankId: 'B2' }, { dialect }),
      encode({ type: 'StatusAnswer', imei, slots: [{ slot: 12, status: 'fault' }] }, { dialect }),
    ];
    expect(detectDialects(frames).matches[0]).toMatchObject({ highestSlot: 12, slotEvidence: [1, 3, 4], dialect: { slotCount: 12 } });
    expect(detectDialects(frames.slice(0, 1)).matches[0]).toMatchObject({ highestSlot: 0, slotEvidence: [], dialect: { slotCount: 3 } });
  });

  it('finds a CRC written low byte first, the MODBUS RTU habit', () => {
    const heartbeat = '{"860123456789014,CH,,CE3F"}\r\n'; // 3FCE, its bytes swapped
    const status = encodeToString({ type: 'StatusQuery', imei }, { dialect: { crcByteOrder: 'lowFirst' } });
    expect(status).toBe('{"860123456789014,CQ,,C5AF"}\r\n');
    const { matches } = detectDialects([heartbeat, status]);
    expect(matches.map((match) => [match.dialect.crc, match.dialect.crcCoverage, match.dialect.crcByteOrder])).toEqual([['CRC-16/MODBUS', 'fields', 'lowFirst']]);
  });

  it('tries custom CRC parameters first, and takes a catalogue algorithm given as parameters for itself', () => {
    const custom: CrcParams = { width: 16, poly: 0x1021, init: 0x1234, refin: false, refout: false, xorout: 0x0f0f };
    const frames = MESSAGES.slice(0, 4).map((message) => encode(message, { dialect: { crc: custom, crcByteOrder: 'lowFirst' } }));
    expect(detectDialects(frames).candidates).toEqual([]);
    const found = detectDialects(frames, { crcs: [custom] });
    expect(found.searched).toBe(14 * 3 * 2 + 1);
    expect(found.matches.map((match) => match.dialect)).toEqual([{ quotes: true, lineEnding: '\r\n', crc: custom, crcCoverage: 'fields', crcByteOrder: 'lowFirst', slotCount: 3 }]);

    const modbus = { ...crcCatalogue['CRC-16/MODBUS'] };
    const canonical = detectDialects([encode(MESSAGES[0]!), encode(MESSAGES[3]!)], { crcs: [modbus, 'CRC-16/XMODEM'] });
    expect(canonical.searched).toBe(13 * 3 * 2 + 1);
    expect(canonical.matches.map((match) => match.dialect.crc)).toEqual(['CRC-16/MODBUS']);
    expect(() => detectDialects([], { crcs: [{ ...custom, poly: 0x10000 }] })).toThrow(expect.objectContaining({ name: 'ProtocolError', code: 'OPTIONS' }));
  });
});

describe('detectDialectsBySender', () => {
  const station = { crc: 'CRC-16/XMODEM', crcCoverage: 'frame', quotes: false, lineEnding: '\n', slotCount: 12 } as const;
  const stationImei = '861234567890126';
  // A server in the canonical dialect and a station with twelve slots in another: only the station's status answer names slot 12.
  const conversation: ReadonlyArray<readonly [Message, 'device' | 'server']> = [
    [{ type: 'StatusQuery', imei: stationImei }, 'server'],
    [{ type: 'StatusAnswer', imei: stationImei, slots: [{ slot: 1, status: 'full', code: 'FU', powerBankId: 'PB1001' }, { slot: 12, status: 'fault', code: 'ER' }] }, 'device'],
    [{ type: 'LendRequest', imei: stationImei, slot: 1, powerBankId: 'PB1001' }, 'server'],
    [{ type: 'LendSuccess', imei: stationImei, slot: 1, powerBankId: 'PB1001' }, 'device'],
    [{ type: 'LendSuccessAck', imei: stationImei, slot: 1, powerBankId: 'PB1001' }, 'server'],
    [{ type: 'StatusQuery', imei: stationImei }, 'server'],
  ];
  const frames = conversation.map(([message, from]) => encode(message, { dialect: from === 'device' ? station : {} }));

  it('reproduces the wrong slot count of a capture of both directions read as one', () => {
    const [best] = detectDialects(frames).candidates;
    // The server's frames outnumber the station's: their dialect wins, and it decodes no frame naming slot 12.
    expect(best).toMatchObject({ dialect: { crc: 'CRC-16/MODBUS', slotCount: 3 }, explained: 4, unexplained: [1, 3] });
  });

  it('names the dialect of each side, and the station slot count from the frames of both', () => {
    const detection = detectDialectsBySender(frames.map((frame) => ({ frame })));
    expect(detection.device).toMatchObject({ frames: [1, 3], frameCount: 2 });
    expect(detection.device?.matches.map((match) => match.dialect)).toEqual([{ ...station, crcByteOrder: 'highFirst' }]);
    expect(detection.device?.matches[0]).toMatchObject({ highestSlot: 12, slotEvidence: [1], unexplained: [] });
    expect(detection.server).toMatchObject({ frames: [0, 2, 4, 5], frameCount: 4 });
    expect(detection.server?.matches.map((match) => match.dialect)).toEqual([{ ...canonicalDialectFor(12) }]);
    expect(detection).toMatchObject({ sameDialect: false, unknownSender: [], slots: { count: 12, highest: 12, evidence: [1] } });
    // decode and encode with each side's dialect take every frame of that side.
    for (const [index, [message, from]] of conversation.entries()) {
      expect(decode(frames[index]!, { dialect: detection[from]!.matches[0]!.dialect, mode: 'strict' })).toMatchObject({ ok: true, message });
    }
  });

  it('takes the sender from the capture when given, and counts frames no side claims', () => {
    const lend = encode({ type: 'LendRequest', imei, slot: 2, powerBankId: 'A1' });
    const crc = crc16('860123456789014,XX,').toString(16).toUpperCase().padStart(4, '0');
    const unknown = `{"860123456789014,XX,,${crc}"}\r\n`;
    const detection = detectDialectsBySender([{ frame: lend }, { frame: unknown }, { frame: unknown, from: 'device' }, { frame: 'noise' }]);
    expect(detection).toMatchObject({ unknownSender: [1, 3], sameDialect: true, slots: { count: 3, highest: 2, evidence: [0] } });
    expect(detection.device).toMatchObject({ frames: [2], matches: [{ explained: 1, decoded: 0, slotEvidence: [] }] });
    expect(detectDialectsBySender([{ frame: lend }])).toMatchObject({ device: undefined, sameDialect: undefined, slots: { count: 3, highest: 2, evidence: [0] } });
  });

  it('takes both sides for one dialect when a damaged frame leaves one short, and for two when quotes or line endings differ', () => {
    const frames = GOLDEN.map(([frame]) => frame);
    frames[11] = frames[11]!.replace('D488', 'D489'); // MR.BF, from the station, damaged
    const damaged = detectDialectsBySender(frames.map((frame) => ({ frame })));
    expect(damaged).toMatchObject({ sameDialect: true, device: { matches: [] }, server: { matches: [{ dialect: { crc: 'CRC-16/MODBUS' } }] } });
    const bare = GOLDEN.map(([frame, message]) => (messageTypes[message.type].sender === 'device' ? frame.replace('{"', '{').replace('"}', '}') : frame));
    expect(detectDialectsBySender(bare.map((frame) => ({ frame }))).sameDialect).toBe(false);
    const crlf = GOLDEN.map(([frame, message]) => (messageTypes[message.type].sender === 'device' ? frame.replace('\r\n', '\n') : frame));
    expect(detectDialectsBySender(crlf.map((frame) => ({ frame }))).sameDialect).toBe(false);
    expect(detectDialectsBySender([{ frame: GOLDEN[0]![0] }, { frame: '{"860123456789014,CQ,,0000"}' }]).sameDialect).toBeUndefined();
  });

  it('takes the sides for two dialects when their CRC algorithms differ', () => {
    const frames = GOLDEN.map(([frame, message]) =>
      messageTypes[message.type].sender === 'device' ? encodeToString(message, { dialect: { crc: 'CRC-16/XMODEM' } }) : frame,
    );
    const detection = detectDialectsBySender(frames.map((frame) => ({ frame })));
    expect(detection).toMatchObject({ sameDialect: false, device: { matches: [{ dialect: { crc: 'CRC-16/XMODEM' } }] }, server: { matches: [{ dialect: { crc: 'CRC-16/MODBUS' } }] } });
  });

  it('merges the slot evidence of both sides when both name the highest slot', () => {
    const twelve = { slotCount: 12 };
    const both = [
      encode({ type: 'LendRequest', imei, slot: 12, powerBankId: 'A1' }, { dialect: twelve }),
      encode({ type: 'Heartbeat', imei }),
      encode({ type: 'LendSuccess', imei, slot: 12, powerBankId: 'A1' }, { dialect: twelve }),
      encode({ type: 'LendSuccessAck', imei, slot: 12, powerBankId: 'A1' }, { dialect: twelve }),
    ];
    expect(detectDialectsBySender(both.map((frame) => ({ frame }))).slots).toEqual({ count: 12, highest: 12, evidence: [0, 2, 3] });
    expect(detectDialectsBySender(both.slice(1, 2).map((frame) => ({ frame }))).slots).toEqual({ count: 3, highest: 0, evidence: [] });
  });
});

/** The canonical dialect with `slotCount` slots. */
function canonicalDialectFor(slotCount: number): Dialect {
  return { quotes: true, lineEnding: '\r\n', crc: 'CRC-16/MODBUS', crcCoverage: 'fields', crcByteOrder: 'highFirst', slotCount };
}


describe('senderOfWord', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('reads the sender from the two letters after the first comma, when a separator follows them', () => {
    expect(senderOfWord(bytes('{"860123456789014,CH,,3FCE"}'))).toBe('device');
    expect(senderOfWord(bytes('{"860123456789014,CC;BW.1.A,0000"}'))).toBe('server');
    expect(senderOfWord(bytes('{"860123456789014,CHX,,3FCE"}'))).toBeUndefined();
    expect(senderOfWord(bytes('{"860123456789014,XY,,3FCE"}'))).toBeUndefined();
  });

  it('finds no sender without a comma, even where the first bytes spell a word', () => {
    expect(senderOfWord(bytes('CH.'))).toBeUndefined();
    expect(senderOfWord(bytes(''))).toBeUndefined();
  });
});
