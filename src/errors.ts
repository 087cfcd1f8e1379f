/**
 * Errors and deviations: what `decode` reports about bad or non-canonical frames, and
 * what `encode` throws for a message that must not reach the wire.
 *
 * @module
 */

import type { MessageType } from './messages/index.js';

/**
 * Why `decode` refused a frame. Checks run in this order and the first failure is the
 * one reported:
 *
 * - `FRAME`: the envelope is broken: no `{` first or `}` last (bytes after the line
 *   ending and a second frame included), unbalanced quotes, a stray `{` `}` `"` or a byte
 *   other than visible ASCII in the fields, a CRC field that is not four hex digits, a
 *   missing or extra field separator, or (strict mode) any deviation outside the data
 *   field. The whole envelope is checked before the CRC, alike in both modes.
 * - `CRC`: the CRC carried by the frame differs from the one computed over the covered
 *   bytes as received.
 * - `IMEI`: the device number is not 15 digits (or fails the Luhn check when asked for).
 * - `COMMAND`: the command word is not one of the ten the protocol defines.
 * - `DATA`: the data field does not fit the grammar of its command.
 * - `DIRECTION`: the message is one that only the other side sends.
 *
 * @example
 * ```ts
 * import { decode } from 'powerbank-codec';
 *
 * const result = decode('{"860123456789014,CH,,0000"}');
 * if (!result.ok && result.error.code === 'CRC') {
 *   console.log(result.error.expected.toString(16)); // '3fce'
 * }
 * ```
 */
export type DecodeErrorCode = 'FRAME' | 'CRC' | 'IMEI' | 'COMMAND' | 'DATA' | 'DIRECTION';

/**
 * What every decode error carries.
 */
interface DecodeErrorBase {
  /** A sentence naming the offending field, its byte position and what was wrong. */
  readonly message: string;
  /** Byte position in the decoded input where the problem starts (0-based). */
  readonly offset: number;
}

/**
 * The envelope is broken. When the frame was refused in strict mode because of a
 * deviation that lenient mode would accept, `deviation` names it.
 */
export interface FrameError extends DecodeErrorBase {
  readonly code: 'FRAME';
  /** Set when strict mode refused a frame that lenient mode would accept. */
  readonly deviation?: DeviationCode;
}

/** The CRC carried by the frame does not match the bytes it covers. */
export interface CrcError extends DecodeErrorBase {
  readonly code: 'CRC';
  /** The CRC computed over the covered bytes as received. */
  readonly expected: number;
  /** The CRC written in the frame. */
  readonly received: number;
}

/** The device number is not a valid IMEI. */
export interface ImeiError extends DecodeErrorBase {
  readonly code: 'IMEI';
  /** The IMEI field exactly as received. */
  readonly imei: string;
}

/** The command word is unknown. The rest of the frame is handed back for logging. */
export interface CommandError extends DecodeErrorBase {
  readonly code: 'COMMAND';
  readonly imei: string;
  /** The command word exactly as received. */
  readonly word: string;
  /** The data field exactly as received. */
  readonly data: string;
}

/**
 * The data field does not fit its command's grammar. In strict mode this is also the
 * code for the two deviations that live inside the data field (`MISSING_SEMICOLON`,
 * `UNKNOWN_STATUS`), named by `deviation`.
 */
export interface DataError extends DecodeErrorBase {
  readonly code: 'DATA';
  readonly imei: string;
  /** The command word whose grammar the data broke. */
  readonly command: string;
  /** Set when strict mode refused a frame that lenient mode would accept. */
  readonly deviation?: DeviationCode;
}

/** The frame decoded, but it is a message that only the other side sends. */
export interface DirectionError extends DecodeErrorBase {
  readonly code: 'DIRECTION';
  readonly imei: string;
  /** The message type that arrived from the wrong side. */
  readonly messageType: MessageType;
}

/**
 * Why `decode` refused a frame: a discriminated union on `code`. Plain data, never an
 * exception: `decode` returns it inside `{ ok: false, error }`.
 *
 * @example
 * ```ts
 * import { decode } from 'powerbank-codec';
 *
 * const result = decode('{"860123456789014,XX,,1234"}', { dialect: { crc: 'none' } });
 * if (!result.ok) console.log(result.error.code, result.error.message);
 * ```
 */
