/**
 * AQ — status answer. Device → server, answering CQ: one record per occupied slot.
 *
 * ```
 * {"860123456789014,AQ,1.FU.1234567890;2.NF.123456789012;3.ER;,74B8"}\r\n
 *                   └┘ │ │  └── id ──┘ │
 *                   cmd │ status        └ ';' closes every record
 *                       slot
 *
 * record = S "." STATUS [ "." ID ] ";"
 * STATUS = FU full / NF not full (charging) / EM no charge left / ER fault
 * ```
 *
 * The id is required after FU, NF and EM and optional after ER; an empty slot is not
 * listed. Lenient decoding also accepts a missing `;` after the last record and an
 * unknown two-letter status (kept as `status: 'unknown'` with its `code`).
 *
 * @module
 */

import { byteString, excerpt, indexOfByte } from '../bytes.js';
import { ProtocolError } from '../errors.js';
import { FieldFailure } from '../fields/failure.js';
import { hasPowerBankIdLength, MAX_POWER_BANK_ID_LENGTH, readPowerBankId } from '../fields/powerBankId.js';
import { isSlot, readSlot } from '../fields/slot.js';
import { putAscii, putDecimal, putDigitsAndCapitals, type FrameWriter } from '../frame/writer.js';
import { DOT, SEMICOLON } from '../frame/layout.js';
import { commandCodec, type CommandCodec, type DataContext } from './codec.js';
import { checkPowerBankIdField, checkSlotField } from './grammar.js';

/**
 * The state of the power bank in a slot: `full` (FU), `notFull` (NF, charging),
 * `depleted` (EM, no charge left), `fault` (ER), or `unknown` for a status code the
 * protocol does not define (lenient decoding only).
 *
 * @example
 * ```ts
 * import type { SlotState } from 'powerbank-codec';
 *
 * const lendable = (state: SlotState) => state === 'full' || state === 'notFull';
 * ```
 */
export type SlotState = 'full' | 'notFull' | 'depleted' | 'fault' | 'unknown';

/**
 * One slot record of a {@link StatusAnswer}.
 *
 * @example
 * ```ts
 * import type { SlotStatus } from 'powerbank-codec';
 *
 * const record: SlotStatus = { slot: 1, status: 'full', code: 'FU', powerBankId: '1234567890' };
 * ```
 */
export type SlotStatus =
  | {
      /** The slot number, from 1 to the dialect's slot count. */
      readonly slot: number;
      /** A power bank is in the slot: full, charging, or with no charge left. */
      readonly status: 'full' | 'notFull' | 'depleted';
      /** The two letters on the wire: FU, NF or EM. */
      readonly code: string;
      /** The power bank's id. */
      readonly powerBankId: string;
    }
  | {
      /** The slot number, from 1 to the dialect's slot count. */
      readonly slot: number;
      /** The slot is faulty. */
      readonly status: 'fault';
      /** The two letters on the wire: ER. */
      readonly code: string;
      /** The id of the power bank locked in the slot, when the station gave one. */
      readonly powerBankId?: string;
    }
  | {
      /** The slot number, from 1 to the dialect's slot count. */
      readonly slot: number;
      /** The status code is not one the protocol defines (lenient decoding only). */
      readonly status: 'unknown';
      /** The two letters on the wire. */
      readonly code: string;
      /** The id that followed the code, if any. */
      readonly powerBankId?: string;
    };

/**
 * A station's answer to a {@link StatusQuery}: one record per occupied slot, in the
 * order the station listed them.
 *
 * @example
 * ```ts
 * import { encodeToString, type StatusAnswer } from 'powerbank-codec';
 *
 * const answer: StatusAnswer = {
 *   type: 'StatusAnswer',
 *   imei: '860123456789014',
 *   slots: [
 *     { slot: 1, status: 'full', code: 'FU', powerBankId: '1234567890' },
 *     { slot: 2, status: 'notFull', code: 'NF', powerBankId: '123456789012' },
 *     { slot: 3, status: 'fault', code: 'ER' },
 *   ],
 * };
 * encodeToString(answer); // '{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789012;3.ER;,74B8"}\r\n'
 * ```
 */
export interface StatusAnswer {
  readonly type: 'StatusAnswer';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The occupied slots. */
  readonly slots: readonly SlotStatus[];
}

/**
 * A slot record as `encode` accepts it: `code` may be left out (it follows from
 * `status`), and when given must agree with it.
 *
 * @example
 * ```ts
 * import type { SlotStatusInit } from 'powerbank-codec';
 *
 * const record: SlotStatusInit = { slot: 3, status: 'fault' };
 * ```
 */
export type SlotStatusInit =
  | {
      /** The slot number, from 1 to the dialect's slot count. */
      readonly slot: number;
      /** A power bank is in the slot: full, charging, or with no charge left. */
      readonly status: 'full' | 'notFull' | 'depleted';
      /** The two letters on the wire; optional, and must match `status` when given. */
      readonly code?: string;
      /** The power bank's id: required. */
      readonly powerBankId: string;
    }
  | {
      /** The slot number, from 1 to the dialect's slot count. */
      readonly slot: number;
      /** A faulty slot; `unknown` (a decoded record's unknown code) cannot be encoded. */
      readonly status: 'fault' | 'unknown';
      /** The two letters on the wire; optional, and must match `status` when given. */
      readonly code?: string;
      /** Optional: the id of a power bank locked in the faulty slot. */
      readonly powerBankId?: string;
    };

