import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16, crcCatalogue, decode, isProtocolError, type CrcName, type CrcParams } from 'powerbank-codec';
import { crcNameOf } from '../src/crc/catalogue.js';
import { crcEngine } from '../src/crc/crc16.js';
import { bitwiseCrc16 } from './support/reference.js';

const names = Object.keys(crcCatalogue) as CrcName[];
const ascii = (text: string) => new TextEncoder().encode(text);

describe('crc16', () => {
  it('defaults to CRC-16/MODBUS', () => {
    expect(crc16('123456789')).toBe(0x4b37);
    expect(crc16(ascii('860123456789014,CH,'))).toBe(0x3fce);
  });

  it('has at least the six algorithms seen in station firmware', () => {
    for (const name of ['CRC-16/MODBUS', 'CRC-16/IBM-3740', 'CRC-16/XMODEM', 'CRC-16/ARC', 'CRC-16/KERMIT', 'CRC-16/IBM-SDLC']) {
      expect(names).toContain(name);
    }
  });

  it.each(names)('%s gives its published check value for "123456789"', (name) => {
    expect(crc16('123456789', name)).toBe(crcCatalogue[name].check);
    expect(crc16(ascii('123456789'), name)).toBe(crcCatalogue[name].check);
  });

  it.each([
    ['CRC-16/MODBUS', 0x4b37],
    ['CRC-16/IBM-3740', 0x29b1],
    ['CRC-16/XMODEM', 0x31c3],
    ['CRC-16/ARC', 0xbb3d],
    ['CRC-16/KERMIT', 0x2189],
    ['CRC-16/IBM-SDLC', 0x906e],
  ] as const)('%s check value is %i (from the published catalogue, not from our table)', (name, check) => {
    expect(crc16('123456789', name)).toBe(check);
  });

  it('gives the initial register, transformed, for no bytes', () => {
    expect(crc16('')).toBe(0xffff);
    expect(crc16('', 'CRC-16/XMODEM')).toBe(0);
    expect(crc16('', 'CRC-16/IBM-SDLC')).toBe(0);
  });

  it('accepts custom parameters, including mixed reflection', () => {
    const params: CrcParams = { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 };
    expect(crc16('123456789', params)).toBe(0x4b37);
    const refinOnly: CrcParams = { width: 16, poly: 0x1021, init: 0x1234, refin: true, refout: false, xorout: 0x00ff };
    const refoutOnly: CrcParams = { width: 16, poly: 0x1021, init: 0x1234, refin: false, refout: true, xorout: 0x00ff };
    expect(crc16('123456789', refinOnly)).toBe(bitwiseCrc16(ascii('123456789'), refinOnly));
    expect(crc16('123456789', refoutOnly)).toBe(bitwiseCrc16(ascii('123456789'), refoutOnly));
  });

  it('gives custom parameters that differ in one field each their own result', () => {
    const base: CrcParams = { width: 16, poly: 0x1021, init: 0x0001, refin: false, refout: false, xorout: 0x0002 };
    const variants: CrcParams[] = [
      base,
      { ...base, poly: 0x8005 },
      { ...base, init: 0x0002, xorout: 0x0001 },
      { ...base, poly: 0x0002, xorout: 0x1021 },
      { ...base, init: 0x0000 },
      { ...base, xorout: 0x0003 },
      { ...base, refin: true },
      { ...base, refout: true },
      { ...base, refin: true, refout: true, xorout: 0x0001 },
    ];
    for (const params of variants) expect(crc16('123456789', params), JSON.stringify(params)).toBe(bitwiseCrc16(ascii('123456789'), params));
  });

  it('agrees with the reference for every catalogue algorithm', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.uint8Array({ maxLength: 200 }), (name, bytes) =>
        crc16(bytes, name) === bitwiseCrc16(bytes, crcCatalogue[name]),
      ),
      { numRuns: 2000 },
    );
  });

  it('takes a string as UTF-8', () => {
    expect(crc16('é')).toBe(crc16(new Uint8Array([0xc3, 0xa9])));
  });

  it('throws OPTIONS for an unknown name or invalid parameters', () => {
    const attempts: unknown[] = [
      'CRC-16/NOPE',
      'toString',
      { width: 8, poly: 7, init: 0, refin: false, refout: false, xorout: 0 },
      { width: 16, poly: 0x10000, init: 0, refin: false, refout: false, xorout: 0 },
      { width: 16, poly: 0x1021, init: -1, refin: false, refout: false, xorout: 0 },
      { width: 16, poly: 0x1021, init: 0, refin: 'yes', refout: false, xorout: 0 },
      { width: 16, poly: 0x1021, init: 0, refin: false, refout: 0, xorout: 0 },
      { width: 16, poly: 0x1021, init: 0, refin: false, xorout: 0 },
      Object.assign(() => 0, { width: 16, poly: 0x1021, init: 0, refin: false, refout: false, xorout: 0 }),
      null,
    ];
    for (const algorithm of attempts) {
      let caught: unknown;
      try {
        crc16('x', algorithm as CrcName);
      } catch (error) {
        caught = error;
      }
      expect(isProtocolError(caught), String(algorithm)).toBe(true);
      expect((caught as { code: string }).code).toBe('OPTIONS');
    }
  });

  it('says what custom parameters must be, and shows those it got', () => {
    const params = { width: 16, poly: 0x1021, init: 0, refin: false, refout: 'no', xorout: 0 };
    let caught: unknown;
    try {
      crc16('x', params as unknown as CrcParams);
    } catch (error) {
      caught = error;
    }
    expect(isProtocolError(caught) && { code: caught.code, field: caught.field, message: caught.message }).toStrictEqual({
      code: 'OPTIONS',
      field: 'crc',
      message:
        'CRC parameters must be { width: 16, poly, init, xorout: integers 0..0xFFFF, refin, refout: booleans }; ' +
        'got {"width":16,"poly":4129,"init":0,"refin":false,"refout":"no","xorout":0}',
    });
  });

  it('describes custom parameters in a CRC mismatch', () => {
    const crc: CrcParams = { width: 16, poly: 0x8005, init: 0x1234, refin: true, refout: false, xorout: 0xff };
    const expected = bitwiseCrc16(ascii('860123456789014,CH,'), crc);
    expect(expected).toBe(0xabcb);
    expect(decode('{"860123456789014,CH,,0000"}', { dialect: { crc } })).toStrictEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'CRC',
        offset: 22,
        message: 'CRC 0000 at byte 22 does not match ABCB, the CRC-16 (poly=0x8005 init=0x1234 refin=true refout=false xorout=0xff) of bytes 2..20',
      }),
    });
  });

  it('names the catalogue in the unknown-name error', () => {
    expect(() => crc16('x', 'CRC-16/NOPE' as CrcName)).toThrow(/unknown CRC algorithm "CRC-16\/NOPE"; expected one of CRC-16\/MODBUS, /);
  });

  it('keeps working after more custom algorithms than it caches', () => {
    for (let poly = 1; poly < 100; poly++) {
      const params: CrcParams = { width: 16, poly, init: 0, refin: poly % 2 === 0, refout: poly % 2 === 0, xorout: 0 };
      expect(crc16('123456789', params)).toBe(bitwiseCrc16(ascii('123456789'), params));
    }
  });
});

