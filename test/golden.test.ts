import { describe, expect, it } from 'vitest';
import { decode, encode, encodeToString } from 'powerbank-codec';
import { GOLDEN } from './support/vectors.js';

describe('the canonical examples of PROTOCOL.md section 4', () => {
  it.each(GOLDEN)('%j decodes to the right message with no deviation', (frame, message) => {
    expect(decode(frame)).toStrictEqual({ ok: true, message, deviations: [] });
    expect(decode(frame, { mode: 'strict' })).toStrictEqual({ ok: true, message, deviations: [] });
  });

  it.each(GOLDEN)('%j re-encodes to the same bytes', (frame, message) => {
    expect(encodeToString(message)).toBe(frame);
    expect(encode(message)).toStrictEqual(new TextEncoder().encode(frame));
  });

  it.each(GOLDEN)('%j decodes the same as bytes, without its line ending, and from the right side', (frame, message) => {
    const expected = { ok: true, message, deviations: [] };
    expect(decode(new TextEncoder().encode(frame))).toStrictEqual(expected);
    expect(decode(frame.slice(0, -2), { mode: 'strict' })).toStrictEqual(expected);
    const from = frame.includes(',CH,') || /,(AQ|MQ|MC|MR),/.test(frame) ? 'device' : 'server';
    expect(decode(frame, { from, checkImei: 'luhn', mode: 'strict' })).toStrictEqual(expected);
  });

  it('covers all fourteen message types', () => {
    expect(new Set(GOLDEN.map(([, message]) => message.type)).size).toBe(14);
  });
});
