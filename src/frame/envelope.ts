/**
 * The envelope of one frame: braces, quotes, line ending, the CRC field and the bytes
 * it covers. Reading it finds where the fields (`imei,command,data`) lie, after checking
 * the CRC; writing it wraps the fields `encode` writes into a frame.
 *
 * ```
 * {"860123456789014,MC,BO.2.1234567890,88DD"}\r\n
 * │└──────── fields ──────────────────┘│└crc┘│└┘└ line ending
 * │                                    separator before the CRC
 * └ coverage 'frame' starts here; 'fields' starts after the quote
 * ```
 *
 * Checks on bytes the CRC does not cover come first; then the CRC; then checks on the
 * covered bytes, so that a corruption inside the covered region reads as a CRC error
 * rather than as a strange field.
 *
 * @module
 * @internal
 */

import { byteString, describeByte, hex4, spells } from '../bytes.js';
import type { ResolvedDialect } from '../dialect.js';
import type { CrcError, DeviationCode, FrameError } from '../errors.js';
import type { DeviationLog } from './deviations.js';
import { putAscii, putHex4, type FrameWriter } from './writer.js';

const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const DOT = 0x2e;
const SEMICOLON = 0x3b;
const CR = 0x0d;
const LF = 0x0a;

/** Where the fields of a frame lie: `bytes[start..end)` is `imei,command,data`. */
export interface FieldBounds {
  start: number;
  end: number;
}

function frameError(offset: number, message: string, deviation?: DeviationCode): FrameError {
  return deviation === undefined ? { code: 'FRAME', offset, message } : { code: 'FRAME', offset, message, deviation };
}

/** Records a deviation, or returns the strict-mode error that refuses it. */
function deviate(log: DeviationLog, code: DeviationCode, offset: number, message: string): FrameError | undefined {
  return log.accept(code, offset, message) ? undefined : frameError(offset, message, code);
}

function showLineEnding(text: string): string {
  return text === '' ? 'none' : JSON.stringify(text);
}

/** Checks the line ending that starts at `start`, if any, against the dialect's. */
function checkLineEnding(bytes: Uint8Array, start: number, dialect: ResolvedDialect, log: DeviationLog): FrameError | undefined {
  if (start === bytes.length || spells(bytes, start, bytes.length, dialect.lineEnding)) return undefined;
  const seen = byteString(bytes, start, bytes.length);
  return deviate(log, 'LINE_ENDING', start, `line ending ${showLineEnding(seen)} at byte ${start}; the dialect's is ${showLineEnding(dialect.lineEnding)}`);
}

