import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDialect, crcCatalogue, decode, encode, messageTypes, type CrcName, type MessageType } from 'powerbank-codec';
import {
  arbChunking,
  arbCorruptedFrame,
  arbDialect,
  arbFrame,
  arbMessage,
  arbNoisyStream,
  Chunking,
  type Corruption,
} from 'powerbank-codec/arbitraries';

const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns = 500) => fc.sample(arbitrary, { numRuns, seed: 1 });

/** Runs `check` with fast-check generating values of `baseSize` (users may configure it so), then restores the configuration. */
function withBaseSize(baseSize: fc.Size, check: () => void): void {
  const saved = fc.readConfigureGlobal();
  fc.configureGlobal({ ...saved, baseSize });
  try {
    check();
  } finally {
    fc.configureGlobal(saved);
  }
}

describe('arbMessage', () => {
  it('generates every message type, each one encodable', () => {
    const messages = sample(arbMessage(), 2_000);
    expect(new Set(messages.map((message) => message.type))).toEqual(new Set(Object.keys(messageTypes)));
    for (const message of messages) expect(() => encode(message)).not.toThrow();
  });

  it('keeps to the given types and slot count', () => {
    const types: MessageType[] = ['LendRequest', 'StatusAnswer'];
    for (const message of sample(arbMessage({ types, slotCount: 40 }))) {
      expect(types).toContain(message.type);
      const slots = message.type === 'StatusAnswer' ? message.slots.map((record) => record.slot) : 'slot' in message ? [message.slot] : [];
      for (const slot of slots) expect(slot).toBeLessThanOrEqual(40);
      expect(() => encode(message, { dialect: { slotCount: 40 } })).not.toThrow();
    }
    expect(sample(arbMessage({ types, slotCount: 40 })).some((message) => message.type === 'LendRequest' && message.slot > 3)).toBe(true);
  });
  it('gives fault records a power-bank id or none, and every other record one', () => {
    const records = sample(arbMessage({ types: ['StatusAnswer'] }), 500).flatMap((message) => (message.type === 'StatusAnswer' ? message.slots : []));
    const kinds = new Set(records.map((record) => `${record.status}:${record.powerBankId === undefined ? 'no id' : 'id'}`));
    expect([...kinds].sort()).toEqual(['depleted:id', 'fault:id', 'fault:no id', 'full:id', 'notFull:id']);
  });

  it('lists up to 8 distinct slots in a status answer', () => {
    const counts = sample(arbMessage({ types: ['StatusAnswer'], slotCount: 40 }), 1_000).map((message) => {
      const slots = message.type === 'StatusAnswer' ? message.slots.map((record) => record.slot) : [];
      expect(new Set(slots).size).toBe(slots.length);
      return slots.length;
    });
    expect(Math.max(...counts)).toBe(8);
  });
});

describe('arbDialect', () => {
  it('covers every catalogue CRC, custom parameters, no CRC, every coverage, quotes and line ending', () => {
    const dialects = sample(arbDialect(), 3_000);
    const crcs = new Set(dialects.map((dialect) => (typeof dialect.crc === 'string' ? dialect.crc : 'custom')));
    expect(crcs).toEqual(new Set([...Object.keys(crcCatalogue), 'none', 'custom']));
    expect(new Set(dialects.map((dialect) => dialect.crcCoverage)).size).toBe(3);
    expect(new Set(dialects.map((dialect) => dialect.lineEnding)).size).toBe(3);
    expect(new Set(dialects.map((dialect) => dialect.quotes)).size).toBe(2);
  });

  it('leaves out custom parameters and no-CRC dialects when asked, and bounds the slot count', () => {
    for (const dialect of sample(arbDialect({ customCrc: false, noCrc: false, maxSlotCount: 5 }))) {
      expect(Object.keys(crcCatalogue)).toContain(dialect.crc);
      expect(dialect.slotCount).toBeLessThanOrEqual(5);
    }
  });
});

describe('arbFrame', () => {
  it('generates canonical frames by default, which decode strictly to their message', () => {
    for (const { bytes, message, dialect } of sample(arbFrame())) {
      expect(dialect.crc).toBe('CRC-16/MODBUS');
      expect(decode(bytes, { mode: 'strict' })).toEqual({ ok: true, message, deviations: [] });
    }
  });

  it('keeps to the given types', () => {
    for (const { message } of sample(arbFrame({ types: ['Heartbeat'] }), 50)) expect(message.type).toBe('Heartbeat');
    for (const { messages } of sample(arbNoisyStream({ types: ['StatusQuery'] }), 50)) for (const message of messages) expect(message.type).toBe('StatusQuery');
  });

  it('uses a fixed partial dialect, or an arbitrary of dialects', () => {
    for (const { dialect } of sample(arbFrame({ dialect: { quotes: false } }), 50)) expect(dialect.quotes).toBe(false);
    for (const { dialect } of sample(arbFrame({ dialect: arbDialect({ noCrc: false }) }), 200)) expect(dialect.crc).not.toBe('none');
  });
  it('draws from any dialect for \'any\', and from exactly the arbitrary given', () => {
    const frames = sample(arbFrame({ dialect: 'any' }), 200);
    expect(new Set(frames.map(({ dialect }) => String(typeof dialect.crc === 'string' ? dialect.crc : 'custom'))).size).toBeGreaterThan(5);
    const xmodem = { ...canonicalDialect, crc: 'CRC-16/XMODEM', crcCoverage: 'frame', quotes: false } as const;
    for (const { bytes, dialect, message } of sample(arbFrame({ dialect: fc.constant(xmodem) }), 20)) {
      expect(dialect).toStrictEqual(xmodem);
      expect(decode(bytes, { dialect: xmodem, mode: 'strict' })).toEqual({ ok: true, message, deviations: [] });
    }
  });
});

