import { describe, expect, it } from 'vitest';
import { canonicalDialect, decode, encodeToString } from 'powerbank-codec';

describe('canonicalDialect', () => {
  it('is the dialect of PROTOCOL.md section 2, frozen', () => {
    expect(canonicalDialect).toStrictEqual({ quotes: true, lineEnding: '\r\n', crc: 'CRC-16/MODBUS', crcCoverage: 'fields', crcByteOrder: 'highFirst', slotCount: 3 });
    expect(Object.isFrozen(canonicalDialect)).toBe(true);
  });

  it('is what a partial dialect is merged over', () => {
    const message = { type: 'LendRequest', imei: '860123456789014', slot: 7, powerBankId: 'A1' } as const;
    const frame = encodeToString(message, { dialect: { slotCount: 8 } });
    expect(frame.startsWith('{"') && frame.endsWith('"}\r\n')).toBe(true);
    expect(decode(frame, { dialect: { slotCount: 8 } })).toMatchObject({ ok: true, message });
    expect(decode(frame, { dialect: { ...canonicalDialect, slotCount: 8 } })).toMatchObject({ ok: true, message });
    expect(decode(frame)).toMatchObject({ ok: false, error: { code: 'DATA', message: 'CC data: slot 7 at byte 24 is outside 1..3' } });
  });
});
