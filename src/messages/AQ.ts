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

import { indexOfByte } from '../bytes.js';
import { ProtocolError } from '../errors.js';
import { FieldFailure } from '../fields/failure.js';
import { MAX_POWER_BANK_ID_LENGTH } from '../fields/powerBankId.js';
import { SEMICOLON } from '../frame/layout.js';
import { commandCodec, type CommandCodec, type DataContext } from './codec.js';
import { decodeRecord, encodeRecord } from './slotRecord.js';

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
      readonly status: Exclude<SlotState, 'fault' | 'unknown'>;
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
      readonly status: Exclude<SlotState, 'fault' | 'unknown'>;
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
    if (recordEnd === -1) {
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