describe('arbCorruptedFrame', () => {
  it('generates every kind of corruption, each with the code decode must give', () => {
    const corrupted = sample(arbCorruptedFrame({ dialect: 'any' }), 3_000);
    const kinds = new Set(corrupted.map(({ corruption }) => corruption.kind));
    expect(kinds).toEqual(new Set<Corruption['kind']>(['substitute', 'burst', 'swap', 'crcDigit', 'truncate', 'dropBrace']));
    for (const { bytes, original, dialect, corruption } of corrupted) {
      expect(bytes).not.toEqual(original);
      expect(corruption.description.length).toBeGreaterThan(0);
      const result = decode(bytes, { dialect });
      expect(result.ok ? 'ok' : result.error.code, corruption.description).toBe(corruption.expected);
    }
  });

  it('applies only the kinds asked for', () => {
    for (const { corruption } of sample(arbCorruptedFrame({ dialect: 'any', kinds: ['burst', 'truncate'] }), 300)) {
      expect(['burst', 'truncate']).toContain(corruption.kind);
    }
    expect(() => sample(arbCorruptedFrame({ dialect: { crc: 'none' }, kinds: ['burst'] }), 1)).toThrow(/none of the kinds \["burst"\] applies/);
  });

  it('only corrupts the structure of frames without a CRC', () => {
    for (const { corruption } of sample(arbCorruptedFrame({ dialect: { crc: 'none' } }), 200)) {
      expect(['truncate', 'dropBrace']).toContain(corruption.kind);
    }
  });
  it.each<Corruption['kind']>(['substitute', 'burst', 'swap', 'crcDigit', 'truncate', 'dropBrace'])('applies the kind %s alone when asked', (kind) => {
    for (const { corruption } of sample(arbCorruptedFrame({ kinds: [kind] }), 50)) expect(corruption.kind).toBe(kind);
  });

  it('applies a structural kind alone to frames without a CRC when asked', () => {
    for (const kind of ['truncate', 'dropBrace'] as const) {
      for (const { corruption } of sample(arbCorruptedFrame({ dialect: { crc: 'none' }, kinds: [kind] }), 20)) expect(corruption.kind).toBe(kind);
    }
  });

  it('substitutes bytes anywhere in the CRC-covered fields but their commas, with bytes that keep the envelope whole', () => {
    for (const crcCoverage of ['fields', 'fieldsWithComma', 'frame'] as const) {
      const positions = new Set<number>();
      for (const { bytes, original, corruption } of sample(arbCorruptedFrame({ dialect: { crcCoverage }, types: ['Heartbeat'], kinds: ['substitute'] }), 500)) {
        const text = new TextDecoder().decode(original);
        expect(corruption.at).toBeGreaterThanOrEqual(2); // after {"
        expect(corruption.at).toBeLessThanOrEqual(text.lastIndexOf(',') - (crcCoverage === 'fields' ? 1 : 0));
        positions.add(corruption.at);
        const [, at, from, to] = /^byte (\d+) changed from 0x([0-9A-F]{2}) to 0x([0-9A-F]{2})$/.exec(corruption.description) ?? [];
        expect([Number(at), Number.parseInt(from!, 16), Number.parseInt(to!, 16)]).toEqual([corruption.at, original[corruption.at], bytes[corruption.at]]);
        expect(String.fromCharCode(bytes[corruption.at]!)).toMatch(/^[!-~]$/);
        expect(',{}".;').not.toContain(String.fromCharCode(bytes[corruption.at]!));
      }
      // '{"860123456789014,CH,' is 21 bytes: positions 2 to 20 but the commas at 17 and 20 (a
      // changed separator breaks the envelope: FRAME, not CRC).
      expect(positions.size).toBe(17);
    }
  });

  it('flips bursts that start and end with a flipped bit, in the CRC\'s bit order, with any bits between', () => {
    const interior = new Set<number>();
    let withGaps = 0;
    for (const { bytes, original, dialect, corruption } of sample(arbCorruptedFrame({ dialect: arbDialect({ noCrc: false }), kinds: ['burst'] }), 1_000)) {
      const [, length, first, at, order] = /^a burst of (\d+) bits flipped from bit (\d) of byte (\d+) \((LSB|MSB) first\)$/.exec(corruption.description) ?? [];
      const reflected = typeof dialect.crc === 'string' ? crcCatalogue[dialect.crc as CrcName].refin : dialect.crc.refin;
      expect(order).toBe(reflected ? 'LSB' : 'MSB');
      expect(Number(at)).toBe(corruption.at);
      // Bit positions flipped, counted from bit 0 of byte `at` in the CRC's bit order.
      const flipped: number[] = [];
      for (let index = 0; index < original.length; index++) {
        for (let bit = 0; bit < 8; bit++) {
          if (((original[index]! ^ bytes[index]!) >> bit) & 1) flipped.push((index - corruption.at) * 8 + (reflected ? bit : 7 - bit));
        }
      }
      flipped.sort((a, b) => a - b);
      expect(flipped[0]).toBe(Number(first));
      expect(flipped.at(-1)).toBe(Number(first) + Number(length) - 1);
      if (flipped.length < Number(length)) withGaps++;
      if (Number(length) === 16) for (const position of flipped) interior.add(position - Number(first));
    }
    expect(withGaps).toBeGreaterThan(0);
    expect([...interior].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, index) => index));
  });

  it('swaps two adjacent bytes and nothing else', () => {
    for (const { bytes, original, corruption } of sample(arbCorruptedFrame({ kinds: ['swap'] }), 200)) {
      const { at } = corruption;
      expect(corruption.description).toBe(`bytes ${at} and ${at + 1} exchanged`);
      const expected = original.slice();
      expected[at] = original[at + 1]!;
      expected[at + 1] = original[at]!;
      expect(bytes).toEqual(expected);
    }
  });
});

