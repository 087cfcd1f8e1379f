/**
 * The codec shared by the command words whose data is `[word "."] S "." ID` and whose
 * message types differ only by that leading word (CC, MQ, MC, AM, MR, AR).
 *
 * @module
 * @internal
 */

import { commandCodec, type CommandCodec, type CommandWord, type Sender } from './codec.js';
import { decodeSlotData, encodeSlotData } from './grammar.js';

/** The shape of every message about one power bank in one slot. */
export interface SlotMessage<T extends string> {
  readonly type: T;
  readonly imei: string;
  readonly slot: number;
  readonly powerBankId: string;
}

/**
 * A codec for `command`, whose message types are the keys of `words` and whose data
 * starts with the matching word (`''` for none).
 */
export function slotCommand<T extends string>(
  command: CommandWord,
  sender: Sender,
  words: Readonly<Record<T, string>>,
): CommandCodec<SlotMessage<T>> {
  const types = Object.keys(words) as T[];
  const leadingWords = types.map((type) => words[type]).filter((word) => word !== '');
  return commandCodec({
    command,
    sender,
    types,
    decode: (bytes, start, end, imei, context) =>
      decodeSlotData(bytes, start, end, context, leadingWords, (word, slot, powerBankId) => ({
        type: types[word]!,
        imei,
        slot,
        powerBankId,
      })),
    write: (message, slotCount, out) => encodeSlotData(words[message.type], message, slotCount, out),
  });
}
