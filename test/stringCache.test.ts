/**
 * The decoder's cache of field strings is internal, so this file imports it from `src/`;
 * the last tests check it through `decode`, the way users meet it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, decode, encode, type DecodeOptions, type Message } from 'powerbank-codec';
import { StringCache } from '../src/fields/stringCache.js';

/** The longest string the caches below keep. */
const MAX_LENGTH = 32;

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const ascii = (text: string) => new TextEncoder().encode(text);

/** Stores the string of `bytes` the way the decoder does. */
function store(cache: StringCache, bytes: Uint8Array): string {
  return cache.store(latin1(bytes), bytes, 0, bytes.length);
}

describe('StringCache', () => {
  it('returns the very string it stored for the same bytes, found anywhere in a buffer', () => {
    const cache = new StringCache(8, MAX_LENGTH);
    const stored = store(cache, ascii('860123456789014'));
    const frame = ascii('{"860123456789014,CH,,3FCE"}');
    expect(cache.find(frame, 2, 17)).toBe(stored);
  });

  it('finds nothing it was not given, nor an empty string, nor an over-long one', () => {
    const cache = new StringCache(8, MAX_LENGTH);
    expect(cache.find(ascii('1234567890'), 0, 10)).toBeUndefined();
    expect(cache.find(ascii(''), 0, 0)).toBeUndefined();
    const long = ascii('A'.repeat(MAX_LENGTH + 1));
    expect(store(cache, long)).toBe('A'.repeat(MAX_LENGTH + 1));
    expect(cache.find(long, 0, long.length)).toBeUndefined();
    expect(cache.count).toBe(0);
  });

  it('has a power-of-two number of slots, at least the capacity asked for', () => {
    expect(new StringCache(1, MAX_LENGTH).size).toBe(1);
    expect(new StringCache(6, MAX_LENGTH).size).toBe(8);
    expect(new StringCache(64, MAX_LENGTH).size).toBe(64);
  });

  it('never returns a string other than the one the bytes spell, and stays bounded', () => {
    const field = fc.uint8Array({ minLength: 0, maxLength: MAX_LENGTH + 2 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.tuple(fc.boolean(), field), { maxLength: 300 }), (capacity, steps) => {
        const cache = new StringCache(capacity, MAX_LENGTH);
        for (const [storing, bytes] of steps) {
          const found = cache.find(bytes, 0, bytes.length);
          if (found !== undefined && found !== latin1(bytes)) return false;
          if (storing) store(cache, bytes);
          if (cache.count > cache.size) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart strings that share their hashed last bytes', () => {
    const cache = new StringCache(1, MAX_LENGTH); // one slot: every string competes for it
    const a = ascii('111111111123456');
    const b = ascii('999999999123456');
    store(cache, a);
    expect(cache.find(b, 0, b.length)).toBeUndefined();
    expect(cache.find(a, 0, a.length)).toBe(latin1(a));
  });
});

describe('StringCache: what it holds', () => {
  it('counts the strings it holds', () => {
    const cache = new StringCache(64, MAX_LENGTH);
    expect(cache.count).toBe(0);
    store(cache, ascii('860123456789014'));
    expect(cache.count).toBe(1);
    store(cache, ascii('860123456789014'));
    expect(cache.count).toBe(1);
  });

  it('keeps and finds a string of exactly its longest length, and short ones', () => {
    const cache = new StringCache(8, MAX_LENGTH);
    for (const text of ['B'.repeat(MAX_LENGTH), 'AB1', 'Z', '1234']) {
      const bytes = ascii(`${text};;;;`);
      cache.store(text, bytes, 0, text.length);
      expect(cache.find(bytes, 0, text.length)).toBe(text);
    }
  });

  it('tells a stored string from every string of its length that differs from it in one byte', () => {
    // The bytes are compared four to a word: this changes each byte of each word, the
    // last, partial word included, by its lowest and its highest bit.
    for (let length = 1; length <= 9; length++) {
      const cache = new StringCache(1, 9);
      const bytes = ascii('123456789'.slice(0, length));
      const stored = store(cache, bytes);
      for (let at = 0; at < length; at++) {
        for (const bit of [0x01, 0x80]) {
          const other = bytes.slice();
          other[at] = bytes[at]! ^ bit;
          expect(cache.find(other, 0, length), `length ${length}, byte ${at}, bit ${bit}`).toBeUndefined();
        }
      }
      expect(cache.find(bytes, 0, length)).toBe(stored);
    }
  });

  it('finds a string stored from the middle of one buffer in the middle of another', () => {
    const cache = new StringCache(64, 15);
    const first = ascii('{"860123456789014,CH,,3FCE"}');
    cache.store('860123456789014', first, 2, 17);
    const second = ascii('xxxxxxxxxxxx860123456789014,MC');
    expect(cache.find(second, 12, 27)).toBe('860123456789014');
    expect(cache.find(ascii('860123456789014'), 0, 15)).toBe('860123456789014');
    for (const id of ['Z', 'Z9']) {
      cache.store(id, ascii(id), 0, id.length);
      expect(cache.find(ascii(`,BO.2.${id},`), 6, 6 + id.length)).toBe(id);
    }
  });

  it('stores a string from the middle of a buffer even when its offset exceeds the longest length', () => {
    const cache = new StringCache(8, 15);
    const bytes = ascii(`${'-'.repeat(40)}860123456789014`);
    cache.store('860123456789014', bytes, 40, 55);
    expect(cache.count).toBe(1);
    expect(cache.find(bytes, 40, 55)).toBe('860123456789014');
  });

  it('spreads the ids of one station, which differ in their last characters, over its slots', () => {
    const cache = new StringCache(64, MAX_LENGTH);
    for (let digit = 0; digit < 10; digit++) store(cache, ascii(`123456789${digit}`));
    expect(cache.count).toBeGreaterThan(1);
  });

  it('loses no string it holds when it stores another next to it', () => {
    // Whenever two strings end up in two slots, both are found: storing one never
    // overwrites the bytes kept for another. Each cache here takes strings of exactly
    // its longest length, and lengths that fill their last word (4, 8) are those where
    // a write one word too many would spill into the next slot.
    for (const length of [3, 4, 5, 8]) {
      const field = fc.string({ unit: fc.constantFrom('A', 'B', 'C', '1', '2'), minLength: length, maxLength: length });
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 4 }), field, field, (capacity, a, b) => {
          const cache = new StringCache(capacity, length);
          const bytesA = ascii(`${a};`);
          const bytesB = ascii(`${b};`);
          cache.store(a, bytesA, 0, length);
          cache.store(b, bytesB, 0, length);
          if (a === b || cache.count !== 2) return true;
          return cache.find(bytesA, 0, length) === a && cache.find(bytesB, 0, length) === b;
        }),
        { numRuns: 500 },
      );
    }
  });

  it('tells strings apart by their length, even where the words compared are the same', () => {
    // One slot, so that every string lands in it. 'ABCD' is the first word of 'ABCD1',
    // and 'AB' packs into the same word as 'AB' followed by a zero byte.
    const cache = new StringCache(1, 8);
    const long = store(cache, ascii('ABCD1'));
    expect(cache.find(ascii('ABCD'), 0, 4)).toBeUndefined();
    expect(cache.find(ascii('ABCD1'), 0, 5)).toBe(long);
    const short = store(cache, ascii('AB'));
    expect(cache.find(new Uint8Array([0x41, 0x42, 0x00]), 0, 3)).toBeUndefined();
    expect(cache.find(ascii('AB'), 0, 2)).toBe(short);
  });

  it('finds a string that took the slot of a longer one, whose last bytes it does not overwrite', () => {
    const cache = new StringCache(1, 8);
    store(cache, ascii('ABCDEFGH'));
    const shorter = store(cache, ascii('WXYZ'));
    expect(cache.find(ascii('WXYZ'), 0, 4)).toBe(shorter);
    expect(cache.find(ascii('ABCDEFGH'), 0, 8)).toBeUndefined();
  });
});

