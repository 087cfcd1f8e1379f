/**
 * MQ — ownership query. Device → server, when a power bank is inserted: "does this
 * bank belong to the system?". The server answers RQ.
 *
 * ```
 * {"860123456789014,MQ,2.1234567890,35EF"}\r\n
 *                   └┘ │ └── id ──┘
 *                   cmd slot
 * ```
 *
 * @module
 */

import type { CommandCodec } from './codec.js';
import { slotCommand } from './slotCommand.js';

/**
 * A station reports a power bank inserted into a slot and asks whether the system
 * accepts it; the first step of a return.
 *
 * @example
 * ```ts
 * import { encodeToString, type OwnershipQuery } from 'powerbank-codec';
 *
 * const query: OwnershipQuery = { type: 'OwnershipQuery', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(query); // '{"860123456789014,MQ,2.1234567890,35EF"}\r\n'
 * ```
 */
export interface OwnershipQuery {
  readonly type: 'OwnershipQuery';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot the power bank was inserted into. */
  readonly slot: number;
  /** The inserted power bank's id. */
  readonly powerBankId: string;
}

/** @internal */
export const MQ: CommandCodec<OwnershipQuery> = slotCommand('MQ', 'device', { OwnershipQuery: '' });
