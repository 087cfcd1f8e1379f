/**
 * CC — lend request. Server → device; the station answers MC (BO) or MR (BF).
 *
 * ```
 * {"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n
 *                   └┘ └┘ │ └── id ──┘
 *                   cmd BW slot
 * ```
 *
 * @module
 */

import type { CommandCodec } from './codec.js';
import { slotCommand } from './slotCommand.js';

/**
 * The server asks a station to release the power bank in a slot.
 *
 * @example
 * ```ts
 * import { encodeToString, type LendRequest } from 'powerbank-codec';
 *
 * const lend: LendRequest = { type: 'LendRequest', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(lend); // '{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n'
 * ```
 */
export interface LendRequest {
  readonly type: 'LendRequest';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot to release, from 1 to the dialect's slot count. */
  readonly slot: number;
  /** The id of the power bank expected in that slot: 1 to 32 digits or uppercase letters. */
  readonly powerBankId: string;
}

/** @internal */
export const CC: CommandCodec<LendRequest> = slotCommand('CC', 'server', { LendRequest: 'BW' });