describe('decoding through the cache', () => {
  const stationMessages = (imei: string, id: string): Message[] => [
    { type: 'Heartbeat', imei },
    { type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'full', code: 'FU', powerBankId: id }] },
    { type: 'LendSuccess', imei, slot: 2, powerBankId: id },
  ];
  const digits = (length: number) => fc.stringMatching(new RegExp(`^[0-9]{${length}}$`));
  const id = fc.stringMatching(/^[0-9A-Z]{1,32}$/);

  it('gives every frame its own strings, whatever came before, with decode and createDecoder', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(digits(15), id, fc.nat(2)), { minLength: 1, maxLength: 60 }), (frames) => {
        const stream = createDecoder();
        return frames.every(([imei, powerBankId, which]) => {
          const message = stationMessages(imei, powerBankId)[which]!;
          const bytes = encode(message);
          const decoded = decode(bytes);
          const [item] = stream.push(bytes);
          return decoded.ok && JSON.stringify(decoded.message) === JSON.stringify(message) && item?.kind === 'message' && JSON.stringify(item.message) === JSON.stringify(message);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('checks an IMEI it has not seen, even right after one that passed', () => {
    const options: DecodeOptions = { checkImei: 'luhn' };
    expect(decode('{"860123456789014,CH,,3FCE"}', options).ok).toBe(true);
    expect(decode('{"860123456789014,CH,,3FCE"}', options).ok).toBe(true);
    const bad = decode(encodeFrameFor('860123456789015'), options);
    expect(!bad.ok && bad.error.code).toBe('IMEI');
  });

  it('keeps what each decoder checked to itself: a Luhn decoder never trusts an IMEI another decoder let through', () => {
    const unchecked = '860123456789015'; // fails the Luhn check
    expect(decode(encodeFrameFor(unchecked)).ok).toBe(true);
    const result = decode(encodeFrameFor(unchecked), { checkImei: 'luhn' });
    expect(!result.ok && result.error.code).toBe('IMEI');
  });
});

/** A heartbeat frame for any 15 digits, Luhn digit right or not. */
function encodeFrameFor(imei: string): Uint8Array {
  return encode({ type: 'Heartbeat', imei });
}
