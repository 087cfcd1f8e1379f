/**
 * Dialect detection: which firmware variant (PROTOCOL.md section 8) wrote a set of
 * captured frames. Pure: the frames come in as bytes, the answer goes out as data.
 *
 * What is read and what is searched:
 * - quotes and line ending are visible in the bytes, so they are read, not guessed
 *   (the CRC is checked over the bytes as received, so neither can change whether it
 *   verifies: trying both values of each would only repeat every answer);
 * - the CRC algorithm (the 13 of the catalogue, or none) and its coverage are what the
 *   bytes do not show: every combination is tried on every frame;
 * - the slot count is at least the highest slot number seen.
 *
 * @module
 */

import { byteString, toBytes } from './bytes.js';
import { crcCatalogue, type CrcName } from './crc/catalogue.js';
import { FrameDecoder } from './decode.js';
import { canonicalDialect, MAX_SLOT_COUNT, resolveDialect, type Dialect } from './dialect.js';
import { DeviationLog } from './frame/deviations.js';
import { readEnvelope, type FieldBounds } from './frame/envelope.js';
import { CR, CRC_COVERAGES, LF, QUOTE } from './frame/layout.js';
import type { Message } from './messages/index.js';

/**
 * One dialect tried by {@link detectDialects}, with the evidence for it.
 *
 * @example
 * ```ts
 * import { detectDialects, type DialectCandidate } from 'powerbank-codec';
 *
 * const describe = (candidate: DialectCandidate) =>
 *   `${String(candidate.dialect.crc)} over ${candidate.dialect.crcCoverage}: ${candidate.explained} frames`;
 * detectDialects(['{"860123456789014,CH,,3FCE"}\r\n']).candidates.map(describe);
 * // ['CRC-16/MODBUS over fields: 1 frames']
 * ```
 */
export interface DialectCandidate {
  /**
   * The whole dialect: the CRC algorithm and coverage tried, the quotes and line ending
   * read from the frames, and a slot count of at least the highest slot seen (never
   * below the canonical 3). Pass it to `decode`, `createDecoder` or `encode` as it is.
   */
  readonly dialect: Dialect;
  /**
   * How many frames it explains: their CRC field verifies over the covered bytes (for
   * `crc: 'none'`, which has no CRC to check: they decode without a CRC field).
   */
  readonly explained: number;
  /** The indices, in the frames given, of those it does not explain. */
  readonly unexplained: readonly number[];
  /** How many of the frames it explains also decode into a message (lenient mode). */
  readonly decoded: number;
  /** The highest slot number in the messages it decodes; 0 when none names a slot. */
  readonly highestSlot: number;
}

/**
 * What {@link detectDialects} found.
 *
 * @example
 * ```ts
 * import { detectDialects, type DialectDetection } from 'powerbank-codec';
 *
 * function verdict(detection: DialectDetection): string {
 *   const [best] = detection.matches;
 *   if (best === undefined) return `no dialect explains all ${detection.frameCount} frames`;
 *   if (detection.matches.length > 1) return `${detection.matches.length} dialects explain every frame; capture more`;
 *   return `${String(best.dialect.crc)} over ${best.dialect.crcCoverage}`;
 * }
 * verdict(detectDialects(['{"860123456789014,CH,,3FCE"}\r\n'])); // 'CRC-16/MODBUS over fields'
 * ```
 */
