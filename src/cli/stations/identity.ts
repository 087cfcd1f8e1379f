/**
 * Who the simulated stations are: an IMEI for each (15 digits, a valid Luhn check digit,
 * the same for the same seed and index, never the same twice in one fleet) and the ids
 * of the power banks in their slots.
 *
 * ```
 * 86 SSSSSS NNNNNN L     86, six digits drawn from the seed, the station's index, the Luhn digit
 * ```
 *
 * @module
 */

import { hasValidLuhnDigit } from '../../fields/imei.js';
import { SeededRandom } from '../../flows/random.js';

/** The 14 digits `body` followed by the check digit that makes the Luhn check pass. */
function withLuhnDigit(body: string): string {
  for (let digit = 0; digit < 9; digit++) {
    if (hasValidLuhnDigit(`${body}${digit}`)) return `${body}${digit}`;
  }
  return `${body}9`;
}

/** The IMEIs of the stations `0..count-1` of the fleet of `seed`; the index takes six digits, so `count` is at most 1,000,000. */
export function fleetImeis(seed: number, count: number): string[] {
  const random = new SeededRandom(seed);
  let prefix = '86';
  while (prefix.length < 8) prefix += String(random.below(10));
  return Array.from({ length: count }, (_, index) => withLuhnDigit(`${prefix}${String(index).padStart(6, '0')}`));
}

/** The id of the power bank that sits in `slot` of station `imei` when the run starts. */
export function bankId(imei: string, slot: number): string {
  return `${imei.slice(2, 14)}${String(slot).padStart(3, '0')}`;
}

/** The id of the `count`-th power bank that station `imei` takes back although no station of the fleet lent it. */
export function foreignBankId(imei: string, count: number): string {
  return `${imei.slice(2, 14)}R${count}`;
}
