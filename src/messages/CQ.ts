/**
 * CQ — status query. Server → device; the station answers with AQ.
 *
 * ```
 * {"860123456789014,CQ,,AFC5"}\r\n
 *   └─── imei ────┘ └┘ └┘└crc┘
 *                   cmd  data: empty
 * ```
 *
 * @module
 */

import { commandCodec, type CommandCodec } from './codec.js';
import { checkEmptyData } from './grammar.js';

/**
 * The server asks a station which power banks it holds; answered by a
 * {@link StatusAnswer}.
 *
 * @example
 * ```ts
 * import { encodeToString, type StatusQuery } from 'powerbank-codec';
 *
 * const query: StatusQuery = { type: 'StatusQuery', imei: '860123456789014' };
 * encodeToString(query); // '{"860123456789014,CQ,,AFC5"}\r\n'
 * ```
 */
export interface StatusQuery {
  readonly type: 'StatusQuery';
  /** The station's 15-digit IMEI. */
  readonly imei: string;
}

/** @internal */
export const CQ: CommandCodec<StatusQuery> = commandCodec({
  command: 'CQ',
  sender: 'server',
  types: ['StatusQuery'],
  decode: (bytes, start, end, imei) => checkEmptyData(bytes, start, end, 'CQ') ?? { type: 'StatusQuery', imei },
  write: () => {},
});
