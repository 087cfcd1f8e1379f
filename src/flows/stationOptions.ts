/**
 * The options of a station simulator: their types, their defaults, and the checks that
 * refuse an invalid one with a `ProtocolError` before the station is built.
 *
 * @module
 * @internal
 */

import { resolveDialect, type Dialect, type ResolvedDialect } from '../dialect.js';
import { ProtocolError, type DeviationCode } from '../errors.js';
import { isImeiString } from '../fields/imei.js';
import type { SlotState } from '../messages/AQ.js';

/**
 * How charged a power bank is: `full` (FU), `notFull` (NF, charging) or `depleted`
 * (EM).
 *
 * @example
 * ```ts
 * import type { ChargeState } from 'powerbank-codec/testing';
 *
 * const charge: ChargeState = 'notFull';
 * ```
 */
export type ChargeState = Exclude<SlotState, 'fault' | 'unknown'>;

/**
 * A power bank in a slot of a {@link StationSimulator}.
 *
 * @example
 * ```ts
 * import type { SimulatedBank } from 'powerbank-codec/testing';
 *
 * const bank: SimulatedBank = { slot: 1, powerBankId: '1234567890', charge: 'full' };
 * ```
 */
export interface SimulatedBank {
  /** The slot holding it, 1..slotCount. */
  readonly slot: number;
  /** Its id: 1 to 32 digits or uppercase letters. */
  readonly powerBankId: string;
  /** How charged it is (default `full`). */
  readonly charge?: ChargeState;
}

/**
 * Options for a {@link StationSimulator}. Rates are probabilities from 0 to 1; times
 * are milliseconds, on whatever clock the caller passes as `now`.
 *
 * @example
 * ```ts
 * import { StationSimulator, type StationSimulatorOptions } from 'powerbank-codec/testing';
 *
 * const options: StationSimulatorOptions = {
 *   imei: '860123456789014',
 *   banks: [{ slot: 1, powerBankId: '1234567890' }, { slot: 2, powerBankId: '123456789012', charge: 'notFull' }],
 *   faultySlots: [3],
 *   lendFailureRate: 0.1,
 *   seed: 42,
 * };
 * const station = new StationSimulator(options);
 * ```
 */
export interface StationSimulatorOptions {
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /**
   * The power banks in the slots at the start. Default: every slot but the faulty ones
   * holds a bank with a 10-digit id and a charge drawn from the seed.
   */
  readonly banks?: readonly SimulatedBank[];
  /** Slots whose lock is broken: listed `ER` in a status answer; every lend or return there fails. */
  readonly faultySlots?: readonly number[];
  /** Seeds the random draws (default ids, injected failures, charge of returned banks). Default 1. */
  readonly seed?: number;
  /** The probability that a lend which could succeed fails anyway (default 0). */
  readonly lendFailureRate?: number;
  /** The probability that an accepted return fails anyway (default 0). */
  readonly returnFailureRate?: number;
  /** Time between heartbeats (default 60,000 ms). The first is due at the first `tick`. */
  readonly heartbeatInterval?: number;
  /**
   * How long the station waits for the server's `OwnershipAnswer` before it gives up
   * and ejects an inserted power bank (default 30,000 ms).
   */
  readonly answerTimeout?: number;
  /** The firmware variant `encode` writes, merged over the canonical dialect; `slotCount` sets the number of slots. */
  readonly dialect?: Partial<Dialect>;
  /**
   * Deviations from the canonical form that {@link StationSimulator.encode} writes into
   * every frame by default (PROTOCOL.md section 7): `QUOTES` (quotes left out, or added
   * in a dialect without them), `LINE_ENDING` (`\n` alone, or `\r\n` in a `\n`
   * dialect), `SEPARATOR` (`.` after the command word), `LOWERCASE_CRC`, and for status
   * answers `MISSING_SEMICOLON` (after the last record) and `UNKNOWN_STATUS` (`NU`, the
   * vendor's typo for `NF`, on the first record). Default: none.
   */
  readonly deviations?: readonly DeviationCode[];
}

function checkRate(value: number | undefined, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ProtocolError('OPTIONS', field, `${field} must be a number from 0 to 1; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Every deviation code: a `DeviationCode` missing here does not compile. */
const DEVIATION_CODES: { readonly [D in DeviationCode]: true } = {
  QUOTES: true,
  LINE_ENDING: true,
  SEPARATOR: true,
  LOWERCASE_CRC: true,
  MISSING_SEMICOLON: true,
  UNKNOWN_STATUS: true,
};

/** The deviation codes, for error messages. */
const DEVIATION_CODE_LIST = Object.keys(DEVIATION_CODES).join(', ');

/** The deviations to write, checked: a misspelt code would otherwise silently write nothing. */
export function checkDeviations(value: readonly DeviationCode[] | undefined, field: string): ReadonlySet<DeviationCode> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) throw new ProtocolError('OPTIONS', field, `${field} must be an array of deviation codes (${DEVIATION_CODE_LIST}); got ${JSON.stringify(value)}`);
  const unknown = value.findIndex((code: unknown) => typeof code !== 'string' || !Object.hasOwn(DEVIATION_CODES, code));
  if (unknown >= 0) {
    throw new ProtocolError('OPTIONS', field, `${field}[${unknown}] is ${JSON.stringify(value[unknown])}, not a deviation code (${DEVIATION_CODE_LIST})`);
  }
  return new Set(value);
}

function checkDuration(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) {
    throw new ProtocolError('OPTIONS', field, `${field} must be a positive number of milliseconds; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** {@link StationSimulatorOptions} checked, with their defaults; the slots are checked when they are filled. */
export interface CheckedOptions {
  readonly imei: string;
  readonly dialect: ResolvedDialect;
  readonly deviations: ReadonlySet<DeviationCode>;
  readonly seed: number;
  readonly lendFailureRate: number;
  readonly returnFailureRate: number;
  readonly heartbeatInterval: number;
  readonly answerTimeout: number;
}

/** Checks `options`; throws a `ProtocolError` for an invalid IMEI or option (an unknown deviation code included). */
export function checkOptions(options: StationSimulatorOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null || !isImeiString(options.imei)) {
    throw new ProtocolError('IMEI', 'imei', `imei must be a string of 15 digits; got ${JSON.stringify(options?.imei)}`);
  }
  return {
    imei: options.imei,
    dialect: resolveDialect(options.dialect),
    deviations: checkDeviations(options.deviations, 'deviations'),
    seed: options.seed ?? 1,
    lendFailureRate: checkRate(options.lendFailureRate, 'lendFailureRate'),
    returnFailureRate: checkRate(options.returnFailureRate, 'returnFailureRate'),
    heartbeatInterval: checkDuration(options.heartbeatInterval, 60_000, 'heartbeatInterval'),
    answerTimeout: checkDuration(options.answerTimeout, 30_000, 'answerTimeout'),
  };
}
