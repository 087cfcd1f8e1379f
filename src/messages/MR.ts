/**
 * MR — a station reports failure. Device → server, answered by AR with the same word:
 * BF when a lend failed (the power bank did not come out), RF when a return failed
 * after the server accepted the power bank.
 *
 * ```
 * {"860123456789014,MR,BF.2.1234567890,D488"}\r\n
 * {"860123456789014,MR,RF.2.1234567890,D898"}\r\n
 *                   └┘ │  │ └── id ──┘
 *                   cmd │  slot
 *                       BF lend failed / RF return failed
 * ```
 *
 * (The vendor text prints `MR.BF` for the return failure too; it is `MR.RF`,
 * PROTOCOL.md erratum 2.)
 *
 * @module
 */

import type { CommandCodec } from './codec.js';
import { slotCommand } from './slotCommand.js';

/**
 * The station could not release the power bank asked for by a {@link LendRequest}.
 *
 * @example
 * ```ts
 * import { encodeToString, type LendFailure } from 'powerbank-codec';
 *
 * const failed: LendFailure = { type: 'LendFailure', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(failed); // '{"860123456789014,MR,BF.2.1234567890,D488"}\r\n'
 * ```
 */
export interface LendFailure {
  readonly type: 'LendFailure';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot named in the lend request. */
  readonly slot: number;
  /** The power bank id named in the lend request. */
  readonly powerBankId: string;
}

/**
 * The station could not take back a power bank the server said belongs.
 *
 * @example
 * ```ts
 * import { encodeToString, type ReturnFailure } from 'powerbank-codec';
 *
 * const failed: ReturnFailure = { type: 'ReturnFailure', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(failed); // '{"860123456789014,MR,RF.2.1234567890,D898"}\r\n'
 * ```
 */
export interface ReturnFailure {
  readonly type: 'ReturnFailure';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot of the attempted return. */
  readonly slot: number;
  /** The id of the power bank that could not be taken back. */
  readonly powerBankId: string;
}

/** @internal */
export const MR: CommandCodec<LendFailure | ReturnFailure> = slotCommand('MR', 'device', {
  LendFailure: 'BF',
  ReturnFailure: 'RF',
});