describe('Chunking and arbChunking', () => {
  it('cuts at the given positions, modulo the length, with empty chunks for repeats', () => {
    const bytes = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(new Chunking([2, 2, 5]).split(bytes)).toEqual([Uint8Array.of(1, 2), Uint8Array.of(), Uint8Array.of(3, 4, 5), Uint8Array.of(6)]);
    expect(new Chunking([9]).split(bytes)).toEqual([Uint8Array.of(1, 2), Uint8Array.of(3, 4, 5, 6)]);
    expect(new Chunking([]).split(bytes)).toEqual([bytes]);
    expect(new Chunking('everyByte').split(bytes)).toHaveLength(6);
  });

  it('shows itself readably in a counterexample', () => {
    expect(fc.stringify(new Chunking([3, 1]))).toBe('new Chunking([3,1])');
    expect(fc.stringify(new Chunking('everyByte'))).toBe("new Chunking('everyByte')");
  });

  it('sometimes cuts a stream into single bytes', () => {
    expect(sample(arbChunking(), 300).some((chunking) => chunking.cuts === 'everyByte')).toBe(true);
  });
  it('cuts at up to maxCuts positions (40 by default), however large fast-check is told to make values', () => {
    withBaseSize('medium', () => {
      const lengths = sample(arbChunking(), 300).map((chunking) => (chunking.cuts === 'everyByte' ? -1 : chunking.cuts.length));
      expect(Math.max(...lengths)).toBe(40);
      const few = sample(arbChunking({ maxCuts: 2 }), 300).map((chunking) => (chunking.cuts === 'everyByte' ? 0 : chunking.cuts.length));
      expect(Math.max(...few)).toBe(2);
    });
    expect(sample(arbChunking(), 300).filter((chunking) => chunking.cuts !== 'everyByte').length).toBeGreaterThan(200);
  });
});

describe('arbNoisyStream', () => {
  it('puts every message in the stream, in order, as a frame of its dialect', () => {
    for (const { bytes, messages, dialect } of sample(arbNoisyStream({ dialect: 'any' }), 200)) {
      let from = 0;
      for (const message of messages) {
        const frame = encode(message, { dialect });
        const at = Buffer.from(bytes).indexOf(Buffer.from(frame), from);
        expect(at).toBeGreaterThanOrEqual(from);
        from = at + frame.length;
      }
    }
  });
  it('puts up to maxFrames frames (15 by default) in a stream, and up to 60 bytes of noise around each, however large fast-check is told to make values', () => {
    withBaseSize('medium', () => {
      expect(Math.max(...sample(arbNoisyStream({ types: ['Heartbeat'] }), 200).map(({ messages }) => messages.length))).toBe(15);
      expect(Math.max(...sample(arbNoisyStream({ maxFrames: 2 }), 200).map(({ messages }) => messages.length))).toBe(2);
      let longestBefore = 0;
      let longestAfter = 0;
      for (const { bytes, messages } of sample(arbNoisyStream({ types: ['Heartbeat'], maxFrames: 1 }), 300)) {
        if (messages.length === 0) continue;
        const frame = encode(messages[0]!);
        const at = Buffer.from(bytes).indexOf(Buffer.from(frame));
        longestBefore = Math.max(longestBefore, at);
        longestAfter = Math.max(longestAfter, bytes.length - at - frame.length);
      }
      expect([longestBefore, longestAfter]).toEqual([60, 60]);
    });
  });
});
