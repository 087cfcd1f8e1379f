/**
 * Why a frame's envelope is broken, in words: the messages of the `FRAME` errors that
 * `readEnvelope` returns, each naming the byte at fault, and of its `CRC` error.
 *
 * @module
 * @internal
 */

import { byteString, describeByte, excerpt, hex4 } from '../bytes.js';
import type { ResolvedDialect } from '../dialect.js';
import type { CrcError, DeviationCode, FrameError } from '../errors.js';
import { IMEI_LENGTH } from '../fields/imei.js';
import { COMMA, CR, crcFieldValue, DOT, LEFT_BRACE, LF, QUOTE, RIGHT_BRACE, SEMICOLON } from './layout.js';

/** A `FRAME` error at `offset`, for a deviation strict mode refuses when `deviation` is given. */
export function frameError(offset: number, message: string, deviation?: DeviationCode): FrameError {
  return deviation === undefined ? { code: 'FRAME', offset, message } : { code: 'FRAME', offset, message, deviation };
}

/** Where the line ending that may start at `at` ends: after an optional CR, then an optional LF. */
export function afterLineEnding(bytes: Uint8Array, at: number): number {
  if (bytes[at] === CR) at++;
  if (bytes[at] === LF) at++;
  return at;
}

export function isSeparator(byte: number | undefined): boolean {
  return byte === COMMA || byte === DOT || byte === SEMICOLON;
}

/** Whether `byte` is a hex digit: `0`-`9`, `A`-`F` or `a`-`f`. */
function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** The value of the hex digit `byte`, which the caller checked is one. */
export function hexValue(byte: number): number {
  return byte <= 0x39 ? byte - 0x30 : byte <= 0x46 ? byte - 0x37 : byte - 0x57;
}

/** Whether `bytes[start..end)` are all hex digits. */
export function allHex(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isHexDigit(bytes[i]!)) return false;
  return true;
}

/**
 * Why the fields, which run from `start`, stop at `at` without a clean end of the frame
 * (a closing quote if the body has an opening one, `}`, then at most a line ending).
 */
export function endError(bytes: Uint8Array, at: number, quoted: boolean): FrameError {
  const byte = bytes[at];
  const closing = quoted ? `'"}'` : `'}'`;
  // The input ends (or only a line ending follows) where the frame should close.
  if (byte === undefined) return frameError(at, `the input ends at byte ${at} without the frame's closing ${closing}`);
  if (afterLineEnding(bytes, at) === bytes.length) {
    return frameError(at, `the line ending at byte ${at} comes without the frame's closing ${closing}`);
  }
  if (byte === QUOTE && afterLineEnding(bytes, at + 1) === bytes.length) {
    const where = at + 1 === bytes.length ? `the input ends at byte ${at + 1}` : `the line ending at byte ${at + 1} comes`;
    return frameError(at + 1, `${where} without the '}' that closes the frame after the quote at byte ${at}`);
  }
  // A '"}' (or, in a body without quotes, a last '}') that closes the frame, followed by
  // more than a line ending: a second frame, or bytes after the frame.
  const brace = byte === QUOTE ? at + 1 : at;
  if (bytes[brace] === RIGHT_BRACE) {
    const next = afterLineEnding(bytes, brace + 1);
    if (bytes[next] === LEFT_BRACE) {
      return frameError(next, `a second frame starts at byte ${next}, after the '}' at byte ${brace}: decode takes one frame`);
    }
    if (brace > at || (!quoted && bytes.lastIndexOf(RIGHT_BRACE) <= next)) {
      const after = next > brace + 1 ? ' and its line ending' : '';
      return frameError(next, `unexpected ${describeByte(bytes[next])} at byte ${next} after the frame's closing '}' at byte ${brace}${after}; only a line ending may follow '}'`);
    }
  }
  const what = byte === QUOTE || byte === LEFT_BRACE || byte === RIGHT_BRACE ? '' : ": a frame holds only visible ASCII, '!' to '~'";
  return frameError(at, `unexpected ${describeByte(byte)} at byte ${at} inside the frame's fields${what}`);
}

