/**
 * Valid messages: every type, with IMEIs, slots, power-bank ids and status records drawn
 * from the whole of their grammar.
 *
 * @module
 * @internal
 */

import * as fc from 'fast-check';
import { canonicalDialect } from '../dialect.js';
import { MAX_POWER_BANK_ID_LENGTH } from '../fields/powerBankId.js';
import type { SlotStatus } from '../messages/AQ.js';
import { messageTypes, type Message, type MessageType } from '../messages/index.js';
import { codeOfState, KNOWN_STATES } from '../messages/slotRecord.js';

const DIGITS = '0123456789';
const ID_CHARACTERS = `${DIGITS}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;

const arbImei = fc.array(fc.constantFrom(...DIGITS), { minLength: 15, maxLength: 15 }).map((digits) => digits.join(''));
const arbPowerBankId = fc
  .array(fc.constantFrom(...ID_CHARACTERS), { minLength: 1, maxLength: MAX_POWER_BANK_ID_LENGTH })
  .map((characters) => characters.join(''));


function arbSlotStatus(slotCount: number): fc.Arbitrary<SlotStatus> {
  return fc
    .record({
      slot: fc.integer({ min: 1, max: slotCount }),
      status: fc.constantFrom(...KNOWN_STATES),
      powerBankId: arbPowerBankId,
      faultWithId: fc.boolean(),
    })
    .map(({ slot, status, powerBankId, faultWithId }): SlotStatus =>
      status === 'fault' && !faultWithId ? { slot, status, code: codeOfState(status) } : ({ slot, status, code: codeOfState(status), powerBankId } as SlotStatus),
    );
}

/**
 * Options for {@link arbMessage}.
 *
 * @example
 * ```ts
 * import type { ArbMessageOptions } from 'powerbank-codec/arbitraries';
 *
 * const options: ArbMessageOptions = { types: ['LendSuccess', 'LendFailure'], slotCount: 12 };
 * ```
 */
export interface ArbMessageOptions {
  /** Only these message types (default: all 14). */
  readonly types?: readonly MessageType[];
  /** The station's slot count: slot numbers run from 1 to this (default 3). */
  readonly slotCount?: number;
}

/**
 * Any valid message (one that `encode` accepts), optionally only of the given types.
 * Status answers list up to 8 distinct slots.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode, encode } from 'powerbank-codec';
 * import { arbMessage } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbMessage({ types: ['StatusAnswer'] }), (message) => {
 *   const result = decode(encode(message));
 *   return result.ok && result.message.type === 'StatusAnswer';
 * }));
 * ```
 */
export function arbMessage(options: ArbMessageOptions = {}): fc.Arbitrary<Message> {
  const { types = Object.keys(messageTypes) as MessageType[], slotCount = canonicalDialect.slotCount } = options;
  const slot = fc.integer({ min: 1, max: slotCount });
  const bank = fc.record({ imei: arbImei, slot, powerBankId: arbPowerBankId });
  const byType: { [T in MessageType]: fc.Arbitrary<Extract<Message, { type: T }>> } = {
    Heartbeat: arbImei.map((imei) => ({ type: 'Heartbeat' as const, imei })),
    StatusQuery: arbImei.map((imei) => ({ type: 'StatusQuery' as const, imei })),
    StatusAnswer: fc
      .record({
        imei: arbImei,
        slots: fc.uniqueArray(arbSlotStatus(slotCount), { selector: (record) => record.slot, maxLength: Math.min(slotCount, 8) }),
      })
      .map(({ imei, slots }) => ({ type: 'StatusAnswer' as const, imei, slots })),
    LendRequest: bank.map((fields) => ({ type: 'LendRequest' as const, ...fields })),
    OwnershipQuery: bank.map((fields) => ({ type: 'OwnershipQuery' as const, ...fields })),
    OwnershipAnswer: fc
      .record({ imei: arbImei, belongs: fc.boolean(), slot, powerBankId: arbPowerBankId })
      .map((fields) => ({ type: 'OwnershipAnswer' as const, ...fields })),
    LendSuccess: bank.map((fields) => ({ type: 'LendSuccess' as const, ...fields })),
    ReturnSuccess: bank.map((fields) => ({ type: 'ReturnSuccess' as const, ...fields })),
    LendSuccessAck: bank.map((fields) => ({ type: 'LendSuccessAck' as const, ...fields })),
    ReturnSuccessAck: bank.map((fields) => ({ type: 'ReturnSuccessAck' as const, ...fields })),
    LendFailure: bank.map((fields) => ({ type: 'LendFailure' as const, ...fields })),
    ReturnFailure: bank.map((fields) => ({ type: 'ReturnFailure' as const, ...fields })),
    LendFailureAck: bank.map((fields) => ({ type: 'LendFailureAck' as const, ...fields })),
    ReturnFailureAck: bank.map((fields) => ({ type: 'ReturnFailureAck' as const, ...fields })),
  };
  return fc.oneof(...types.map((type): fc.Arbitrary<Message> => byType[type]));
}
