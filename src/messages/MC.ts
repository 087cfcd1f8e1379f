/**
 * MC — a station reports success. Device → server, answered by AM with the same word:
 * BO after a lend (the power bank left the slot), RO after a return (it was taken back).
 *
 * ```
 * {"860123456789014,MC,BO.2.1234567890,88DD"}\r\n
 * {"860123456789014,MC,RO.2.1234567890,84CD"}\r\n
 *                   └┘ │  │ └── id ──┘
 *                   cmd │  slot
 *                       BO lent / RO returned
 * ```
 *
 * @module
 */

import type { CommandCodec } from './codec.js';
import { slotCommand } from './slotCommand.js';

/**
 * The station released the power bank asked for by a {@link LendRequest}.
 *
 * @example
 * ```ts
 * import { encodeToString, type LendSuccess } from 'powerbank-codec';
 *
 * const lent: LendSuccess = { type: 'LendSuccess', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(lent); // '{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n'
 * ```
 */
export interface LendSuccess {
  readonly type: 'LendSuccess';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot the power bank left. */
  readonly slot: number;
  /** The id of the power bank lent. */
  readonly powerBankId: string;
}

/**
 * The station took back a returned power bank after the server said it belongs.
 *
 * @example
 * ```ts
 * import { encodeToString, type ReturnSuccess } from 'powerbank-codec';
 *
 * const returned: ReturnSuccess = { type: 'ReturnSuccess', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(returned); // '{"860123456789014,MC,RO.2.1234567890,84CD"}\r\n'
 * ```
 */
export interface ReturnSuccess {
  readonly type: 'ReturnSuccess';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot now holding the returned power bank. */
  readonly slot: number;
  /** The id of the power bank returned. */
  readonly powerBankId: string;
}

/** @internal */
export const MC: CommandCodec<LendSuccess | ReturnSuccess> = slotCommand('MC', 'device', {
  LendSuccess: 'BO',
  ReturnSuccess: 'RO',
});