describe('crcNameOf', () => {
  it('names parameters after the catalogue only when every field matches', () => {
    for (const name of names) {
      const { poly, init, refin, refout, xorout } = crcCatalogue[name];
      const params: CrcParams = { width: 16, poly, init, refin, refout, xorout };
      expect(crcNameOf(params)).toBe(name);
      const others: CrcParams[] = [
        { ...params, poly: poly ^ 0x0100 },
        { ...params, init: init ^ 0x0100 },
        { ...params, xorout: xorout ^ 0x0100 },
        { ...params, refin: !refin },
        { ...params, refout: !refout },
      ];
      for (const other of others) expect(crcNameOf(other), JSON.stringify(other)).not.toBe(name);
    }
  });
});

describe('crcEngine cache', () => {
  /** Custom parameters no other test uses, one set per `n`. */
  const params = (n: number): CrcParams => ({ width: 16, poly: 0x1021, init: 0x4000 + n, refin: false, refout: false, xorout: 0x5a5a });

  it('builds the engine of each catalogued algorithm once', () => {
    for (const name of names) expect(crcEngine(name), name).toBe(crcEngine(name));
  });

  it('builds the engine of given custom parameters once', () => {
    expect(crcEngine(params(1000))).toBe(crcEngine({ ...params(1000) }));
  });

  it('keeps the last 32 custom engines, dropping the oldest first', () => {
    const engines = Array.from({ length: 32 }, (_, n) => crcEngine(params(n)));
    for (let n = 0; n < 32; n++) expect(crcEngine(params(n)), `engine ${n}`).toBe(engines[n]);
    crcEngine(params(32));
    for (let n = 1; n < 32; n++) expect(crcEngine(params(n)), `engine ${n}`).toBe(engines[n]);
    const rebuilt = crcEngine(params(0));
    expect(rebuilt).not.toBe(engines[0]);
    expect(rebuilt.compute(ascii('123456789'), 0, 9)).toBe(bitwiseCrc16(ascii('123456789'), params(0)));
  });
});
