/**
 * One slot record of a status answer (AQ), both ways: `S "." STATUS ["." ID]`, the
 * status codes of the protocol, and the checks that name what is wrong with a record.
 *
 * @module
 * @internal
 */

import { byteString, excerpt, indexOfByte } from '../bytes.js';
import { ProtocolError } from '../errors.js';
import { FieldFailure } from '../fields/failure.js';
import { hasPowerBankIdLength, readPowerBankId } from '../fields/powerBankId.js';
import { isSlot, readSlot } from '../fields/slot.js';
import { DOT, SEMICOLON } from '../frame/layout.js';
import { putAscii, putDecimal, putDigitsAndCapitals, type FrameWriter } from '../frame/writer.js';
import type { SlotState, SlotStatus, SlotStatusInit } from './AQ.js';
import type { DataContext } from './codec.js';
import { checkPowerBankIdField, checkSlotField } from './grammar.js';

/** A status code of the protocol: its state, its two letters, whether a power-bank id must follow. */
interface StatusCode {
  readonly status: Exclude<SlotState, 'unknown'>;
  readonly code: string;
  readonly needsId: boolean;
}

/** The status codes of the protocol (PROTOCOL.md section 3), by state: the one place that lists them. */
const STATUS_CODES: Readonly<Record<Exclude<SlotState, 'unknown'>, StatusCode>> = {
  full: { status: 'full', code: 'FU', needsId: true },
  notFull: { status: 'notFull', code: 'NF', needsId: true },
  depleted: { status: 'depleted', code: 'EM', needsId: true },
  fault: { status: 'fault', code: 'ER', needsId: false },
};

/** The states a status code names, in the order of PROTOCOL.md. */
export const KNOWN_STATES = Object.keys(STATUS_CODES) as ReadonlyArray<Exclude<SlotState, 'unknown'>>;

/** The two letters of a state on the wire: `FU` for `full`, … */
export function codeOfState(state: Exclude<SlotState, 'unknown'>): string {
  return STATUS_CODES[state].code;
}

/** The status codes by their two letters, as one number: `(first << 8) | second`. */
const BY_LETTERS = new Map<number, StatusCode>(Object.values(STATUS_CODES).map((known) => [(known.code.charCodeAt(0) << 8) | known.code.charCodeAt(1), known]));


function isUpperLetter(byte: number): boolean {
  return byte >= 0x41 && byte <= 0x5a;
}

/** The status code spelt by two letters; `undefined` for any other two. */
function statusCodeOf(first: number, second: number): StatusCode | undefined {
  return BY_LETTERS.get((first << 8) | second);
}

/** Decodes one record `bytes[start..end)` (without its `;`), given the records before it. */
export function decodeRecord(
  bytes: Uint8Array,
  start: number,
  end: number,
  slots: readonly SlotStatus[],
  context: DataContext,
): SlotStatus | FieldFailure {
  const dot = indexOfByte(bytes, DOT, start, end);
  if (dot === -1) {
    return new FieldFailure(start, `slot record "${excerpt(bytes, start, end)}" at byte ${start} is not slot "." status`);
  }
  const slot = readSlot(bytes, start, dot, context.slotCount);
  if (slot instanceof FieldFailure) return slot;
  if (listsSlot(slots, slot)) return new FieldFailure(start, `slot ${slot} at byte ${start} is listed twice`);
  const statusStart = dot + 1;
  let statusEnd = indexOfByte(bytes, DOT, statusStart, end);
  if (statusEnd === -1) statusEnd = end;
  if (statusEnd - statusStart !== 2 || !isUpperLetter(bytes[statusStart]!) || !isUpperLetter(bytes[statusStart + 1]!)) {
    return new FieldFailure(
      statusStart,
      `status "${excerpt(bytes, statusStart, statusEnd)}" of slot ${slot} at byte ${statusStart} is not two uppercase letters (FU, NF, EM or ER)`,
    );
  }
  const known = statusCodeOf(bytes[statusStart]!, bytes[statusStart + 1]!);
  const status = known === undefined ? 'unknown' : known.status;
  const code = known === undefined ? byteString(bytes, statusStart, statusEnd) : known.code;
  if (known === undefined) {
    const failure = context.deviate(
      'UNKNOWN_STATUS',
      statusStart,
      `status "${code}" of slot ${slot} at byte ${statusStart} is not one of FU, NF, EM, ER`,
    );
    if (failure) return failure;
  }
  if (statusEnd === end) {
    if (known !== undefined && known.needsId) {
      return new FieldFailure(end, `slot ${slot} with status ${code} needs a power-bank id after byte ${end - 1}`);
    }
    // Without an id: a fault, or an unknown code (the codes that need one returned above).
    return { slot, status, code } as SlotStatus;
  }
  const powerBankId = readPowerBankId(bytes, statusEnd + 1, end);
  if (powerBankId instanceof FieldFailure) return powerBankId;
  return { slot, status, code, powerBankId } as SlotStatus;
}

