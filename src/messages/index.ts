/**
 * The message layer: every command word's codec in one lookup table, the `Message`
 * union, and the table of message types with their command words and senders.
 *
 * @module
 */

import { AM, type LendSuccessAck, type ReturnSuccessAck } from './AM.js';
import { AQ, longestStatusData, type StatusAnswer, type StatusAnswerInit } from './AQ.js';
import { AR, type LendFailureAck, type ReturnFailureAck } from './AR.js';
import { CC, type LendRequest } from './CC.js';
import { CH, type Heartbeat } from './CH.js';
import type { Dialect } from '../dialect.js';
import { IMEI_LENGTH } from '../fields/imei.js';
import type { CommandWord, Sender } from './codec.js';
import { CQ, type StatusQuery } from './CQ.js';
import { MC, type LendSuccess, type ReturnSuccess } from './MC.js';
import { MQ, type OwnershipQuery } from './MQ.js';
import { MR, type LendFailure, type ReturnFailure } from './MR.js';
import { RQ, type OwnershipAnswer } from './RQ.js';

/**
 * Every message of the protocol, discriminated by `type`. Each has the station's
 * `imei`; see the member types for the rest.
 *
 * @example
 * ```ts
 * import { decode, type Message } from 'powerbank-codec';
 *
 * function describe(message: Message): string {
 *   switch (message.type) {
 *     case 'Heartbeat': return `${message.imei} is alive`;
 *     case 'StatusAnswer': return `${message.imei} holds ${message.slots.length} power banks`;
 *     case 'LendSuccess': return `slot ${message.slot} lent ${message.powerBankId}`;
 *     default: return message.type;
 *   }
 * }
 * const result = decode('{"860123456789014,CH,,3FCE"}\r\n');
 * if (result.ok) describe(result.message); // '860123456789014 is alive'
 * ```
 */
export type Message =
  | Heartbeat
  | StatusQuery
  | StatusAnswer
  | LendRequest
  | OwnershipQuery
  | OwnershipAnswer
  | LendSuccess
  | ReturnSuccess
  | LendSuccessAck
  | ReturnSuccessAck
  | LendFailure
  | ReturnFailure
  | LendFailureAck
  | ReturnFailureAck;

/**
 * A message as `encode` accepts it: any {@link Message}, where a status answer's slot
 * records may leave out `code` ({@link StatusAnswerInit}).
 *
 * @example
 * ```ts
 * import { encode, type MessageInit } from 'powerbank-codec';
 *
 * const init: MessageInit = { type: 'StatusAnswer', imei: '860123456789014', slots: [{ slot: 1, status: 'full', powerBankId: 'A1' }] };
 * encode(init);
 * ```
 */
export type MessageInit = Exclude<Message, StatusAnswer> | StatusAnswer | StatusAnswerInit;

/**
 * The name of a message type: `'Heartbeat'`, `'StatusQuery'`, … (14 in all).
 *
 * @example
 * ```ts
 * import type { MessageType } from 'powerbank-codec';
 *
 * const wanted: MessageType[] = ['LendSuccess', 'LendFailure'];
 * ```
 */
export type MessageType = Message['type'];

/** Every command word's codec, in the order of PROTOCOL.md section 3. */
const CODECS = [CH, CQ, AQ, CC, MQ, RQ, MC, AM, MR, AR] as const;

/** @internal A codec for any of the protocol's message types. */
export type AnyCommandCodec = (typeof CODECS)[number];

/**
 * Each message type's command word and sender (PROTOCOL.md section 3).
 *
 * @example
 * ```ts
 * import { messageTypes } from 'powerbank-codec';
 *
 * messageTypes.LendSuccess; // { command: 'MC', sender: 'device' }
 * Object.keys(messageTypes).length; // 14
 * ```
 */
export const messageTypes: { readonly [T in MessageType]: { readonly command: CommandWord; readonly sender: Sender } } =
  Object.freeze(
    Object.fromEntries(
      CODECS.flatMap((codec) =>
        codec.types.map((type) => [
          type,
          Object.freeze({ command: codec.command, sender: codec.sender }),
        ]),
      ),
    ) as { [T in MessageType]: { command: CommandWord; sender: Sender } },
  );

const LETTERS = 26;
const A = 0x41;

/** Every command word's codec at `(first - 'A') * 26 + (second - 'A')`, `undefined` elsewhere. */
const codecTable: (AnyCommandCodec | undefined)[] = new Array<AnyCommandCodec | undefined>(LETTERS * LETTERS).fill(undefined);
for (const codec of CODECS) codecTable[(codec.command.charCodeAt(0) - A) * LETTERS + (codec.command.charCodeAt(1) - A)] = codec;

/**
 * @internal The codec of the command word spelt by two bytes, or `undefined`: a table
 * lookup. A first byte other than `A`-`Z` falls outside the table; a second one must be
 * checked, or it would reach into the next row.
 */
export function codecOfWord(first: number, second: number): AnyCommandCodec | undefined {
  if (second < A || second >= A + LETTERS) return undefined;
  return codecTable[(first - A) * LETTERS + (second - A)];
}

/**
 * @internal The codec of a message type, or `undefined` for anything else. A plain
 * switch: `encode` looks a codec up for every frame, and comparing against the string
 * constants is quicker than hashing into a `Map`. `messages.test.ts` checks it against
 * every codec's `types`.
 */
export function codecOfType(type: unknown): AnyCommandCodec | undefined {
  switch (type) {
    case 'Heartbeat': return CH;
    case 'StatusQuery': return CQ;
    case 'StatusAnswer': return AQ;
    case 'LendRequest': return CC;
    case 'OwnershipQuery': return MQ;
    case 'OwnershipAnswer': return RQ;
    case 'LendSuccess': case 'ReturnSuccess': return MC;
    case 'LendSuccessAck': case 'ReturnSuccessAck': return AM;
    case 'LendFailure': case 'ReturnFailure': return MR;
    case 'LendFailureAck': case 'ReturnFailureAck': return AR;
  }
  return undefined;
}

/**
 * @internal The longest valid frame of a dialect, `{` to `}`: a status answer with every
 * slot full and 32-character ids, which is longer than any other message.
 */
export function longestFrameLength(dialect: Dialect): number {
  const envelope = (dialect.quotes ? 4 : 2) + IMEI_LENGTH + 1 + 2 + 1 + (dialect.crc === 'none' ? 0 : 1 + 4);
  return envelope + longestStatusData(dialect.slotCount);
}
