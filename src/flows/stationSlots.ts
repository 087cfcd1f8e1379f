/**
 * The slots of a simulated station: which power bank each holds and how charged, which
 * are faulty, and which hold a bank just inserted, waiting for the server's ownership
 * answer. Bookkeeping only: the simulator decides what to send.
 *
 * @module
 * @internal
 */

import { ProtocolError } from '../errors.js';
import { isPowerBankId } from '../fields/powerBankId.js';
import { isSlot } from '../fields/slot.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { SeededRandom } from './random.js';
import type { ChargeState, SimulatedBank } from './stationOptions.js';
import { codeOfState } from '../messages/slotRecord.js';

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


function checkPowerBankId(powerBankId: string, field: string): void {
  if (!isPowerBankId(powerBankId)) {
    throw new ProtocolError('POWER_BANK_ID', field, `power-bank id must be 1 to 32 digits or uppercase letters; got ${JSON.stringify(powerBankId)}`);
  }
}

/** Slots 1..slotCount of one station. */
export class StationSlots {
  private readonly slots: Slot[] = [];

  /**
   * `banks` in their slots, or when `undefined`, a bank with a 10-digit id and a charge
   * drawn from `random` in every slot but the faulty ones. Throws a `ProtocolError` for
   * an invalid slot or id, or a slot given two banks.
   */
  constructor(
    private readonly slotCount: number,
    faultySlots: readonly number[],
    banks: readonly SimulatedBank[] | undefined,
    random: SeededRandom,
  ) {
    const faulty = new Set<number>();
    for (const slot of faultySlots) faulty.add(this.check(slot, 'faultySlots'));
    for (let slot = 1; slot <= slotCount; slot++) this.slots.push({ bank: undefined, inserted: undefined, faulty: faulty.has(slot) });
    if (banks === undefined) {
      for (const slot of this.slots) {
        if (slot.faulty) continue;
        let powerBankId = String(1 + random.below(9));
        while (powerBankId.length < 10) powerBankId += String(random.below(10));
        slot.bank = { powerBankId, charge: CHARGES[random.below(CHARGES.length)]! };
      }
      return;
    }
    for (const bank of banks) {
      const slot = this.slots[this.check(bank.slot, 'banks[].slot') - 1]!;
      checkPowerBankId(bank.powerBankId, 'banks[].powerBankId');
      if (slot.bank !== undefined) throw new ProtocolError('SLOT', 'banks[].slot', `slot ${bank.slot} is given two power banks`);
      slot.bank = { powerBankId: bank.powerBankId, charge: bank.charge ?? 'full' };
    }
  }

  /** The slots as a status answer lists them: one record per occupied or faulty slot, in order. */
  status(): SlotStatus[] {
    const records: SlotStatus[] = [];
    for (const [index, { bank, faulty }] of this.slots.entries()) {
      const slot = index + 1;
      if (faulty) records.push(bank === undefined ? { slot, status: 'fault', code: codeOfState('fault') } : { slot, status: 'fault', code: codeOfState('fault'), powerBankId: bank.powerBankId });
      else if (bank !== undefined) records.push({ slot, status: bank.charge, code: codeOfState(bank.charge), powerBankId: bank.powerBankId });
    }
    return records;
  }

  /** The working slots with no bank in them, nor one waiting for its answer. */
  empty(): number[] {
    const empty: number[] = [];
    for (const [index, slot] of this.slots.entries()) if (slot.bank === undefined && slot.inserted === undefined && !slot.faulty) empty.push(index + 1);
    return empty;
  }

  /** Whether `slot` works and holds `powerBankId`, so that it can be lent. */
  canLend(slot: number, powerBankId: string): boolean {
    const target = this.slots[slot - 1];
    return target !== undefined && !target.faulty && target.bank?.powerBankId === powerBankId;
  }

  /** Takes the bank out of `slot` (lent). */
  take(slot: number): void {
    this.slots[slot - 1]!.bank = undefined;
  }

  /** Holds `powerBankId`, pushed into `slot` at `now`, until the server answers; throws a `ProtocolError` for a bad slot or id, or a slot not empty. */
  insert(slot: number, powerBankId: string, now: number): void {
    const target = this.slots[this.check(slot, 'slot') - 1]!;
    checkPowerBankId(powerBankId, 'powerBankId');
    if (target.bank !== undefined || target.inserted !== undefined) throw new ProtocolError('SLOT', 'slot', `slot ${slot} is not empty`);
    target.inserted = { powerBankId, since: now };
  }

  /** Releases the bank inserted into `slot` if it is `powerBankId`; whether it was. */
  release(slot: number, powerBankId: string): boolean {
    const target = this.slots[slot - 1];
    if (target?.inserted?.powerBankId !== powerBankId) return false;
    target.inserted = undefined;
    return true;
  }

  /** Whether `slot`'s lock is broken. */
  isFaulty(slot: number): boolean {
    return this.slots[slot - 1]!.faulty;
  }

  /** Locks `powerBankId`, returned, into `slot`. */
  lock(slot: number, powerBankId: string, charge: ChargeState): void {
    this.slots[slot - 1]!.bank = { powerBankId, charge };
  }

  /** Ejects the inserted banks waiting since `answerTimeout` or longer at `now`. */
  expire(now: number, answerTimeout: number): void {
    for (const slot of this.slots) {
      if (slot.inserted !== undefined && now - slot.inserted.since >= answerTimeout) slot.inserted = undefined;
    }
  }

  private check(slot: number, field: string): number {
    if (!isSlot(slot, this.slotCount)) {
      throw new ProtocolError('SLOT', field, `${field} must be a slot number from 1 to ${this.slotCount}; got ${JSON.stringify(slot)}`);
    }
    return slot;
  }
}