export type DecodeError =
  | FrameError
  | CrcError
  | ImeiError
  | CommandError
  | DataError
  | DirectionError;

/**
 * A departure from the canonical form that lenient mode accepts and reports
 * (PROTOCOL.md section 7). Strict mode refuses the frame instead, with code `FRAME`
 * (or `DATA` for the last two):
 *
 * - `QUOTES`: the inner quotes are missing (or present, in a dialect without them);
 * - `LINE_ENDING`: a line ending other than the dialect's (e.g. `\n` alone);
 * - `SEPARATOR`: `.` or `;` instead of `,` after the command word or before the CRC;
 * - `LOWERCASE_CRC`: the CRC is written in lowercase hex;
 * - `MISSING_SEMICOLON`: the last AQ slot record has no closing `;`;
 * - `UNKNOWN_STATUS`: an AQ status code other than FU, NF, EM, ER.
 *
 * @example
 * ```ts
 * import { decode } from 'powerbank-codec';
 *
 * const result = decode('{860123456789014,CH,,3FCE}\n');
 * if (result.ok) console.log(result.deviations.map((d) => d.code)); // ['QUOTES', 'LINE_ENDING'] (in byte order)
 * ```
 */
export type DeviationCode =
  | 'QUOTES'
  | 'LINE_ENDING'
  | 'SEPARATOR'
  | 'LOWERCASE_CRC'
  | 'MISSING_SEMICOLON'
  | 'UNKNOWN_STATUS';

/**
 * One deviation seen while decoding in lenient mode.
 *
 * @example
 * ```ts
 * import { decode } from 'powerbank-codec';
 *
 * const result = decode('{"860123456789014,CH,,3fce"}');
 * if (result.ok) {
 *   const [deviation] = result.deviations;
 *   console.log(deviation?.code, deviation?.offset); // 'LOWERCASE_CRC' 22
 * }
 * ```
 */
export interface Deviation {
  readonly code: DeviationCode;
  /** Byte position in the decoded input. */
  readonly offset: number;
  /** A sentence saying what was seen and what the canonical form is. */
  readonly message: string;
}

/**
 * What a {@link ProtocolError} is about. `encode` uses the name of the message field
 * that was invalid; `OPTIONS` means invalid options (an unknown CRC name, a bad slot
 * count), which is a programming error.
 */
export type ProtocolErrorCode =
  | 'TYPE'
  | 'IMEI'
  | 'SLOT'
  | 'SLOTS'
  | 'POWER_BANK_ID'
  | 'STATUS'
  | 'BELONGS'
  | 'OPTIONS';

/**
 * Thrown by `encode` (and by any function given invalid options) when the caller asked
 * for something the protocol cannot express. Never thrown because of bytes from the
 * wire: `decode` returns a {@link DecodeError} instead.
 *
 * Recognise it by `name` (or with {@link isProtocolError}) rather than `instanceof`,
 * so that two copies of the package in one process still agree.
 *
 * @example
 * ```ts
 * import { encode, isProtocolError } from 'powerbank-codec';
 *
 * try {
 *   encode({ type: 'LendRequest', imei: '860123456789014', slot: 9, powerBankId: 'A1' });
 * } catch (error) {
 *   if (isProtocolError(error)) console.log(error.code, error.field); // 'SLOT' 'slot'
 * }
 * ```
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** What was wrong, as a stable code. */
  readonly code: ProtocolErrorCode;
  /** The path of the offending property, e.g. `slots[1].powerBankId`. */
  readonly field: string;

  constructor(code: ProtocolErrorCode, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/**
 * Whether `value` is a {@link ProtocolError}, from this copy of the package or another.
 *
 * @example
 * ```ts
 * import { encodeToString, isProtocolError } from 'powerbank-codec';
 *
 * try {
 *   encodeToString({ type: 'Heartbeat', imei: '12345' });
 * } catch (error) {
 *   if (isProtocolError(error)) console.log(error.message);
 * }
 * ```
 */
export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof Error && value.name === 'ProtocolError' && 'code' in value;
}