/**
 * A {@link StatusAnswer} as `encode` accepts it, with {@link SlotStatusInit} records.
 *
 * @example
 * ```ts
 * import { encodeToString, type StatusAnswerInit } from 'powerbank-codec';
 *
 * const answer: StatusAnswerInit = { type: 'StatusAnswer', imei: '860123456789014', slots: [{ slot: 3, status: 'fault' }] };
 * encodeToString(answer); // '{"860123456789014,AQ,3.ER;,960C"}\r\n'
 * ```
 */
export interface StatusAnswerInit {
  readonly type: 'StatusAnswer';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The occupied slots. */
  readonly slots: readonly SlotStatusInit[];
}

/** A status code of the protocol: its state, its two letters, whether a power-bank id must follow. */
interface StatusCode {
  readonly status: Exclude<SlotState, 'unknown'>;
  readonly code: string;
  readonly needsId: boolean;
}

/** The four status codes of the protocol, by state. */
const STATUS_CODES: Readonly<Record<Exclude<SlotState, 'unknown'>, StatusCode>> = {
  full: { status: 'full', code: 'FU', needsId: true },
  notFull: { status: 'notFull', code: 'NF', needsId: true },
  depleted: { status: 'depleted', code: 'EM', needsId: true },
  fault: { status: 'fault', code: 'ER', needsId: false },
};


function isUpperLetter(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x41 && byte <= 0x5a;
}

/** The status code spelt by two letters; `undefined` for any other two. */
function statusCodeOf(first: number, second: number): StatusCode | undefined {
  switch ((first << 8) | second) {
    case 0x4655: return STATUS_CODES.full; // FU
    case 0x4e46: return STATUS_CODES.notFull; // NF
    case 0x454d: return STATUS_CODES.depleted; // EM
    case 0x4552: return STATUS_CODES.fault; // ER
    default: return undefined;
  }
}

/** Decodes one record `bytes[start..end)` (without its `;`). */
function decodeRecord(
  bytes: Uint8Array,
  start: number,
  end: number,
  slots: readonly SlotStatus[],
  context: DataContext,
): SlotStatus | FieldFailure {
  const dot = indexOfByte(bytes, DOT, start, end);
  if (dot < 0) {
    return new FieldFailure(start, `slot record "${excerpt(bytes, start, end)}" at byte ${start} is not slot "." status`);
  }
  const slot = readSlot(bytes, start, dot, context.slotCount);
  if (slot instanceof FieldFailure) return slot;
  if (listsSlot(slots, slot)) return new FieldFailure(start, `slot ${slot} at byte ${start} is listed twice`);
  const statusStart = dot + 1;
  let statusEnd = indexOfByte(bytes, DOT, statusStart, end);
  if (statusEnd < 0) statusEnd = end;
  if (statusEnd - statusStart !== 2 || !isUpperLetter(bytes[statusStart]) || !isUpperLetter(bytes[statusStart + 1])) {
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

function decodeStatusAnswer(
  bytes: Uint8Array,
  start: number,
  end: number,
  imei: string,
  context: DataContext,
): StatusAnswer | FieldFailure {
  const slots = readRecords(bytes, start, end, context);
  return slots instanceof FieldFailure ? slots : { type: 'StatusAnswer', imei, slots };
}

/**
 * Reads the records one by one: first the `;` that ends one, then its fields. Accepts
 * the deviations of lenient mode and names the first thing wrong.
 */
function readRecords(bytes: Uint8Array, start: number, end: number, context: DataContext): SlotStatus[] | FieldFailure {
  const slots: SlotStatus[] = [];
  let position = start;
  while (position < end) {
    let recordEnd = indexOfByte(bytes, SEMICOLON, position, end);
    if (recordEnd < 0) {
      const failure = context.deviate(
        'MISSING_SEMICOLON',
        end,
        `the last slot record, at byte ${position}, is not closed by ';' (expected at byte ${end})`,
      );
      if (failure) return failure;
      recordEnd = end;
    }
    const record = decodeRecord(bytes, position, recordEnd, slots, context);
    if (record instanceof FieldFailure) return record;
    slots.push(record);
    position = recordEnd + 1;
  }
  return slots;
}

/** The status code for a state, or `undefined` when it is not one `encode` can write. */
function statusCodeFor(status: unknown): StatusCode | undefined {
  switch (status) {
    case 'full': return STATUS_CODES.full;
    case 'notFull': return STATUS_CODES.notFull;
    case 'depleted': return STATUS_CODES.depleted;
    case 'fault': return STATUS_CODES.fault;
    default: return undefined;
  }
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
function encodeRecord(slots: readonly SlotStatusInit[], index: number, slotCount: number, out: FrameWriter): void {
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
    if (end < 0) return refuseRecord(slots, index, slotCount);
  }
  bytes[end++] = SEMICOLON;
  out.end = end;
}

/**
 * @internal The longest data field of a status answer for `slotCount` slots: every slot
 * listed, each with a status and a power-bank id of the longest length.
 */
export function longestStatusData(slotCount: number): number {
  let length = 0;
  // record = S "." STATUS "." ID ";"
  for (let slot = 1; slot <= slotCount; slot++) length += String(slot).length + 1 + 2 + 1 + MAX_POWER_BANK_ID_LENGTH + 1;
  return length;
}

/** @internal */
export const AQ: CommandCodec<StatusAnswer, StatusAnswerInit> = commandCodec<StatusAnswer, StatusAnswerInit>({
  command: 'AQ',
  sender: 'device',
  types: ['StatusAnswer'],
  decode: decodeStatusAnswer,
  write: (message, slotCount, out) => {
    if (!Array.isArray(message.slots)) {
      throw new ProtocolError('SLOTS', 'slots', `slots must be an array of slot records; got ${JSON.stringify(message.slots)}`);
    }
    for (let index = 0; index < message.slots.length; index++) encodeRecord(message.slots, index, slotCount, out);
  },
});
