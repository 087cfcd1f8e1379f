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
import type { ResolvedDialect } from '../dialect.js';
import type { DeviationCode } from '../errors.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { Message } from '../messages/index.js';
import { writeDeviantFrame, writeMalformedFrame, type MalformedFrameKind } from './frames.js';
import { SeededRandom } from './random.js';
import { checkDeviations, checkOptions, type StationSimulatorOptions } from './stationOptions.js';
import { StationSlots } from './stationSlots.js';

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
  private readonly slots: StationSlots;
  private readonly random: SeededRandom;
  private readonly lendFailureRate: number;
  private readonly returnFailureRate: number;
  private readonly heartbeatInterval: number;
  private readonly answerTimeout: number;
  private nextHeartbeat = -Infinity;

  /** Throws a `ProtocolError` for an invalid IMEI, bank, slot or option (an unknown deviation code included). */
  constructor(options: StationSimulatorOptions) {
    const checked = checkOptions(options);
    this.imei = checked.imei;
    this.dialect = checked.dialect;
    this.slotCount = checked.dialect.slotCount;
    this.deviations = checked.deviations;
    this.random = new SeededRandom(checked.seed);
    this.lendFailureRate = checked.lendFailureRate;
    this.returnFailureRate = checked.returnFailureRate;
    this.heartbeatInterval = checked.heartbeatInterval;
    this.answerTimeout = checked.answerTimeout;
    this.slots = new StationSlots(this.slotCount, options.faultySlots ?? [], options.banks, this.random);
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
    this.slots.insert(slot, powerBankId, now);
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
    return this.slots.status();
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
    return this.slots.empty();
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
    if (!this.slots.canLend(slot, powerBankId) || this.random.chance(this.lendFailureRate)) return { type: 'LendFailure', imei: this.imei, slot, powerBankId };
    this.slots.take(slot);
    return { type: 'LendSuccess', imei: this.imei, slot, powerBankId };
  }

  private settleReturn(slot: number, powerBankId: string, belongs: boolean): Message[] {
    if (!this.slots.release(slot, powerBankId) || !belongs) return []; // not waiting for this answer, or ejected
    if (this.slots.isFaulty(slot) || this.random.chance(this.returnFailureRate)) {
      return [{ type: 'ReturnFailure', imei: this.imei, slot, powerBankId }];
    }
    this.slots.lock(slot, powerBankId, this.random.chance(0.5) ? 'notFull' : 'depleted');
    return [{ type: 'ReturnSuccess', imei: this.imei, slot, powerBankId }];
  }

  /** Ejects the inserted power banks whose `OwnershipAnswer` is overdue. */
  private expireInsertions(now: number): void {
    this.slots.expire(now, this.answerTimeout);
  }
}
