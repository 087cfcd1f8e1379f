/**
 * The two data grammars most commands share, both ways:
 *
 * ```
 * empty = ""                          ; CH, CQ
 * slot  = [ word "." ] S "." ID       ; CC (BW), MQ (no word), RQ (T/F), MC AM MR AR (BO RO BF RF)
 * ```
 *
 * @module
 * @internal
 */

import { excerpt, indexOfByte, spells } from '../bytes.js';
import { ProtocolError } from '../errors.js';
import { FieldFailure } from '../fields/failure.js';
import { hasPowerBankIdLength, isPowerBankId, readPowerBankId } from '../fields/powerBankId.js';
import { isSlot, readSlot } from '../fields/slot.js';
import { putAscii, putDecimal, putDigitsAndCapitals, type FrameWriter } from '../frame/writer.js';
import { DOT } from '../frame/layout.js';
import type { DataContext } from './codec.js';


/** Checks that the data field `bytes[start..end)` of `command` is empty. */
export function checkEmptyData(bytes: Uint8Array, start: number, end: number, command: string): FieldFailure | undefined {
  if (start === end) return undefined;
  return new FieldFailure(start, `${command} carries no data, but "${excerpt(bytes, start, end)}" was found at byte ${start}`);
}

/** The fields of a slot message, as `decodeSlotData` hands them to its builder. */
export type SlotDataBuilder<M> = (word: number, slot: number, powerBankId: string) => M;

/**
 * Decodes `[word "."] S "." ID` from `bytes[start..end)`. `words` lists the leading
 * words the command allows (empty when it has none); the builder receives the index of
 * the one found.
 */
export function decodeSlotData<M>(
  bytes: Uint8Array,
  start: number,
  end: number,
  context: DataContext,
  words: readonly string[],
  build: SlotDataBuilder<M>,
): M | FieldFailure {
  let position = start;
  let word = 0;
  if (words.length > 0) {
    const dot = indexOfByte(bytes, DOT, position, end);
    const wordEnd = dot === -1 ? end : dot;
    word = 0;
    while (word < words.length && !spells(bytes, position, wordEnd, words[word]!)) word++;
    if (word === words.length) {
      return new FieldFailure(position, `expected ${words.join(' or ')} at byte ${position}, found "${excerpt(bytes, position, wordEnd)}"`);
    }
    if (dot === -1) return new FieldFailure(end, `expected '.' and the slot number after ${words[word]} at byte ${end}`);
    position = dot + 1;
  }
  const dot = indexOfByte(bytes, DOT, position, end);
  if (dot === -1) {
    return new FieldFailure(position, `expected slot "." power-bank id at byte ${position}, found "${excerpt(bytes, position, end)}"`);
  }
  const slot = readSlot(bytes, position, dot, context.slotCount);
  if (slot instanceof FieldFailure) return slot;
  const powerBankId = readPowerBankId(bytes, dot + 1, end);
  if (powerBankId instanceof FieldFailure) return powerBankId;
  return build(word, slot, powerBankId);
}

/** Throws unless `slot` is a valid slot number; `field` names it in the error. */
export function checkSlotField(slot: unknown, slotCount: number, field: string): void {
  if (!isSlot(slot, slotCount)) {
    throw new ProtocolError('SLOT', field, `${field} must be an integer from 1 to ${slotCount}; got ${JSON.stringify(slot)}`);
  }
}

/** Throws unless `powerBankId` is a valid id; `field` names it in the error. */
export function checkPowerBankIdField(powerBankId: unknown, field: string): void {
  if (!isPowerBankId(powerBankId)) {
    throw new ProtocolError(
      'POWER_BANK_ID',
      field,
      `${field} must be 1 to 32 digits or uppercase letters; got ${JSON.stringify(powerBankId)}`,
    );
  }
}

/** Writes `[word "."] S "." ID` to `out` after checking the slot and the id. */
export function encodeSlotData(
  word: string,
  message: { readonly slot: number; readonly powerBankId: string },
  slotCount: number,
  out: FrameWriter,
): void {
  const { slot, powerBankId } = message;
  checkSlotField(slot, slotCount, 'slot');
  if (!hasPowerBankIdLength(powerBankId)) checkPowerBankIdField(powerBankId, 'powerBankId');
  // The word and '.', the slot (up to three digits), '.', the id.
  out.reserve(word.length + 5 + powerBankId.length);
  const bytes = out.bytes;
  let end = out.end;
  if (word !== '') {
    end = putAscii(bytes, end, word);
    bytes[end++] = DOT;
  }
  end = putDecimal(bytes, end, slot);
  bytes[end++] = DOT;
  // The characters of the id are checked as they are written.
  end = putDigitsAndCapitals(bytes, end, powerBankId);
  if (end === -1) checkPowerBankIdField(powerBankId, 'powerBankId');
  out.end = end;
}
