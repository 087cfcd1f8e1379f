/** The IMEIs and power-bank ids of a simulated fleet (src/cli/stations/identity.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encodeToString } from 'powerbank-codec';
import { bankId, fleetImeis, foreignBankId } from '../src/cli/stations/identity.js';

const passesLuhn = (imei: string) => decode(encodeToString({ type: 'Heartbeat', imei }), { checkImei: 'luhn' }).ok;

describe('fleetImeis', () => {
  it('gives every station a distinct 15-digit IMEI with a valid Luhn check digit, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.integer({ min: 1, max: 300 }), (seed, count) => {
        const imeis = fleetImeis(seed, count);
        expect(imeis).toHaveLength(count);
        expect(new Set(imeis).size).toBe(count);
        for (const imei of imeis) expect(passesLuhn(imei), imei).toBe(true);
        expect(fleetImeis(seed, count)).toEqual(imeis);
        expect(fleetImeis(seed, count + 5).slice(0, count)).toEqual(imeis);
      }),
      { numRuns: 50 },
    );
  });

  it('numbers the stations in the IMEI, after 86 and six digits of the seed', () => {
    const [first, second] = fleetImeis(1, 2);
    expect(first).toMatch(/^86\d{6}000000\d$/);
    expect(second!.slice(0, 8)).toBe(first!.slice(0, 8));
    expect(second!.slice(8, 14)).toBe('000001');
    expect(fleetImeis(2, 1)[0]!.slice(0, 8)).not.toBe(first!.slice(0, 8));
  });
});

describe('power-bank ids', () => {
  it('are valid ids, distinct across stations and slots, and foreign ones never collide with them', () => {
    const imeis = fleetImeis(9, 50);
    const ids = imeis.flatMap((imei) => [1, 2, 3, 999].map((slot) => bankId(imei, slot)));
    const foreign = imeis.flatMap((imei) => [1, 2, 100].map((count) => foreignBankId(imei, count)));
    const all = [...ids, ...foreign];
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^[0-9A-Z]{1,32}$/);
  });
});