export interface DialectDetection {
  /** How many frames were given. */
  readonly frameCount: number;
  /** How many of them differ from each other: repeats add no evidence. */
  readonly distinctFrames: number;
  /** Inner quotes, as seen: the majority decides (`true` on a tie, as canonical). */
  readonly quotes: { readonly value: boolean; readonly withQuotes: number; readonly withoutQuotes: number };
  /**
   * Line endings, as seen after each frame's `}`: the most frequent of `\r\n`, `\n` and
   * none decides (on a tie, in that order). A lone `\r` is counted but is no dialect's.
   */
  readonly lineEnding: {
    readonly value: Dialect['lineEnding'];
    readonly crlf: number;
    readonly lf: number;
    readonly cr: number;
    readonly none: number;
  };
  /**
   * The candidates that explain every frame, best first. One is the answer; several
   * mean the frames cannot tell them apart (too few, or too alike): the first is the
   * most likely (catalogue order, then `fields`, `fieldsWithComma`, `frame`). Empty
   * when no candidate explains every frame, or when no frame was given.
   */
  readonly matches: readonly DialectCandidate[];
  /**
   * Every candidate that explains at least one frame, best first: most frames
   * explained, then the same order as `matches`. Starts with `matches`.
   */
  readonly candidates: readonly DialectCandidate[];
}

const CRC_NAMES = Object.keys(crcCatalogue) as CrcName[];

/** Every CRC algorithm and coverage to try, most likely first; `none` last. */
const SEARCHED: ReadonlyArray<Pick<Dialect, 'crc' | 'crcCoverage'>> = [
  ...CRC_NAMES.flatMap((crc) => CRC_COVERAGES.map((crcCoverage) => ({ crc, crcCoverage }))),
  { crc: 'none', crcCoverage: canonicalDialect.crcCoverage },
];

/** A frame as given, with how many times it was given. */
interface DistinctFrame {
  readonly bytes: Uint8Array;
  readonly indices: number[];
}

function distinct(frames: Iterable<Uint8Array | string>): { frameCount: number; unique: DistinctFrame[] } {
  const byContent = new Map<string, DistinctFrame>();
  let frameCount = 0;
  for (const frame of frames) {
    const bytes = toBytes(frame);
    const key = byteString(bytes, 0, bytes.length);
    const seen = byContent.get(key);
    if (seen === undefined) byContent.set(key, { bytes, indices: [frameCount] });
    else seen.indices.push(frameCount);
    frameCount++;
  }
  return { frameCount, unique: [...byContent.values()] };
}

function observeQuotes(frames: readonly DistinctFrame[]): DialectDetection['quotes'] {
  let withQuotes = 0;
  let withoutQuotes = 0;
  for (const { bytes, indices } of frames) {
    if (bytes[1] === QUOTE) withQuotes += indices.length;
    else withoutQuotes += indices.length;
  }
  return { value: withQuotes >= withoutQuotes, withQuotes, withoutQuotes };
}

function observeLineEndings(frames: readonly DistinctFrame[]): DialectDetection['lineEnding'] {
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  let none = 0;
  for (const { bytes, indices } of frames) {
    const last = bytes[bytes.length - 1];
    if (last === LF && bytes[bytes.length - 2] === CR) crlf += indices.length;
    else if (last === LF) lf += indices.length;
    else if (last === CR) cr += indices.length;
    else none += indices.length;
  }
  const value = crlf >= lf && crlf >= none ? '\r\n' : lf >= none ? '\n' : '';
  return { value, crlf, lf, cr, none };
}

/** The highest slot number a message names; 0 when it names none. */
function highestSlotOf(message: Message): number {
  if ('slot' in message) return message.slot;
  if (message.type === 'StatusAnswer') return message.slots.reduce((highest, record) => Math.max(highest, record.slot), 0);
  return 0;
}

