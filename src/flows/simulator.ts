/**
 * A station without hardware: slots, power banks and their charge, answering a server
 * the way PROTOCOL.md section 5 says, with failures injected on request. Pure: it is
 * handed messages and the time, and returns messages; a transport (a socket, a test)
 * carries them.
 *
 * ```
 * server → station                  station → server
 * CQ     StatusQuery            →   AQ     StatusAnswer (from the slots)
 * CC     LendRequest            →   MC.BO  LendSuccess (the slot empties)
 *                                   or MR.BF LendFailure (slot empty, other id, faulty, injected)
 * insert(slot, id)              →   MQ     OwnershipQuery
 * RQ.T   OwnershipAnswer        →   MC.RO  ReturnSuccess (the bank stays)
 *                                   or MR.RF ReturnFailure (faulty slot, injected; ejected)
 * RQ.F   OwnershipAnswer        →   (nothing: the bank is ejected)
 * AM / AR acknowledgements      →   (nothing: the report is settled)
 * tick(now)                     →   CH     Heartbeat, when due
 * ```
 *
 * @module
 */

import type { Bytes } from '../bytes.js';
import { resolveDialect, type Dialect, type ResolvedDialect } from '../dialect.js';
import { ProtocolError, type DeviationCode } from '../errors.js';
import { isImeiString } from '../fields/imei.js';
import { isPowerBankId } from '../fields/powerBankId.js';
import { isSlot } from '../fields/slot.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { Message } from '../messages/index.js';
import { writeDeviantFrame, writeMalformedFrame, type MalformedFrameKind } from './frames.js';
import { SeededRandom } from './random.js';

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
export type ChargeState = 'full' | 'notFull' | 'depleted';

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

/** What a slot holds. */
interface Slot {
  /** The power bank locked in, if any. */
  bank: { readonly powerBankId: string; readonly charge: ChargeState } | undefined;
  /** A bank inserted and waiting for the server's `OwnershipAnswer`. */
  inserted: { readonly powerBankId: string; readonly since: number } | undefined;
  readonly faulty: boolean;
}

/** The charge of a bank the seed puts in a slot: full three times in five. */
const CHARGES: readonly ChargeState[] = ['full', 'full', 'full', 'notFull', 'depleted'];

