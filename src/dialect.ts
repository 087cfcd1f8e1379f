/**
 * Dialects: the envelope and CRC variant a station's firmware uses. The canonical
 * dialect is the one PROTOCOL.md fixes; the others exist in the field.
 *
 * @module
 */

import type { CrcName, CrcParams } from './crc/catalogue.js';
import { crcEngine, type Crc16Engine } from './crc/crc16.js';
import { ProtocolError } from './errors.js';
import { CRC_BYTE_ORDERS, CRC_COVERAGES } from './frame/layout.js';

/**
 * Which bytes the CRC covers (PROTOCOL.md section 8):
 * - `fields`: from after `{` and its quote (if any) up to, not including, the separator
 *   before the CRC — the canonical choice;
 * - `fieldsWithComma`: the same plus that separator byte, as received;
 * - `frame`: from the `{` itself through that separator.
 *
 * @example
 * ```ts
 * import { encodeToString, type CrcCoverage } from 'powerbank-codec';
 *
 * const crcCoverage: CrcCoverage = 'frame';
 * encodeToString({ type: 'Heartbeat', imei: '860123456789014' }, { dialect: { crcCoverage } });
 * ```
 */
export type CrcCoverage = 'fields' | 'fieldsWithComma' | 'frame';

/**
 * The order in which a frame writes the two bytes of its CRC, as four hex digits:
 * - `highFirst`: the high byte first, `3FCE` for the CRC 0x3FCE — the canonical choice;
 * - `lowFirst`: the low byte first, `CE3F` for the CRC 0x3FCE — firmware that writes the
 *   CRC in the order MODBUS RTU sends it on a serial line (a common bug).
 *
 * @example
 * ```ts
 * import { encodeToString, type CrcByteOrder } from 'powerbank-codec';
 *
 * const crcByteOrder: CrcByteOrder = 'lowFirst';
 * encodeToString({ type: 'Heartbeat', imei: '860123456789014' }, { dialect: { crcByteOrder } });
 * // '{"860123456789014,CH,,CE3F"}\r\n'
 * ```
 */
export type CrcByteOrder = 'highFirst' | 'lowFirst';

/**
 * A firmware variant: envelope, line ending, CRC algorithm, coverage and byte order, and
 * the number of slots. `encode` and `decode` take a `Partial<Dialect>` merged over
 * {@link canonicalDialect}.
 *
 * @example
 * ```ts
 * import { decode, type Dialect } from 'powerbank-codec';
 *
 * const legacy: Partial<Dialect> = { quotes: false, crc: 'CRC-16/XMODEM', crcCoverage: 'frame', slotCount: 12 };
 * decode('{860123456789014,CH,,CFF5}\r\n', { dialect: legacy });
 * ```
 */
export interface Dialect {
  /** Whether the body sits in double quotes inside the braces: `{"…"}`. */
  readonly quotes: boolean;
  /** What follows the closing brace on the wire. */
  readonly lineEnding: '\r\n' | '\n' | '';
  /** The CRC algorithm, custom width-16 parameters, or `'none'` for frames without a CRC field. */
  readonly crc: CrcName | CrcParams | 'none';
  /** Which bytes the CRC covers. */
  readonly crcCoverage: CrcCoverage;
  /** The order in which the CRC field writes the CRC's two bytes. */
  readonly crcByteOrder: CrcByteOrder;
  /** How many slots the station has: slot numbers run from 1 to this (at most 999). */
  readonly slotCount: number;
}

/**
 * The canonical dialect of PROTOCOL.md: quotes, CRLF, CRC-16/MODBUS over the fields
 * written high byte first, three slots.
 *
 * @example
 * ```ts
 * import { canonicalDialect } from 'powerbank-codec';
 *
 * canonicalDialect.crc; // 'CRC-16/MODBUS'
 * ```
 */
