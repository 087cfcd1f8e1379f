/**
 * The envelope of one frame: braces, quotes, line ending, field separators, the CRC
 * field and the bytes it covers. Reading it finds where the fields (`imei`, `command`,
 * `data`) lie and checks the CRC; writing it wraps the fields `encode` writes into a frame.
 *
 * ```
 * {"860123456789014,MC,BO.2.1234567890,88DD"}\r\n
 * │└──────── fields ──────────────────┘│└crc┘│└┘└ line ending
 * │                                    separator before the CRC
 * └ coverage 'frame' starts here; 'fields' starts after the quote
 * ```
 *
 * The envelope is checked whole before the CRC (docs/protocol.md, section 9): a byte
 * that breaks it (a stray `,` `"` `{` `}`, a byte that is not printable ASCII, a CRC
 * field that is not four hex digits, bytes after the line ending) is `FRAME`, wherever it
 * lies; only then are the deviations weighed and the CRC computed. So lenient and strict
 * mode agree on every frame, except where strict mode refuses a deviation.
 *
 * @module
 * @internal
 */

import { byteString, describeByte, excerpt, hex4, spells } from '../bytes.js';
import type { ResolvedDialect } from '../dialect.js';
import type { CrcError, DeviationCode, FrameError } from '../errors.js';
import { IMEI_LENGTH } from '../fields/imei.js';
import { codecOfWord } from '../messages/index.js';
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
const EXCLAMATION = 0x21;
const BAR = 0x7c;
const TILDE = 0x7e;

/**
 * Where the fields of a frame lie: the IMEI is `bytes[start..imeiEnd)`, the command word
 * `bytes[imeiEnd + 1..commandEnd)`, the data `bytes[commandEnd + 1..end)`.
 */
