/**
 * AM — the server acknowledges a success. Server → device, answering MC with the
 * same word: BO for a lend, RO for a return.
 *
 * ```
 * {"860123456789014,AM,BO.2.1234567890,B87A"}\r\n
 * {"860123456789014,AM,RO.2.1234567890,B46A"}\r\n
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
 * The server acknowledges a {@link LendSuccess}; the lend is complete.
 *
 * @example
 * ```ts
 * import { encodeToString, type LendSuccessAck } from 'powerbank-codec';
 *
 * const ack: LendSuccessAck = { type: 'LendSuccessAck', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(ack); // '{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n'
 * ```
 */
export interface LendSuccessAck {
  readonly type: 'LendSuccessAck';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot named in the success report. */
  readonly slot: number;
  /** The power bank id named in the success report. */
  readonly powerBankId: string;
}

/**
 * The server acknowledges a {@link ReturnSuccess}; the return is complete.
 *
 * @example
 * ```ts
 * import { encodeToString, type ReturnSuccessAck } from 'powerbank-codec';
 *
 * const ack: ReturnSuccessAck = { type: 'ReturnSuccessAck', imei: '860123456789014', slot: 2, powerBankId: '1234567890' };
 * encodeToString(ack); // '{"860123456789014,AM,RO.2.1234567890,B46A"}\r\n'
 * ```
 */
export interface ReturnSuccessAck {
  readonly type: 'ReturnSuccessAck';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
  /** The slot named in the success report. */
  readonly slot: number;
  /** The power bank id named in the success report. */
  readonly powerBankId: string;
}

/** @internal */
export const AM: CommandCodec<LendSuccessAck | ReturnSuccessAck> = slotCommand('AM', 'server', {
  LendSuccessAck: 'BO',
  ReturnSuccessAck: 'RO',
});
