/**
 * AR — the server acknowledges a failure. Server → device, answering MR with the same
 * word: BF for a failed lend, RF for a failed return.
 *
 * ```
 * {"860123456789014,AR,BF.2.1234567890,874B"}\r\n
 * {"860123456789014,AR,RF.2.1234567890,8B5B"}\r\n
 *                   └┘ │  │ └── id ──┘
 *                   cmd │  slot
 *                       BF lend failed / RF return failed
 * ```
 *
 * @module
 */

import type { CommandCodec } from './codec.js';
import { slotCommand } from './slotCommand.js';

/**
 * The server acknowledges a {@link LendFailure}.
 *
 * @example
 * ```ts
 * import { encodeToString, type LendFailureAck } from 'powerbank-codec';
 *
 * const ack: LendFailureAck = { type: 'LendFailureAck', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(ack); // '{"860123456789014,AR,BF.2.1234567890,874B"}\r\n'
 * ```
 */
export interface LendFailureAck {
  readonly type: 'LendFailureAck';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot named in the failure report. */
  readonly slot: number;
  /** The power bank id named in the failure report. */
  readonly powerBankId: string;
}

/**
 * The server acknowledges a {@link ReturnFailure}.
 *
 * @example
 * ```ts
 * import { encodeToString, type ReturnFailureAck } from 'powerbank-codec';
 *
 * const ack: ReturnFailureAck = { type: 'ReturnFailureAck', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(ack); // '{"860123456789014,AR,RF.2.1234567890,8B5B"}\r\n'
 * ```
 */
export interface ReturnFailureAck {
  readonly type: 'ReturnFailureAck';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot named in the failure report. */
  readonly slot: number;
  /** The power bank id named in the failure report. */
  readonly powerBankId: string;
}

/** @internal */
export const AR: CommandCodec<LendFailureAck | ReturnFailureAck> = slotCommand('AR', 'server', {
  LendFailureAck: 'BF',
  ReturnFailureAck: 'RF',
});
