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

import { byteString, describeByte, spells } from '../bytes.js';
import type { ResolvedDialect } from '../dialect.js';
import type { CrcError, DeviationCode, FrameError } from '../errors.js';
import { codecOfWord } from '../messages/index.js';
import type { DeviationLog } from './deviations.js';
import { afterLineEnding, allHex, crcError, crcFieldError, endError, extraFieldError, frameError, hexValue, isSeparator } from './envelopeErrors.js';
import { COMMA, coverageEnd, coverageStart, crcFieldValue, DOT, LEFT_BRACE, QUOTE, RIGHT_BRACE, SEMICOLON } from './layout.js';
import { putAscii, putHex4, type FrameWriter } from './writer.js';

/** What a byte is to the one pass over the body: a field's byte, a `,`, a `.` or `;`, or a byte that ends the body. */
const FIELD_BYTE = 0;
const COMMA_BYTE = 1;
const DOT_OR_SEMICOLON = 2;
const END_OF_BODY = 3;

/**
 * The kind of each byte value: a field holds printable ASCII but for `{` `}` `"` and the
 * space; a control byte or a byte above 0x7E ends the body, as those three do.
 */
const BYTE_KINDS = new Uint8Array(256).fill(END_OF_BODY);
for (let byte = 0x21; byte < 0x7f; byte++) BYTE_KINDS[byte] = FIELD_BYTE;
BYTE_KINDS[QUOTE] = BYTE_KINDS[LEFT_BRACE] = BYTE_KINDS[RIGHT_BRACE] = END_OF_BODY;
BYTE_KINDS[COMMA] = COMMA_BYTE;
BYTE_KINDS[DOT] = BYTE_KINDS[SEMICOLON] = DOT_OR_SEMICOLON;

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

/** Records a deviation, or returns the strict-mode error that refuses it. */
function deviate(log: DeviationLog, code: DeviationCode, offset: number, message: string): FrameError | undefined {
  return log.accept(code, offset, message) ? undefined : frameError(offset, message, code);
}

function showLineEnding(text: string): string {
  return text === '' ? 'none' : JSON.stringify(text);
}

/** Checks the line ending `bytes[start..)` (none, CR, LF or CRLF) against the dialect's. */
function checkLineEnding(bytes: Uint8Array, start: number, dialect: ResolvedDialect, log: DeviationLog): FrameError | undefined {
  if (start === bytes.length || spells(bytes, start, bytes.length, dialect.lineEnding)) return undefined;
  const seen = byteString(bytes, start, bytes.length);
  return deviate(log, 'LINE_ENDING', start, `line ending ${showLineEnding(seen)} at byte ${start}; the dialect's is ${showLineEnding(dialect.lineEnding)}`);
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
 * 6. the CRC over the covered bytes as received, against the CRC field read in the
 *    dialect's byte order.
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
  // The first '.' or ';' before any ',': one in the IMEI field, which is refused below.
  let markInImei = -1;
  let i = start;
  for (; i < length; i++) {
    const kind = BYTE_KINDS[bytes[i]!];
    if (kind === FIELD_BYTE) continue;
    if (kind === COMMA_BYTE) {
      if (commas === 0) firstComma = i;
      else if (commas === 1) secondComma = i;
      lastComma = i;
      commas++;
    } else if (kind === DOT_OR_SEMICOLON) {
      if (commas === 0 && markInImei < 0) markInImei = i;
    } else {
      break;
    }
  }
  // A quote here closes the body if '}' follows it, which the next line checks.
  const closingQuote = bytes[i] === QUOTE;
  const brace = closingQuote ? i + 1 : i;
  if (bytes[brace] !== RIGHT_BRACE || afterLineEnding(bytes, brace + 1) !== length) return endError(bytes, i, quoted);
  if (quoted !== closingQuote) {
    return quoted
      ? frameError(1, `the quote at byte 1 has no closing quote before '}' at byte ${brace}`)
      : frameError(i, `the quote at byte ${i} has no opening quote after '{' at byte 0`);
  }

  // The CRC field: the last four bytes of the body, hex digits after ',' (or after '.' or
  // ';', a deviation). The bytes before the body, '{' and '"', are no separators.
  const engine = dialect.engine;
  const bodyEnd = i;
  let end = bodyEnd;
  if (engine !== undefined) {
    end = bodyEnd - 5;
    if (!isSeparator(bytes[end]) || !allHex(bytes, end + 1, bodyEnd)) return crcFieldError(bytes, start, bodyEnd);
  }

  // The separators: ',' after the IMEI; after the command word ',' or, right after one of
  // the ten words, '.' or ';'; no other ',' before the CRC field.
  const fieldCommas = end === lastComma ? commas - 1 : commas;
  if (fieldCommas === 0) return frameError(start, `the fields at byte ${start} have no ',' where a frame has two (imei,command,data)`);
  // '.' and ';' stand for ',' after the command word and before the CRC only.
  if (markInImei >= 0) {
    return frameError(markInImei, `unexpected ${describeByte(bytes[markInImei])} at byte ${markInImei} in the IMEI field; the IMEI is followed by ','`);
  }
  const commandStart = firstComma + 1;
  const afterWord = commandStart + 2;
  let commandEnd = secondComma;
  if (
    afterWord < end &&
    (bytes[afterWord] === DOT || bytes[afterWord] === SEMICOLON) &&
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

  const coveredStart = coverageStart(dialect.crcCoverage, 0, start);
  const coveredEnd = coverageEnd(dialect.crcCoverage, end);
  const expected = engine.compute(bytes, coveredStart, coveredEnd);
  received = crcFieldValue(received, dialect.crcByteOrder);
  if (expected !== received) return crcError(bytes, crcStart, expected, received, dialect, coveredStart, coveredEnd);
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
    const coveredStart = coverageStart(dialect.crcCoverage, 0, fieldsStart);
    const coveredEnd = coverageEnd(dialect.crcCoverage, separator);
    end = putHex4(bytes, end, crcFieldValue(engine.compute(bytes, coveredStart, coveredEnd), dialect.crcByteOrder));
  }
  if (dialect.quotes) bytes[end++] = QUOTE;
  bytes[end++] = RIGHT_BRACE;
  out.end = putAscii(bytes, end, lineEnding);
}
