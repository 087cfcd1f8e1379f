/**
 * The server's side of every flow of PROTOCOL.md section 5: what to send back to each
 * message a station sends.
 *
 * ```
 * station → server          server → station
 * MQ      OwnershipQuery  → RQ.T / RQ.F  OwnershipAnswer (policy.belongs decides)
 * MC.BO   LendSuccess     → AM.BO        LendSuccessAck
 * MC.RO   ReturnSuccess   → AM.RO        ReturnSuccessAck
 * MR.BF   LendFailure     → AR.BF        LendFailureAck
 * MR.RF   ReturnFailure   → AR.RF        ReturnFailureAck
 * CH      Heartbeat       → (no answer)
 * AQ      StatusAnswer    → (no answer: it is itself the answer to CQ)
 * ```
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import type { LendFailureAck, ReturnFailureAck } from '../messages/AR.js';
import type { LendSuccessAck, ReturnSuccessAck } from '../messages/AM.js';
import type { Message } from '../messages/index.js';
import type { OwnershipAnswer } from '../messages/RQ.js';

/**
 * What {@link replyTo} needs to know about the back end: whether a power bank a
 * station reports as inserted belongs to the system (the return goes on) or not (the
 * station ejects it).
 *
 * `belongs` must answer synchronously. When the answer comes from a database, look it
 * up first and hand the result over: `replyTo(query, { belongs: () => found })`.
 *
 * @example
 * ```ts
 * import type { OwnershipPolicy } from 'powerbank-codec';
 *
 * const fleet = new Set(['1234567890', '123456789012']);
 * const policy: OwnershipPolicy = { belongs: (powerBankId) => fleet.has(powerBankId) };
 * ```
 */
export interface OwnershipPolicy {
  /** Whether the power bank `powerBankId`, inserted into `slot` of station `imei`, belongs to the system. */
  belongs(powerBankId: string, slot: number, imei: string): boolean;
}

/**
 * The type of the server's answer to a message of type `M`: `OwnershipAnswer` for an
 * `OwnershipQuery`, the matching acknowledgement for a success or failure report,
 * `undefined` for everything else. For a union (e.g. `Message`) it is the union of the
 * answers.
 *
 * @example
 * ```ts
 * import type { LendSuccess, LendSuccessAck, ReplyTo } from 'powerbank-codec';
 *
 * const same: ReplyTo<LendSuccess> extends LendSuccessAck ? true : false = true;
 * ```
 */
export type ReplyTo<M extends Message> = M extends { readonly type: 'OwnershipQuery' }
  ? OwnershipAnswer
  : M extends { readonly type: 'LendSuccess' }
    ? LendSuccessAck
    : M extends { readonly type: 'ReturnSuccess' }
      ? ReturnSuccessAck
      : M extends { readonly type: 'LendFailure' }
        ? LendFailureAck
        : M extends { readonly type: 'ReturnFailure' }
          ? ReturnFailureAck
          : undefined;

/** Each report a station sends, with the acknowledgement that answers it. */
const ACKNOWLEDGEMENTS = {
  LendSuccess: 'LendSuccessAck',
  ReturnSuccess: 'ReturnSuccessAck',
  LendFailure: 'LendFailureAck',
  ReturnFailure: 'ReturnFailureAck',
} as const;

function answer(message: Message, policy: OwnershipPolicy): Message | undefined {
  switch (message.type) {
    case 'OwnershipQuery': {
      const { imei, slot, powerBankId } = message;
      const belongs: unknown = policy.belongs(powerBankId, slot, imei);
      if (typeof belongs !== 'boolean') {
        throw new ProtocolError(
          'BELONGS',
          'policy.belongs',
          `policy.belongs must return true or false (synchronously); got ${belongs instanceof Promise ? 'a Promise' : JSON.stringify(belongs)}`,
        );
      }
      return { type: 'OwnershipAnswer', imei, belongs, slot, powerBankId };
    }
    case 'LendSuccess':
    case 'ReturnSuccess':
    case 'LendFailure':
    case 'ReturnFailure': {
      const { imei, slot, powerBankId } = message;
      return { type: ACKNOWLEDGEMENTS[message.type], imei, slot, powerBankId };
    }
  }
  // A heartbeat, a status answer, or a message only the server sends: no answer.
  return undefined;
}

/**
 * The server's answer to a message from a station, per PROTOCOL.md section 5, or
 * `undefined` when the protocol has none (a heartbeat, a status answer, or a message
 * only the server sends). The answer repeats the station's IMEI, slot and power-bank id.
 * Pure: it only calls `policy.belongs`, and only for an `OwnershipQuery`.
 *
 * The return type follows the argument's type ({@link ReplyTo}): a `LendSuccess` gives
 * a `LendSuccessAck`, a `Message` gives `Message | undefined`.
 *
 * Throws a `ProtocolError` (`BELONGS`) when `policy.belongs` returns anything but a
 * boolean, such as a Promise.
 *
 * @example
 * ```ts
 * import { decode, encodeToString, replyTo } from 'powerbank-codec';
 *
 * const policy = { belongs: (powerBankId: string) => powerBankId.startsWith('12') };
 * const result = decode('{"860123456789014,MQ,2.1234567890,35EF"}\r\n', { from: 'device' });
 * if (result.ok) {
 *   const reply = replyTo(result.message, policy);
 *   if (reply) console.log(encodeToString(reply)); // {"860123456789014,RQ,T.2.1234567890,2E6D"}\r\n
 * }
 * ```
 */
export function replyTo<M extends Message>(message: M, policy: OwnershipPolicy): ReplyTo<M> {
  return answer(message, policy) as ReplyTo<M>;
}