/** The status code of each charge state. */
const CODES: { readonly [C in ChargeState]: string } = { full: 'FU', notFull: 'NF', depleted: 'EM' };

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
function checkDeviations(value: readonly DeviationCode[] | undefined, field: string): ReadonlySet<DeviationCode> {
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

/**
 * A simulated station: a deterministic model of one station's slots and power banks,
 * answering the server per PROTOCOL.md section 5. Pure and synchronous: every method
 * takes the current time `now` (milliseconds on any clock) and returns the messages the
 * station sends, in order; the caller carries them (encode them with
 * {@link StationSimulator.encode} to get the station's bytes, deviations included).
 * The same options and the same calls give the same messages, whatever the platform.
 *
 * Messages for another IMEI, and messages no state of the station expects (an ack for
 * nothing, an answer for a slot with no pending return), are ignored, as firmware does.
 *
 * @example
 * ```ts
 * import { StationSimulator } from 'powerbank-codec/testing';
 *
 * const station = new StationSimulator({ imei: '860123456789014', banks: [{ slot: 2, powerBankId: '1234567890' }] });
 * station.tick(0); // [{ type: 'Heartbeat', imei: '860123456789014' }]
 * station.receive({ type: 'LendRequest', imei: '860123456789014', slot: 2, powerBankId: '1234567890' }, 10);
 * // [{ type: 'LendSuccess', imei: '860123456789014', slot: 2, powerBankId: '1234567890' }]
 * station.insert(2, '1234567890', 20); // [{ type: 'OwnershipQuery', … }]
 * station.receive({ type: 'OwnershipAnswer', imei: '860123456789014', belongs: true, slot: 2, powerBankId: '1234567890' }, 30);
 * // [{ type: 'ReturnSuccess', … }]
 * ```
 */
export class StationSimulator {
  /** The station's IMEI. */
  readonly imei: string;
  /** The number of slots, from the dialect (default 3). */
  readonly slotCount: number;
  private readonly dialect: ResolvedDialect;
  private readonly deviations: ReadonlySet<DeviationCode>;
  private readonly slots: Slot[] = [];
  private readonly random: SeededRandom;
  private readonly lendFailureRate: number;
  private readonly returnFailureRate: number;
  private readonly heartbeatInterval: number;
  private readonly answerTimeout: number;
  private nextHeartbeat = -Infinity;

  /** Throws a `ProtocolError` for an invalid IMEI, bank, slot or option (an unknown deviation code included). */
  constructor(options: StationSimulatorOptions) {
    if (typeof options !== 'object' || options === null || !isImeiString(options.imei)) {
      throw new ProtocolError('IMEI', 'imei', `imei must be a string of 15 digits; got ${JSON.stringify(options?.imei)}`);
    }
    this.imei = options.imei;
    this.dialect = resolveDialect(options.dialect);
    this.slotCount = this.dialect.slotCount;
    this.deviations = checkDeviations(options.deviations, 'deviations');
    this.random = new SeededRandom(options.seed ?? 1);
    this.lendFailureRate = checkRate(options.lendFailureRate, 'lendFailureRate');
    this.returnFailureRate = checkRate(options.returnFailureRate, 'returnFailureRate');
    this.heartbeatInterval = checkDuration(options.heartbeatInterval, 60_000, 'heartbeatInterval');
    this.answerTimeout = checkDuration(options.answerTimeout, 30_000, 'answerTimeout');

    const faulty = new Set<number>();
    for (const slot of options.faultySlots ?? []) faulty.add(this.checkSlot(slot, 'faultySlots'));
    for (let slot = 1; slot <= this.slotCount; slot++) this.slots.push({ bank: undefined, inserted: undefined, faulty: faulty.has(slot) });

    if (options.banks === undefined) {
      for (const slot of this.slots) {
        if (slot.faulty) continue;
        let powerBankId = String(1 + this.random.below(9));
        while (powerBankId.length < 10) powerBankId += String(this.random.below(10));
        slot.bank = { powerBankId, charge: CHARGES[this.random.below(CHARGES.length)]! };
      }
    } else {
      for (const bank of options.banks) {
        const slot = this.slotAt(this.checkSlot(bank.slot, 'banks[].slot'));
        if (!isPowerBankId(bank.powerBankId)) {
          throw new ProtocolError('POWER_BANK_ID', 'banks[].powerBankId', `power-bank id must be 1 to 32 digits or uppercase letters; got ${JSON.stringify(bank.powerBankId)}`);
        }
        if (slot.bank !== undefined) throw new ProtocolError('SLOT', 'banks[].slot', `slot ${bank.slot} is given two power banks`);
        slot.bank = { powerBankId: bank.powerBankId, charge: bank.charge ?? 'full' };
      }
    }
  }

  /**
   * The station's answer to a message from the server (empty when it sends none).
   *
   * @example
   * ```ts
   * import { StationSimulator } from 'powerbank-codec/testing';
   *
   * const station = new StationSimulator({ imei: '860123456789014', banks: [{ slot: 1, powerBankId: 'A1' }] });
   * station.receive({ type: 'StatusQuery', imei: '860123456789014' }, 0);
   * // [{ type: 'StatusAnswer', imei: '860123456789014', slots: [{ slot: 1, status: 'full', code: 'FU', powerBankId: 'A1' }] }]
   * ```
   */
  receive(message: Message, now: number): Message[] {
    if (message.imei !== this.imei) return [];
    this.expireInsertions(now);
    switch (message.type) {
      case 'StatusQuery':
        return [{ type: 'StatusAnswer', imei: this.imei, slots: this.status() }];
      case 'LendRequest':
        return [this.lend(message.slot, message.powerBankId)];
      case 'OwnershipAnswer':
        return this.settleReturn(message.slot, message.powerBankId, message.belongs);
      default:
        // Acknowledgements settle a report; nothing is sent back. Messages only a
        // station sends are not for it.
        return [];
    }
  }

  /**
   * Someone pushes a power bank into an empty slot: the station asks the server whether
   * it belongs to the system (`OwnershipQuery`) and holds it until the answer. Throws a
   * `ProtocolError` when the slot does not exist or is not empty, or the id is invalid.
   *
   * @example
   * ```ts
   * import { StationSimulator } from 'powerbank-codec/testing';
   *
   * const station = new StationSimulator({ imei: '860123456789014', banks: [] });
   * station.insert(3, '1234567890', 0);
   * // [{ type: 'OwnershipQuery', imei: '860123456789014', slot: 3, powerBankId: '1234567890' }]
   * ```
   */
  insert(slot: number, powerBankId: string, now: number): Message[] {
    this.expireInsertions(now);
    const target = this.slotAt(this.checkSlot(slot, 'slot'));
    if (!isPowerBankId(powerBankId)) {
      throw new ProtocolError('POWER_BANK_ID', 'powerBankId', `power-bank id must be 1 to 32 digits or uppercase letters; got ${JSON.stringify(powerBankId)}`);
    }
    if (target.bank !== undefined || target.inserted !== undefined) {
      throw new ProtocolError('SLOT', 'slot', `slot ${slot} is not empty`);
    }
    target.inserted = { powerBankId, since: now };
    return [{ type: 'OwnershipQuery', imei: this.imei, slot, powerBankId }];
  }

  /**
   * Lets time pass: returns a `Heartbeat` when one is due (the first at the first call,
   * then every `heartbeatInterval`), and ejects inserted power banks whose
   * `OwnershipAnswer` is overdue.
   *
   * @example
   * ```ts
   * import { StationSimulator } from 'powerbank-codec/testing';
   *
   * const station = new StationSimulator({ imei: '860123456789014', heartbeatInterval: 1000 });
   * station.tick(0).length; // 1
   * station.tick(999).length; // 0
   * station.tick(1000).length; // 1
   * ```
   */
  tick(now: number): Message[] {
    this.expireInsertions(now);
    if (now < this.nextHeartbeat) return [];
    this.nextHeartbeat = now + this.heartbeatInterval;
    return [{ type: 'Heartbeat', imei: this.imei }];
  }

  /**
   * The slots as a status answer lists them: one record per occupied or faulty slot, in
   * slot order. A bank waiting for its `OwnershipAnswer` is not listed yet.
   *
   * @example
   * ```ts
   * import { StationSimulator } from 'powerbank-codec/testing';
   *
   * new StationSimulator({ imei: '860123456789014', banks: [{ slot: 2, powerBankId: 'B2', charge: 'depleted' }], faultySlots: [3] }).status();
   * // [{ slot: 2, status: 'depleted', code: 'EM', powerBankId: 'B2' }, { slot: 3, status: 'fault', code: 'ER' }]
   * ```
   */
  status(): SlotStatus[] {
    const records: SlotStatus[] = [];
    for (const [index, { bank, faulty }] of this.slots.entries()) {
      const slot = index + 1;
      if (faulty) records.push(bank === undefined ? { slot, status: 'fault', code: 'ER' } : { slot, status: 'fault', code: 'ER', powerBankId: bank.powerBankId });
      else if (bank !== undefined) records.push({ slot, status: bank.charge, code: CODES[bank.charge], powerBankId: bank.powerBankId });
    }
    return records;
  }

  /**
   * The working slots with no power bank in them (nor one waiting for its answer), in
   * order: where a returned bank can go. Faulty slots are left out (a return into one
   * fails), though `insert` still takes them, to test that failure.
   *
   * @example
   * ```ts
   * import { StationSimulator } from 'powerbank-codec/testing';
   *
   * new StationSimulator({ imei: '860123456789014', banks: [{ slot: 2, powerBankId: 'B2' }] }).emptySlots(); // [1, 3]
   * ```
   */
  emptySlots(): number[] {
    const empty: number[] = [];
    for (const [index, slot] of this.slots.entries()) if (slot.bank === undefined && slot.inserted === undefined && !slot.faulty) empty.push(index + 1);
    return empty;
  }

  /**
   * The bytes of `message` as this station writes them: in its dialect, with its
   * `deviations` (or those given here instead). Use it for every message the
   * simulator returns to put them on the wire.
   *
   * @example
   * ```ts
   * import { StationSimulator } from 'powerbank-codec/testing';
   *
   * const station = new StationSimulator({ imei: '860123456789014', deviations: ['LINE_ENDING', 'LOWERCASE_CRC'] });
   * const [heartbeat] = station.tick(0);
   * new TextDecoder().decode(station.encode(heartbeat!)); // '{"860123456789014,CH,,3fce"}\n'
   * new TextDecoder().decode(station.encode(heartbeat!, [])); // '{"860123456789014,CH,,3FCE"}\r\n'
   * ```
   */
  encode(message: Message, deviations?: readonly DeviationCode[]): Bytes {
    return writeDeviantFrame(message, this.dialect, deviations === undefined ? this.deviations : checkDeviations(deviations, 'deviations'));
  }

  /**
   * A broken frame from this station, to test a server's error handling (see
   * {@link MalformedFrameKind} for each kind and what a decoder reports). It changes
   * nothing in the station's state.
   *
   * @example
   * ```ts
   * import { createDecoder } from 'powerbank-codec';
   * import { StationSimulator } from 'powerbank-codec/testing';
   *
   * const station = new StationSimulator({ imei: '860123456789014' });
   * const decoder = createDecoder({ from: 'device' });
   * decoder.push(station.malformedFrame('badCrc')); // [{ kind: 'error', error: { code: 'CRC', … }, … }]
   * ```
   */
  malformedFrame(kind: MalformedFrameKind): Bytes {
    return writeMalformedFrame(kind, this.imei, this.dialect);
  }

  private lend(slot: number, powerBankId: string): Message {
    const target = this.slots[slot - 1];
    const failure: Message = { type: 'LendFailure', imei: this.imei, slot, powerBankId };
    if (target === undefined || target.faulty || target.bank?.powerBankId !== powerBankId) return failure;
    if (this.random.chance(this.lendFailureRate)) return failure;
    target.bank = undefined;
    return { type: 'LendSuccess', imei: this.imei, slot, powerBankId };
  }

  private settleReturn(slot: number, powerBankId: string, belongs: boolean): Message[] {
    const target = this.slots[slot - 1];
    if (target?.inserted?.powerBankId !== powerBankId) return [];
    target.inserted = undefined;
    if (!belongs) return []; // ejected
    if (target.faulty || this.random.chance(this.returnFailureRate)) {
      return [{ type: 'ReturnFailure', imei: this.imei, slot, powerBankId }];
    }
    target.bank = { powerBankId, charge: this.random.chance(0.5) ? 'notFull' : 'depleted' };
    return [{ type: 'ReturnSuccess', imei: this.imei, slot, powerBankId }];
  }

  /** Ejects the inserted power banks whose `OwnershipAnswer` is overdue. */
  private expireInsertions(now: number): void {
    for (const slot of this.slots) {
      if (slot.inserted !== undefined && now - slot.inserted.since >= this.answerTimeout) slot.inserted = undefined;
    }
  }

  private checkSlot(slot: number, field: string): number {
    if (!isSlot(slot, this.slotCount)) {
      throw new ProtocolError('SLOT', field, `${field} must be a slot number from 1 to ${this.slotCount}; got ${JSON.stringify(slot)}`);
    }
    return slot;
  }

  private slotAt(slot: number): Slot {
    return this.slots[slot - 1]!;
  }
}