export interface FieldBounds {
  /** The IMEI's first byte. */
  start: number;
  /** The `,` after the IMEI. */
  imeiEnd: number;
  /** The separator after the command word: `,`, or `.` or `;` (a deviation). */
  commandEnd: number;
  /** The end of the data field: the separator before the CRC, or (no CRC) the quote or brace. */
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

/** Where the line ending that may start at `at` ends: after an optional CR, then an optional LF. */
function afterLineEnding(bytes: Uint8Array, at: number): number {
  if (bytes[at] === CR) at++;
  if (bytes[at] === LF) at++;
  return at;
}

/** Checks the line ending `bytes[start..)` (none, CR, LF or CRLF) against the dialect's. */
function checkLineEnding(bytes: Uint8Array, start: number, dialect: ResolvedDialect, log: DeviationLog): FrameError | undefined {
  if (start === bytes.length || spells(bytes, start, bytes.length, dialect.lineEnding)) return undefined;
  const seen = byteString(bytes, start, bytes.length);
  return deviate(log, 'LINE_ENDING', start, `line ending ${showLineEnding(seen)} at byte ${start}; the dialect's is ${showLineEnding(dialect.lineEnding)}`);
}

function isSeparator(byte: number | undefined): boolean {
  return byte === COMMA || byte === DOT || byte === SEMICOLON;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** Whether `bytes[start..end)` are all hex digits. */
function allHex(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (hexValue(bytes[i]!) < 0) return false;
  return true;
}

/** The position of the last `}` in `bytes[from..)`, or -1. */
function lastBrace(bytes: Uint8Array, from: number): number {
  for (let i = bytes.length - 1; i >= from; i--) if (bytes[i] === RIGHT_BRACE) return i;
  return -1;
}

/**
 * Why the fields, which run from `start`, stop at `at` without a clean end of the frame
 * (a closing quote if the body has an opening one, `}`, then at most a line ending).
 */
function endError(bytes: Uint8Array, at: number, quoted: boolean): FrameError {
  const byte = bytes[at];
  const closing = quoted ? `'"}'` : `'}'`;
  // The input ends (or only a line ending follows) where the frame should close.
  if (byte === undefined) return frameError(at, `the input ends at byte ${at} without the frame's closing ${closing}`);
  if ((byte === CR || byte === LF) && afterLineEnding(bytes, at) === bytes.length) {
    return frameError(at, `the line ending at byte ${at} comes without the frame's closing ${closing}`);
  }
  if (byte === QUOTE && afterLineEnding(bytes, at + 1) === bytes.length) {
    const where = at + 1 === bytes.length ? `the input ends at byte ${at + 1}` : `the line ending at byte ${at + 1} comes`;
    return frameError(at + 1, `${where} without the '}' that closes the frame after the quote at byte ${at}`);
  }
  // A '"}' (or, in a body without quotes, a last '}') that closes the frame, followed by
  // more than a line ending: a second frame, or bytes after the frame.
  const brace = byte === QUOTE && bytes[at + 1] === RIGHT_BRACE ? at + 1 : byte === RIGHT_BRACE ? at : -1;
  if (brace >= 0) {
    const next = afterLineEnding(bytes, brace + 1);
    if (bytes[next] === LEFT_BRACE) {
      return frameError(next, `a second frame starts at byte ${next}, after the '}' at byte ${brace}: decode takes one frame`);
    }
    if (brace > at || (!quoted && lastBrace(bytes, next) <= next)) {
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
function crcFieldError(bytes: Uint8Array, start: number, end: number): FrameError {
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
  if (end - start >= 5 && allHex(bytes, end - 4, end)) {
    return frameError(end - 5, `expected ',' before the CRC at byte ${end - 5}, found ${describeByte(bytes[end - 5])}`);
  }
  return frameError(field, `the CRC field "${excerpt(bytes, field, end)}" at byte ${field} is not four hex digits`);
}

/**
 * The frame's fields `bytes[start..end)` hold a `,` too many. Names the one out of place
 * (when a 15-byte IMEI and a two-letter word are followed by their separators, any other;
 * else the first after the command word's separator `commandEnd`), and lists them all.
 */
function extraFieldError(bytes: Uint8Array, start: number, end: number, commandEnd: number, noCrc: boolean): FrameError {
  const imeiEnd = start + IMEI_LENGTH;
  const wordEnd = imeiEnd + 3;
  const shaped = bytes[imeiEnd] === COMMA && wordEnd < end && isSeparator(bytes[wordEnd]);
  const commas: number[] = [];
  let stray = -1;
  for (let i = start; i < end; i++) {
    if (bytes[i] !== COMMA) continue;
    commas.push(i);
    if (stray < 0 && (shaped ? i !== imeiEnd && i !== wordEnd : i > commandEnd)) stray = i;
  }
  const fields = noCrc ? 'three fields (imei,command,data)' : 'four fields (imei,command,data,crc)';
  return frameError(stray, `unexpected ',' at byte ${stray}: a frame has exactly ${fields} and data holds no ',' (',' at bytes ${commas.join(', ')})`);
}

/**
 * Reads the envelope of the frame `bytes` and checks its CRC. On success sets `bounds`
 * to the fields and returns `undefined`; otherwise returns the error. The checks, each
 * reporting the first failure:
 *
 * 1. `{` at byte 0; the body (after a `"`, if any) holds only printable ASCII other than
 *    `{` `}` `"` and ends with `"}` (or `}` without the opening quote), then at most a line
 *    ending (CR, LF or CRLF): one pass over the body, which also counts the commas;
 * 2. the quotes are balanced;
 * 3. the CRC field: four hex digits after `,` (or `.`/`;`) at the end of the body;
 * 4. the field separators: `,` after the IMEI (and no `.` or `;` before it), `,` after the command word (or `.`/`;`
 *    right after one of the ten words), and no other `,` before the CRC field;
 * 5. the deviations, in byte order (strict mode refuses the first);
 * 6. the CRC over the covered bytes as received.
 */
export function readEnvelope(
  bytes: Uint8Array,
  dialect: ResolvedDialect,
  log: DeviationLog,
  bounds: FieldBounds,
): FrameError | CrcError | undefined {
  const length = bytes.length;
  if (bytes[0] !== LEFT_BRACE) return frameError(0, `a frame starts with '{', found ${describeByte(bytes[0])} at byte 0`);
  const quoted = bytes[1] === QUOTE;
  const start = quoted ? 2 : 1;

  // The one pass: up to the first byte that cannot be in a field, counting the commas.
  let commas = 0;
  let firstComma = -1;
  let secondComma = -1;
  let lastComma = -1;
  let i = start;
  for (; i < length; i++) {
    const byte = bytes[i]!;
    if (byte === COMMA) {
      if (commas === 0) firstComma = i;
      else if (commas === 1) secondComma = i;
      lastComma = i;
      commas++;
    } else if ((byte <= QUOTE || byte >= LEFT_BRACE) && byte !== EXCLAMATION && byte !== BAR && byte !== TILDE) {
      break;
    }
  }
  const closingQuote = bytes[i] === QUOTE && bytes[i + 1] === RIGHT_BRACE;
  const brace = closingQuote ? i + 1 : i;
  if (bytes[brace] !== RIGHT_BRACE || afterLineEnding(bytes, brace + 1) !== length) return endError(bytes, i, quoted);
  if (quoted !== closingQuote) {
    return quoted
      ? frameError(1, `the quote at byte 1 has no closing quote before '}' at byte ${brace}`)
      : frameError(i, `the quote at byte ${i} has no opening quote after '{' at byte 0`);
  }

  // The CRC field: four hex digits after the last ',', or after a '.' or ';' (a deviation).
  const engine = dialect.engine;
  const bodyEnd = i;
  let end = bodyEnd;
  if (engine !== undefined) {
    if (lastComma >= 0 && bodyEnd - lastComma === 5 && allHex(bytes, lastComma + 1, bodyEnd)) end = lastComma;
    else if (bodyEnd - start >= 5 && (bytes[bodyEnd - 5] === DOT || bytes[bodyEnd - 5] === SEMICOLON) && allHex(bytes, bodyEnd - 4, bodyEnd)) end = bodyEnd - 5;
    else return crcFieldError(bytes, start, bodyEnd);
  }

  // The separators: ',' after the IMEI; after the command word ',' or, right after one of
  // the ten words, '.' or ';'; no other ',' before the CRC field.
  const fieldCommas = end === lastComma ? commas - 1 : commas;
  if (fieldCommas === 0) return frameError(start, `the fields at byte ${start} have no ',' where a frame has two (imei,command,data)`);
  // '.' and ';' stand for ',' after the command word and before the CRC only.
  for (let at = start; at < firstComma; at++) {
    if (bytes[at] === DOT || bytes[at] === SEMICOLON) {
      return frameError(at, `unexpected ${describeByte(bytes[at])} at byte ${at} in the IMEI field; the IMEI is followed by ','`);
    }
  }
  const commandStart = firstComma + 1;
  const afterWord = commandStart + 2;
  let commandEnd = secondComma;
  if (
    afterWord < end &&
    (bytes[afterWord] === DOT || bytes[afterWord] === SEMICOLON) &&
    (fieldCommas === 1 || secondComma > afterWord) &&
    codecOfWord(bytes[commandStart]!, bytes[commandStart + 1]!) !== undefined
  ) {
    commandEnd = afterWord;
  } else if (fieldCommas === 1) {
    return frameError(firstComma, `the fields have one ',' (at byte ${firstComma}) where a frame has two (imei,command,data): a field separator is missing`);
  }
  if (fieldCommas > (commandEnd === secondComma ? 2 : 1)) return extraFieldError(bytes, start, end, commandEnd, engine === undefined);

  // The deviations, in byte order.
  if (quoted !== dialect.quotes) {
    const failure = deviate(
      log,
      'QUOTES',
      1,
      quoted ? `the body is in quotes (byte 1), which this dialect does not use` : `the body is not in quotes: expected '"' at byte 1`,
    );
    if (failure) return failure;
  }
  if (bytes[commandEnd] !== COMMA) {
    const failure = deviate(
      log,
      'SEPARATOR',
      commandEnd,
      `separator ${describeByte(bytes[commandEnd])} after the command word at byte ${commandEnd}; the canonical separator is ','`,
    );
    if (failure) return failure;
  }
  bounds.start = start;
  bounds.imeiEnd = firstComma;
  bounds.commandEnd = commandEnd;
  bounds.end = end;
  if (engine === undefined) return checkLineEnding(bytes, brace + 1, dialect, log);

  if (bytes[end] !== COMMA) {
    const failure = deviate(log, 'SEPARATOR', end, `separator ${describeByte(bytes[end])} before the CRC at byte ${end}; the canonical separator is ','`);
    if (failure) return failure;
  }
  const crcStart = end + 1;
  let received = 0;
  let lowercase = false;
  for (let at = crcStart; at < bodyEnd; at++) {
    const byte = bytes[at]!;
    if (byte >= 0x61) lowercase = true;
    received = (received << 4) | hexValue(byte);
  }
  if (lowercase) {
    const failure = deviate(log, 'LOWERCASE_CRC', crcStart, `the CRC "${byteString(bytes, crcStart, bodyEnd)}" at byte ${crcStart} is in lowercase hex`);
    if (failure) return failure;
  }
  const lineEndingFailure = checkLineEnding(bytes, brace + 1, dialect, log);
  if (lineEndingFailure) return lineEndingFailure;

  const coveredStart = dialect.crcCoverage === 'frame' ? 0 : start;
  const coveredEnd = dialect.crcCoverage === 'fields' ? end : end + 1;
  const expected = engine.compute(bytes, coveredStart, coveredEnd);
  if (expected !== received) {
    return {
      code: 'CRC',
      offset: crcStart,
      expected,
      received,
      message: `CRC ${byteString(bytes, crcStart, bodyEnd)} at byte ${crcStart} does not match ${hex4(expected)}, the ${engine.name} of bytes ${coveredStart}..${coveredEnd - 1}`,
    };
  }
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
