/**
 * CH — heartbeat. Device → server; the server does not answer.
 *
 * ```
 * {"860123456789014,CH,,3FCE"}\r\n
 *   └─── imei ────┘ └┘ └┘└crc┘
 *                   cmd  data: empty
 * ```
 *
 * @module
 */

import { commandCodec, type CommandCodec } from './codec.js';
import { checkEmptyData } from './grammar.js';

/**
 * A station's periodic "still here". The server does not answer it.
 *
 * @example
 * ```ts
 * import { encodeToString, type Heartbeat } from 'powerbank-codec';
 *
 * const heartbeat: Heartbeat = { type: 'Heartbeat', imei: '860123456789014' };
 * encodeToString(heartbeat); // '{"860123456789014,CH,,3FCE"}\r\n'
 * ```
 */
export interface Heartbeat {
  readonly type: 'Heartbeat';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
}

/** @internal */
export const CH: CommandCodec<Heartbeat> = commandCodec({
  command: 'CH',
  sender: 'device',
  types: ['Heartbeat'],
  decode: (bytes, start, end, imei) => checkEmptyData(bytes, start, end, 'CH') ?? { type: 'Heartbeat', imei },
  write: () => {},
});
