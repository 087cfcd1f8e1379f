/**
 * RQ — ownership answer. Server → device, answering MQ: T if the power bank belongs to
 * the system (the station then takes it back and sends MC RO or MR RF), F if it does not
 * (the return ends there).
 *
 * ```
 * {"860123456789014,RQ,T.2.1234567890,2E6D"}\r\n
 *                   └┘ │ │ └── id ──┘
 *                   cmd │ slot
 *                       T belongs / F does not
 * ```
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import { commandCodec, type CommandCodec } from './codec.js';
import { decodeSlotData, encodeSlotData } from './grammar.js';

/**
 * The server's answer to an {@link OwnershipQuery}.
 *
 * @example
 * ```ts
 * import { encodeToString, type OwnershipAnswer } from 'powerbank-codec';
 *
 * const answer: OwnershipAnswer = {
 *   type: 'OwnershipAnswer', imei: '860123456789014', belongs: true, slot: 2, powerBankId: '1234567890',
 * };
 * encodeToString(answer); // '{"860123456789014,RQ,T.2.1234567890,2E6D"}\r\n'
 * ```
 */
export interface OwnershipAnswer {
  readonly type: 'OwnershipAnswer';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** Whether the power bank belongs to the system (`T` on the wire) or not (`F`). */
  readonly belongs: boolean;
  /** The slot named in the query. */
  readonly slot: number;
  /** The power bank id named in the query. */
  readonly powerBankId: string;
}

const WORDS = ['T', 'F'] as const;

/** @internal */
export const RQ: CommandCodec<OwnershipAnswer> = commandCodec({
  command: 'RQ',
  sender: 'server',
  types: ['OwnershipAnswer'],
  decode: (bytes, start, end, imei, context) =>
    decodeSlotData(bytes, start, end, context, WORDS, (word, slot, powerBankId) => ({
      type: 'OwnershipAnswer',
      imei,
      belongs: word === 0,
      slot,
      powerBankId,
    })),
  write: (message, slotCount, out) => {
    if (typeof message.belongs !== 'boolean') {
      throw new ProtocolError('BELONGS', 'belongs', `belongs must be true or false; got ${JSON.stringify(message.belongs)}`);
    }
    encodeSlotData(message.belongs ? 'T' : 'F', message, slotCount, out);
  },
});