/** Whether one of `slots` has the slot number `slot`. */
function listsSlot(slots: readonly SlotStatus[], slot: number): boolean {
  for (const earlier of slots) if (earlier.slot === slot) return true;
  return false;
}

/** The status code for a state, or `undefined` when it is not one `encode` can write. */
function statusCodeFor(status: unknown): StatusCode | undefined {
  return typeof status === 'string' && Object.hasOwn(STATUS_CODES, status) ? STATUS_CODES[status as keyof typeof STATUS_CODES] : undefined;
}

/** Whether a record before `slots[index]` has its slot number. */
function isListedBefore(slots: readonly SlotStatusInit[], index: number): boolean {
  const slot = slots[index]!.slot;
  for (let earlier = 0; earlier < index; earlier++) if (slots[earlier]!.slot === slot) return true;
  return false;
}

/** Throws the `ProtocolError` that names what is wrong with the record `slots[index]`. */
function refuseRecord(slots: readonly SlotStatusInit[], index: number, slotCount: number): never {
  const record = slots[index];
  const field = `slots[${index}]`;
  if (typeof record !== 'object' || record === null) {
    throw new ProtocolError('SLOTS', field, `${field} must be a slot record object; got ${JSON.stringify(record)}`);
  }
  checkSlotField(record.slot, slotCount, `${field}.slot`);
  if (isListedBefore(slots, index)) throw new ProtocolError('SLOT', `${field}.slot`, `slot ${record.slot} is listed twice`);
  const known = statusCodeFor(record.status);
  if (known === undefined) {
    throw new ProtocolError(
      'STATUS',
      `${field}.status`,
      `${field}.status must be 'full', 'notFull', 'depleted' or 'fault' (unknown codes are decoded, never encoded); got ${JSON.stringify(record.status)}`,
    );
  }
  if (record.code !== undefined && record.code !== known.code) {
    throw new ProtocolError('STATUS', `${field}.code`, `${field}.code ${JSON.stringify(record.code)} does not match status '${record.status}' (${known.code})`);
  }
  if (record.powerBankId === undefined) {
    if (known.needsId) {
      throw new ProtocolError('POWER_BANK_ID', `${field}.powerBankId`, `${field}.powerBankId is required for status '${record.status}'`);
    }
  } else {
    checkPowerBankIdField(record.powerBankId, `${field}.powerBankId`);
  }
  // Read again, every field passed: a getter gave another value the first time.
  throw new ProtocolError('SLOTS', field, `${field} changed while it was being encoded`);
}

/**
 * Writes the record `slots[index]` to `out`, `;` included, after checking it. The checks
 * that say what is wrong, and build the field names for it, run only when one fails.
 */
export function encodeRecord(slots: readonly SlotStatusInit[], index: number, slotCount: number, out: FrameWriter): void {
  const record = slots[index]!;
  const known = typeof record === 'object' && record !== null ? statusCodeFor(record.status) : undefined;
  if (known === undefined) return refuseRecord(slots, index, slotCount);
  // Each field is read once: what is checked is what is written.
  const { slot, code, powerBankId } = record;
  const valid =
    isSlot(slot, slotCount) &&
    !isListedBefore(slots, index) &&
    (code === undefined || code === known.code) &&
    (powerBankId === undefined ? !known.needsId : hasPowerBankIdLength(powerBankId));
  if (!valid) return refuseRecord(slots, index, slotCount);
  // The slot (up to three digits), '.', the code, '.' and the id, ';'.
  out.reserve(8 + (powerBankId === undefined ? 0 : powerBankId.length));
  const bytes = out.bytes;
  let end = putDecimal(bytes, out.end, slot);
  bytes[end++] = DOT;
  end = putAscii(bytes, end, known.code);
  if (powerBankId !== undefined) {
    bytes[end++] = DOT;
    // The characters of the id are checked as they are written.
    end = putDigitsAndCapitals(bytes, end, powerBankId);
    if (end === -1) return refuseRecord(slots, index, slotCount);
  }
  bytes[end++] = SEMICOLON;
  out.end = end;
}