export const canonicalDialect: Dialect = Object.freeze({
  quotes: true,
  lineEnding: '\r\n',
  crc: 'CRC-16/MODBUS',
  crcCoverage: 'fields',
  crcByteOrder: 'highFirst',
  slotCount: 3,
});

/** The highest slot count a dialect may declare (slot numbers have at most three digits). */
export const MAX_SLOT_COUNT = 999;

/** A dialect checked and ready to use, with its CRC engine built. @internal */
export interface ResolvedDialect extends Dialect {
  /** `undefined` when the dialect has no CRC field. */
  readonly engine: Crc16Engine | undefined;
}

/** `a, b or c`, of two words or more. */
function listOf(words: readonly string[]): string {
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}

function invalid(field: string, message: string): never {
  throw new ProtocolError('OPTIONS', `dialect.${field}`, message);
}

const canonicalResolved: ResolvedDialect = Object.freeze({ ...canonicalDialect, engine: crcEngine(canonicalDialect.crc as CrcName) });

/**
 * Merges `partial` over the canonical dialect (a field left out or `undefined` takes the
 * canonical value) and checks every field. Throws a `ProtocolError` with code `OPTIONS`
 * when a field is invalid. Cheap enough to run on every call: a few comparisons, and a
 * lookup of the CRC engine.
 * @internal
 */
export function resolveDialect(partial: Partial<Dialect> | undefined): ResolvedDialect {
  if (partial === undefined) return canonicalResolved;
  if (typeof partial !== 'object' || partial === null) throw new ProtocolError('OPTIONS', 'dialect', `dialect must be an object; got ${JSON.stringify(partial)}`);
  const dialect: Dialect = {
    quotes: partial.quotes === undefined ? canonicalDialect.quotes : partial.quotes,
    lineEnding: partial.lineEnding === undefined ? canonicalDialect.lineEnding : partial.lineEnding,
    crc: partial.crc === undefined ? canonicalDialect.crc : partial.crc,
    crcCoverage: partial.crcCoverage === undefined ? canonicalDialect.crcCoverage : partial.crcCoverage,
    crcByteOrder: partial.crcByteOrder === undefined ? canonicalDialect.crcByteOrder : partial.crcByteOrder,
    slotCount: partial.slotCount === undefined ? canonicalDialect.slotCount : partial.slotCount,
  };
  if (typeof dialect.quotes !== 'boolean') invalid('quotes', `dialect.quotes must be a boolean`);
  if (dialect.lineEnding !== '\r\n' && dialect.lineEnding !== '\n' && dialect.lineEnding !== '') {
    invalid('lineEnding', `dialect.lineEnding must be '\\r\\n', '\\n' or ''; got ${JSON.stringify(dialect.lineEnding)}`);
  }
  if (!CRC_COVERAGES.includes(dialect.crcCoverage)) {
    invalid('crcCoverage', `dialect.crcCoverage must be ${listOf(CRC_COVERAGES.map((name) => `'${name}'`))}; got ${JSON.stringify(dialect.crcCoverage)}`);
  }
  if (!CRC_BYTE_ORDERS.includes(dialect.crcByteOrder)) {
    invalid('crcByteOrder', `dialect.crcByteOrder must be ${listOf(CRC_BYTE_ORDERS.map((name) => `'${name}'`))}; got ${JSON.stringify(dialect.crcByteOrder)}`);
  }
  if (!Number.isInteger(dialect.slotCount) || dialect.slotCount < 1 || dialect.slotCount > MAX_SLOT_COUNT) {
    invalid('slotCount', `dialect.slotCount must be an integer from 1 to ${MAX_SLOT_COUNT}; got ${String(dialect.slotCount)}`);
  }
  const engine = dialect.crc === 'none' ? undefined : crcEngine(dialect.crc);
  const { quotes, lineEnding, crc, crcCoverage, crcByteOrder, slotCount } = dialect;
  return { quotes, lineEnding, crc, crcCoverage, crcByteOrder, slotCount, engine };
}
