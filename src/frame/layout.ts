/**
 * The layout of a frame, in one place: the bytes that shape it and the bytes its CRC
 * covers under each coverage. Reading and writing the envelope, the splitter, detection,
 * the arbitraries and the command-line tool all take them from here, so a new coverage
 * is a change here (and to the `CrcCoverage` type) and nowhere else.
 *
 * ```
 * {"860123456789014,MC,BO.2.1234567890,88DD"}\r\n
 * │││              │  │              │└crc┘│││└┘ line ending
 * ││└── fields ────┴──┴──────────────┘     ││└ closing brace
 * ││   imei , command , data     separator┘│
 * │└ quote (dialects with quotes)           └ closing quote
 * └ opening brace
 *
 * CRC coverage    covers
 * fields          the fields: from after '{' and its quote up to, not including, the separator
 * fieldsWithComma the fields and the separator
 * frame           from the '{' itself through the separator
 *
 * CRC byte order  the CRC 0x3FCE is written
 * highFirst       3FCE
 * lowFirst        CE3F
 * ```
 *
 * @module
 * @internal
 */

import type { CrcByteOrder, CrcCoverage } from '../dialect.js';

export const LEFT_BRACE = 0x7b;
export const RIGHT_BRACE = 0x7d;
export const QUOTE = 0x22;
/** Separates the fields. */
export const COMMA = 0x2c;
/** Separates the parts of a data field; a deviation for `,` after the command word. */
export const DOT = 0x2e;
/** Closes a slot record of a status answer; a deviation for `,` after the command word. */
export const SEMICOLON = 0x3b;
export const CR = 0x0d;
export const LF = 0x0a;

/** The shortest frame of any dialect: `{860123456789014,CH,}` (no quotes, no CRC). */
export const MIN_FRAME_LENGTH = 21;

/** Every CRC coverage, the canonical one first. */
export const CRC_COVERAGES: readonly CrcCoverage[] = ['fields', 'fieldsWithComma', 'frame'];

/**
 * Where the bytes a CRC covers start: at the frame's `{` (`frameStart`) for `frame`,
 * else at its fields (`fieldsStart`).
 */
export function coverageStart(coverage: CrcCoverage, frameStart: number, fieldsStart: number): number {
  return coverage === 'frame' ? frameStart : fieldsStart;
}

/** Where the bytes a CRC covers end (exclusive), given the separator before the CRC. */
export function coverageEnd(coverage: CrcCoverage, separator: number): number {
  return coverage === 'fields' ? separator : separator + 1;
}

/** Every CRC byte order, the canonical one first. */
export const CRC_BYTE_ORDERS: readonly CrcByteOrder[] = ['highFirst', 'lowFirst'];

/**
 * The value the four hex digits of the CRC field spell for the CRC `crc`, in `order`;
 * and, as swapping twice changes nothing, the CRC a field's value stands for.
 */
export function crcFieldValue(crc: number, order: CrcByteOrder): number {
  return order === 'lowFirst' ? ((crc & 0xff) << 8) | (crc >>> 8) : crc;
}