/** Tries one CRC algorithm and coverage on every distinct frame. */
function tryCandidate(
  searched: Pick<Dialect, 'crc' | 'crcCoverage'>,
  observed: Pick<Dialect, 'quotes' | 'lineEnding'>,
  frames: readonly DistinctFrame[],
): DialectCandidate {
  // Slots are searched wide open here; the slot count reported is the one the frames need.
  const wide = { ...observed, ...searched, slotCount: MAX_SLOT_COUNT };
  const envelopeDialect = resolveDialect(wide);
  const decoder = new FrameDecoder({ dialect: wide });
  const log = new DeviationLog();
  const bounds: FieldBounds = { start: 0, imeiEnd: 0, commandEnd: 0, end: 0 };
  let explained = 0;
  let decoded = 0;
  let highestSlot = 0;
  const unexplained: number[] = [];
  for (const { bytes, indices } of frames) {
    log.begin(false);
    const envelopeVerifies = readEnvelope(bytes, envelopeDialect, log, bounds) === undefined;
    const result = envelopeVerifies ? decoder.decode(bytes) : undefined;
    // Without a CRC field the envelope always fits: only a frame that decodes is evidence.
    if (result === undefined || (searched.crc === 'none' && !result.ok)) {
      unexplained.push(...indices);
      continue;
    }
    explained += indices.length;
    if (result.ok) {
      decoded += indices.length;
      highestSlot = Math.max(highestSlot, highestSlotOf(result.message));
    }
  }
  const slotCount = Math.max(canonicalDialect.slotCount, highestSlot);
  return {
    dialect: { ...observed, ...searched, slotCount },
    explained,
    unexplained: unexplained.sort((a, b) => a - b),
    decoded,
    highestSlot,
  };
}

/**
 * Tells which dialects could have written `frames`, captured from a station whose
 * firmware is unknown. Each frame runs from `{` to `}`, with its line ending if it had
 * one (so that the line ending can be read); strings are taken as UTF-8.
 *
 * Quotes and line ending are read from the bytes (the majority decides). The CRC
 * algorithm (each of the 13 in `crcCatalogue`, and `'none'`) and its coverage
 * (`fields`, `fieldsWithComma`, `frame`) are searched: a candidate explains a frame
 * when the frame's CRC verifies under it (a `'none'` candidate: when the frame decodes
 * without a CRC field). The result lists the candidates that explain every frame
 * (`matches`) and all those that explain any, ranked, with the frames each leaves
 * unexplained — a damaged frame in a capture leaves the right dialect one short. The
 * slot count is the highest slot seen (at least 3): a station may have more slots than
 * the frames name.
 *
 * With few or identical frames, several candidates can match by chance (each wrong one
 * verifies a given frame with odds of about 1 in 65536): compare `distinctFrames`, and
 * capture more frames when `matches` has more than one.
 *
 * @example
 * ```ts
 * import { decode, detectDialects, encode } from 'powerbank-codec';
 *
 * const firmware = { quotes: false, crc: 'CRC-16/XMODEM', crcCoverage: 'frame', slotCount: 12 } as const;
 * const imei = '860123456789014';
 * const capture = [
 *   encode({ type: 'Heartbeat', imei }, { dialect: firmware }),
 *   encode({ type: 'LendSuccess', imei, slot: 11, powerBankId: 'A1B2C3' }, { dialect: firmware }),
 * ];
 * const { matches } = detectDialects(capture);
 * matches.length; // 1
 * const [found] = matches;
 * if (found !== undefined) {
 *   found.dialect; // { quotes: false, lineEnding: '\r\n', crc: 'CRC-16/XMODEM', crcCoverage: 'frame', slotCount: 11 }
 *   decode(capture[1]!, { dialect: found.dialect }).ok; // true
 * }
 * ```
 */
export function detectDialects(frames: Iterable<Uint8Array | string>): DialectDetection {
  const { frameCount, unique } = distinct(frames);
  const quotes = observeQuotes(unique);
  const lineEnding = observeLineEndings(unique);
  const observed = { quotes: quotes.value, lineEnding: lineEnding.value };
  const candidates = SEARCHED.map((searched) => tryCandidate(searched, observed, unique))
    .filter((candidate) => candidate.explained > 0)
    // A stable sort: equal counts keep the order of SEARCHED, most likely first.
    .sort((a, b) => b.explained - a.explained);
  return {
    frameCount,
    distinctFrames: unique.length,
    quotes,
    lineEnding,
    matches: candidates.filter((candidate) => candidate.explained === frameCount),
    candidates,
  };
}