/**
 * Why `bytes[start..end)`, the body of a frame with a CRC, does not end in a separator
 * and four hex digits.
 */
export function crcFieldError(bytes: Uint8Array, start: number, end: number): FrameError {
  if (start === end) return frameError(start, `the frame has no fields: its body at byte ${start} is empty`);
  let field = end;
  while (field > start && !isSeparator(bytes[field - 1])) field--;
  if (field === start) {
    return frameError(start, `the body "${excerpt(bytes, start, end)}" at byte ${start} has no field separator; a frame holds imei,command,data,crc`);
  }
  const length = end - field;
  if (length === 0) return frameError(field, `the CRC field at byte ${field} is empty; a CRC is four hex digits`);
  if (allHex(bytes, field, end)) {
    return frameError(field, `the CRC field "${excerpt(bytes, field, end)}" at byte ${field} has ${length} hex digit${length === 1 ? '' : 's'}; a CRC has four`);
  }
  // The separator before `field` is no hex digit: if these four bytes are, byte `end - 5` is in the body.
  if (allHex(bytes, end - 4, end)) {
    return frameError(end - 5, `expected ',' before the CRC at byte ${end - 5}, found ${describeByte(bytes[end - 5])}`);
  }
  return frameError(field, `the CRC field "${excerpt(bytes, field, end)}" at byte ${field} is not four hex digits`);
}

/**
 * The frame's fields `bytes[start..end)` hold a `,` too many. Names the one out of place
 * (when a 15-byte IMEI and a two-letter word are followed by their separators, any other;
 * else the first after the command word's separator `commandEnd`), and lists them all.
 */
export function extraFieldError(bytes: Uint8Array, start: number, end: number, commandEnd: number, noCrc: boolean): FrameError {
  const imeiEnd = start + IMEI_LENGTH;
  const wordEnd = imeiEnd + 3;
  const shaped = bytes[imeiEnd] === COMMA && wordEnd < end && isSeparator(bytes[wordEnd]);
  const commas: number[] = [];
  for (let i = start; i < end; i++) if (bytes[i] === COMMA) commas.push(i);
  // There is one: the caller counted a ',' too many.
  const stray = commas.find((i) => (shaped ? i !== imeiEnd && i !== wordEnd : i > commandEnd))!;
  const fields = noCrc ? 'three fields (imei,command,data)' : 'four fields (imei,command,data,crc)';
  return frameError(stray, `unexpected ',' at byte ${stray}: a frame has exactly ${fields} and data holds no ',' (',' at bytes ${commas.join(', ')})`);
}

/**
 * The `CRC` error of a frame whose CRC field, at `crcStart`, reads `received` in the
 * dialect's byte order where the CRC of `bytes[coveredStart..coveredEnd)` is `expected`.
 * When the field holds the expected CRC with its two bytes the other way round, the
 * message says so, and names the byte order that reads it.
 */
export function crcError(
  bytes: Uint8Array,
  crcStart: number,
  expected: number,
  received: number,
  dialect: ResolvedDialect,
  coveredStart: number,
  coveredEnd: number,
): CrcError {
  const order = dialect.crcByteOrder;
  const lowFirst = order === 'lowFirst';
  const written = hex4(crcFieldValue(expected, order));
  const other = lowFirst ? 'highFirst' : 'lowFirst';
  const swapped =
    crcFieldValue(received, order) === crcFieldValue(expected, other)
      ? `; it is that CRC written ${lowFirst ? 'high' : 'low'} byte first: the dialect option crcByteOrder: '${other}' reads it`
      : '';
  return {
    code: 'CRC',
    offset: crcStart,
    expected,
    received,
    message: `CRC ${byteString(bytes, crcStart, crcStart + 4)} at byte ${crcStart} does not match ${written}, the ${dialect.engine!.name} of bytes ${coveredStart}..${coveredEnd - 1}${lowFirst ? ' written low byte first' : ''}${swapped}`,
  };
}
