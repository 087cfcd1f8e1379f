import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crcCatalogue, decode, encode, messageTypes, type MessageType } from 'powerbank-codec';
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
});