/** Checks the separator byte before the CRC: `,`, or `.`/`;` as a deviation. */
function checkCrcSeparator(bytes: Uint8Array, at: number, log: DeviationLog): FrameError | undefined {
  const byte = bytes[at];
  if (byte === COMMA) return undefined;
  if (byte === DOT || byte === SEMICOLON) {
    return deviate(log, 'SEPARATOR', at, `separator ${describeByte(byte)} before the CRC at byte ${at}; the canonical separator is ','`);
  }
  return frameError(at, `expected ',' before the CRC at byte ${at}, found ${describeByte(byte)}`);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Reads the envelope of the frame `bytes` and checks its CRC. On success sets `bounds`
 * to the fields and returns `undefined`; otherwise returns the error.
 */
export function readEnvelope(
  bytes: Uint8Array,
  dialect: ResolvedDialect,
  log: DeviationLog,
  bounds: FieldBounds,
): FrameError | CrcError | undefined {
  let end = bytes.length;
  if (bytes[end - 1] === LF) end--;
  if (bytes[end - 1] === CR) end--;
  const lineEndingStart = end;
  if (bytes[0] !== LEFT_BRACE) return frameError(0, `a frame starts with '{', found ${describeByte(bytes[0])} at byte 0`);
  if (end < 2 || bytes[end - 1] !== RIGHT_BRACE) {
    const at = end < 2 ? end : end - 1;
    return frameError(at, `a frame ends with '}' (before its line ending), found ${describeByte(bytes[at])} at byte ${at}`);
  }

  // The body lies between the braces, inside the quotes if there are any.
  let start = 1;
  end--;
  let opening = end > start && bytes[start] === QUOTE;
  const closing = end - 1 >= (opening ? start + 1 : start) && bytes[end - 1] === QUOTE;
  // In a dialect without quotes, a lone '"' after '{' is the first byte of the fields
  // (the CRC, which covers it, then decides), not half a pair of quotes.
  if (opening && !closing && !dialect.quotes) opening = false;
  if (opening !== closing) {
    return opening
      ? frameError(start, `the quote at byte ${start} has no closing quote before '}' at byte ${end}`)
      : frameError(end - 1, `the quote at byte ${end - 1} has no opening quote after '{' at byte 0`);
  }
  if (opening) {
    start++;
    end--;
  }
  if (opening !== dialect.quotes) {
    const failure = deviate(
      log,
      'QUOTES',
      1,
      opening ? `the body is in quotes (byte 1), which this dialect does not use` : `the body is not in quotes: expected '"' at byte 1`,
    );
    if (failure) return failure;
  }

  const engine = dialect.engine;
  if (engine === undefined) {
    const failure = checkLineEnding(bytes, lineEndingStart, dialect, log);
    if (failure) return failure;
    bounds.start = start;
    bounds.end = end;
    return undefined;
  }
  if (end - start < 5) {
    return frameError(start, `the body at byte ${start} is too short to end in a separator and a four-digit CRC`);
  }
  const crcStart = end - 4;
  let received = 0;
  let lowercase = false;
  for (let i = crcStart; i < end; i++) {
    const digit = hexValue(bytes[i]!);
    if (digit < 0) {
      return frameError(crcStart, `the CRC field "${byteString(bytes, crcStart, end)}" at byte ${crcStart} is not four hex digits`);
    }
    if (bytes[i]! >= 0x61) lowercase = true;
    received = (received << 4) | digit;
  }

  const separator = crcStart - 1;
  const separatorCovered = dialect.crcCoverage !== 'fields';
  if (!separatorCovered) {
    const failure = checkCrcSeparator(bytes, separator, log);
    if (failure) return failure;
  }
  if (lowercase) {
    const failure = deviate(log, 'LOWERCASE_CRC', crcStart, `the CRC "${byteString(bytes, crcStart, end)}" at byte ${crcStart} is in lowercase hex`);
    if (failure) return failure;
  }
  const lineEndingFailure = checkLineEnding(bytes, lineEndingStart, dialect, log);
  if (lineEndingFailure) return lineEndingFailure;

  const coveredStart = dialect.crcCoverage === 'frame' ? 0 : start;
  const coveredEnd = separatorCovered ? separator + 1 : separator;
  const expected = engine.compute(bytes, coveredStart, coveredEnd);
  if (expected !== received) {
    return {
      code: 'CRC',
      offset: crcStart,
      expected,
      received,
      message: `CRC ${byteString(bytes, crcStart, end)} at byte ${crcStart} does not match ${hex4(expected)}, the ${engine.name} of bytes ${coveredStart}..${coveredEnd - 1}`,
    };
  }
  if (separatorCovered) {
    const failure = checkCrcSeparator(bytes, separator, log);
    if (failure) return failure;
  }
  bounds.start = start;
  bounds.end = separator;
  return undefined;
}

/**
 * Starts a frame of `dialect` in `out`: the brace and the quote. Returns where the
 * fields (`imei,command,data`), which the caller writes next, start.
 */
export function openFrame(out: FrameWriter, dialect: ResolvedDialect): number {
  out.reserve(2);
  const bytes = out.bytes;
  let end = out.end;
  bytes[end++] = LEFT_BRACE;
  if (dialect.quotes) bytes[end++] = QUOTE;
  out.end = end;
  return end;
}

/**
 * Ends the frame in `out` whose fields start at `fieldsStart`: the CRC over
 * the covered bytes, the quote, the brace and the line ending of `dialect`.
 */
export function closeFrame(out: FrameWriter, fieldsStart: number, dialect: ResolvedDialect): void {
  const { engine, lineEnding } = dialect;
  // ',' and four hex digits, '"', '}', the line ending.
  out.reserve(7 + lineEnding.length);
  const bytes = out.bytes;
  let end = out.end;
  if (engine) {
    bytes[end++] = COMMA;
    const separator = end - 1;
    const coveredStart = dialect.crcCoverage === 'frame' ? 0 : fieldsStart;
    const coveredEnd = dialect.crcCoverage === 'fields' ? separator : separator + 1;
    end = putHex4(bytes, end, engine.compute(bytes, coveredStart, coveredEnd));
  }
  if (dialect.quotes) bytes[end++] = QUOTE;
  bytes[end++] = RIGHT_BRACE;
  out.end = putAscii(bytes, end, lineEnding);
}
