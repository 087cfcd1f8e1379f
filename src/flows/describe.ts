/**
 * Messages in words, for logs, transcripts and violation reports: the wire notation
 * (`MC.BO`) followed by what the message says.
 *
 * @module
 */

import type { SlotState, SlotStatus } from '../messages/AQ.js';
import type { Message, MessageType } from '../messages/index.js';

/**
 * A message type in wire notation: its command word and, where the command word carries
 * several types, the leading word of its data (`MC.BO`). `RQ` carries `T` or `F` as a field.
 * @internal
 */
export type WireName = 'CH' | 'CQ' | 'AQ' | 'CC' | 'MQ' | 'RQ' | 'MC.BO' | 'MC.RO' | 'AM.BO' | 'AM.RO' | 'MR.BF' | 'MR.RF' | 'AR.BF' | 'AR.RF';

/** The wire notation of each message type. */
const WIRE_NAMES: { readonly [T in MessageType]: WireName } = {
  Heartbeat: 'CH',
  StatusQuery: 'CQ',
  StatusAnswer: 'AQ',
  LendRequest: 'CC',
  OwnershipQuery: 'MQ',
  OwnershipAnswer: 'RQ',
  LendSuccess: 'MC.BO',
  ReturnSuccess: 'MC.RO',
  LendSuccessAck: 'AM.BO',
  ReturnSuccessAck: 'AM.RO',
  LendFailure: 'MR.BF',
  ReturnFailure: 'MR.RF',
  LendFailureAck: 'AR.BF',
  ReturnFailureAck: 'AR.RF',
};

/** What each message type means, in a few words. */
const MEANINGS: { readonly [T in MessageType]: string } = {
  Heartbeat: 'heartbeat',
  StatusQuery: 'status query',
  StatusAnswer: 'status',
  LendRequest: 'lend request',
  OwnershipQuery: 'ownership query',
  OwnershipAnswer: 'ownership answer', // described with its T or F
  LendSuccess: 'lent',
  ReturnSuccess: 'returned',
  LendSuccessAck: 'lend acknowledged',
  ReturnSuccessAck: 'return acknowledged',
  LendFailure: 'lend failed',
  ReturnFailure: 'return failed',
  LendFailureAck: 'lend failure acknowledged',
  ReturnFailureAck: 'return failure acknowledged',
};

const STATES: { readonly [S in SlotState]: string } = {
  full: 'full',
  notFull: 'charging',
  depleted: 'empty battery',
  fault: 'fault',
  unknown: 'unknown status',
};

/**
 * The wire notation of a message type: its command word, and the leading word of its
 * data where the command word carries several types (`'LendSuccess'` → `'MC.BO'`).
 * @internal
 */
export function wireName(type: MessageType): WireName {
  return WIRE_NAMES[type];
}

/** `slot 2, power bank 1234567890`. @internal */
export function slotAndBank(slot: number, powerBankId: string): string {
  return `slot ${slot}, power bank ${powerBankId}`;
}

/** The slot records of a status answer in words: `slot 1 full (1234567890), slot 3 fault`. @internal */
export function describeSlots(slots: readonly SlotStatus[]): string {
  if (slots.length === 0) return 'no power banks';
  const records = slots.map((record) => {
    const state = record.status === 'unknown' ? `unknown status ${record.code}` : STATES[record.status];
    return record.powerBankId === undefined ? `slot ${record.slot} ${state}` : `slot ${record.slot} ${state} (${record.powerBankId})`;
  });
  return records.join(', ');
}

/**
 * One line saying what a message is and what it says: its wire notation, its meaning
 * and its fields (the IMEI left out).
 *
 * @example
 * ```ts
 * import { describeMessage } from 'powerbank-codec/testing';
 *
 * describeMessage({ type: 'LendSuccess', imei: '860123456789014', slot: 2, powerBankId: '1234567890' });
 * // 'MC.BO lent: slot 2, power bank 1234567890'
 * describeMessage({ type: 'OwnershipAnswer', imei: '860123456789014', belongs: false, slot: 2, powerBankId: 'X1' });
 * // 'RQ.F does not belong: slot 2, power bank X1'
 * describeMessage({ type: 'StatusAnswer', imei: '860123456789014', slots: [{ slot: 3, status: 'fault', code: 'ER' }] });
 * // 'AQ status: slot 3 fault'
 * ```
 */
export function describeMessage(message: Message): string {
  const name = `${WIRE_NAMES[message.type]} ${MEANINGS[message.type]}`;
  switch (message.type) {
    case 'Heartbeat':
    case 'StatusQuery':
      return name;
    case 'StatusAnswer':
      return `${name}: ${describeSlots(message.slots)}`;
    case 'OwnershipAnswer':
      return `RQ.${message.belongs ? 'T belongs' : 'F does not belong'}: ${slotAndBank(message.slot, message.powerBankId)}`;
    default:
      return `${name}: ${slotAndBank(message.slot, message.powerBankId)}`;
  }
}
