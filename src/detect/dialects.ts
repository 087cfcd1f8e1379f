/**
 * Dialect detection: which firmware variant (PROTOCOL.md section 8) wrote a set of
 * captured frames. Pure: the frames come in as bytes, the answer goes out as data.
 *
 * What is read and what is searched:
 * - quotes and line ending are visible in the bytes, so they are read, not guessed
 *   (the CRC is checked over the bytes as received, so neither can change whether it
 *   verifies: trying both values of each would only repeat every answer);
 * - the CRC algorithm (the 13 of the catalogue, any the caller adds, or none), its
 *   coverage and its byte order are what the bytes do not show: every combination is
 *   tried on every frame;
 * - the slot count is the highest slot the frames name, and at least 3.
 *
 * @module
 */

import { crcCatalogue, crcNameOf, type CrcName, type CrcParams } from '../crc/catalogue.js';
import { FrameDecoder } from '../decode.js';
import { canonicalDialect, MAX_SLOT_COUNT, resolveDialect, type Dialect } from '../dialect.js';
import { DeviationLog } from '../frame/deviations.js';
import { readEnvelope, type FieldBounds } from '../frame/envelope.js';
import { CRC_BYTE_ORDERS, CRC_COVERAGES } from '../frame/layout.js';
import { distinct, highestSlotOf, observeLineEndings, observeQuotes, type DistinctFrame } from './observe.js';

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
   * The whole dialect: the CRC algorithm, coverage and byte order tried, the quotes and
   * line ending read from the frames, and a slot count of the highest slot seen (never
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
  /** The highest slot number in the messages it decodes (slots of lends and returns, slot records of status answers); 0 when none names a slot. */
  readonly highestSlot: number;
  /** The indices, in the frames given, of the frames that name `highestSlot`: the evidence for the slot count. Empty when no frame names a slot. */
  readonly slotEvidence: readonly number[];
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
  /** How many combinations of CRC algorithm, coverage and byte order (and `none`) were tried. */
  readonly searched: number;
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
   * most likely (the algorithms the caller added, then catalogue order; then `fields`,
   * `fieldsWithComma`, `frame`; the CRC written high byte first before low byte first).
   * Empty when no candidate explains every frame, or when no frame was given.
   */
  readonly matches: readonly DialectCandidate[];
  /**
   * Every candidate that explains at least one frame, best first: most frames
   * explained, then the same order as `matches`. Starts with `matches`.
   */
  readonly candidates: readonly DialectCandidate[];
}

/**
 * Options for {@link detectDialects}.
 *
 * @example
 * ```ts
 * import type { DetectDialectsOptions } from 'powerbank-codec';
 *
 * // A firmware whose CRC is in no catalogue: its parameters, from its source or its vendor.
 * const options: DetectDialectsOptions = { crcs: [{ width: 16, poly: 0x1021, init: 0x1234, refin: false, refout: false, xorout: 0 }] };
 * ```
 */
export interface DetectDialectsOptions {
  /**
   * CRC algorithms to try before the catalogue's: custom width-16 parameters (those of a
   * catalogue algorithm count as that algorithm), or catalogue names to try first.
   * Throws a `ProtocolError` with code `OPTIONS` for invalid parameters.
   */
  readonly crcs?: ReadonlyArray<CrcName | CrcParams>;
}

/** What is searched: a CRC algorithm with a coverage and a byte order, or no CRC. */
type Searched = Pick<Dialect, 'crc' | 'crcCoverage' | 'crcByteOrder'>;

/** Every CRC algorithm, coverage and byte order to try, most likely first; `none` last. */
function searchOrder(first: ReadonlyArray<CrcName | CrcParams>): Searched[] {
  const crcs: Array<CrcName | CrcParams> = [];
  const names = new Set<string>();
  for (const crc of [...first, ...(Object.keys(crcCatalogue) as CrcName[])]) {
    const name = typeof crc === 'string' ? crc : crcNameOf(resolveDialect({ crc }).crc as CrcParams);
    if (name === undefined) crcs.push(crc);
    else if (!names.has(name)) {
      names.add(name);
      crcs.push(name);
    }
  }
  return [
    ...CRC_BYTE_ORDERS.flatMap((crcByteOrder) => crcs.flatMap((crc) => CRC_COVERAGES.map((crcCoverage) => ({ crc, crcCoverage, crcByteOrder })))),
    { crc: 'none', crcCoverage: canonicalDialect.crcCoverage, crcByteOrder: canonicalDialect.crcByteOrder },
  ];
}

/** Tries one CRC algorithm, coverage and byte order on every distinct frame. */
function tryCandidate(searched: Searched, observed: Pick<Dialect, 'quotes' | 'lineEnding'>, frames: readonly DistinctFrame[]): DialectCandidate {
  // Slots are searched wide open here; the slot count reported is the one the frames need.
  const wide = { ...observed, ...searched, slotCount: MAX_SLOT_COUNT };
  const envelopeDialect = resolveDialect(wide);
  const decoder = new FrameDecoder({ dialect: wide });
  const log = new DeviationLog();
  const bounds: FieldBounds = { start: 0, imeiEnd: 0, commandEnd: 0, end: 0 };
  let explained = 0;
  let decoded = 0;
  let highestSlot = 0;
  let slotEvidence: number[] = [];
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
    if (!result.ok) continue;
    decoded += indices.length;
    const slot = highestSlotOf(result.message);
    if (slot > highestSlot) {
      highestSlot = slot;
      slotEvidence = [];
    }
    if (slot === highestSlot && slot > 0) slotEvidence.push(...indices);
  }
  const slotCount = Math.max(canonicalDialect.slotCount, highestSlot);
  const byIndex = (a: number, b: number) => a - b;
  return {
    dialect: { ...observed, crc: searched.crc, crcCoverage: searched.crcCoverage, crcByteOrder: searched.crcByteOrder, slotCount },
    explained,
    unexplained: unexplained.sort(byIndex),
    decoded,
    highestSlot,
    slotEvidence: slotEvidence.sort(byIndex),
  };
}

/**
 * Tells which dialects could have written `frames`, captured from a station whose
 * firmware is unknown. Each frame runs from `{` to `}`, with its line ending if it had
 * one (so that the line ending can be read); strings are taken as UTF-8.
 *
 * Quotes and line ending are read from the bytes (the majority decides). The CRC
 * algorithm (each of the 13 in `crcCatalogue`, those in `options.crcs`, and `'none'`),
 * its coverage (`fields`, `fieldsWithComma`, `frame`) and its byte order (`highFirst`,
 * `lowFirst`) are searched: a candidate explains a frame when the frame's CRC verifies
 * under it (a `'none'` candidate: when the frame decodes without a CRC field). The
 * result lists the candidates that explain every frame (`matches`) and all those that
 * explain any, ranked, with the frames each leaves unexplained — a damaged frame in a
 * capture leaves the right dialect one short. The slot count is the smallest that
 * decodes every frame: the highest slot the frames name (at least 3), with the frames
 * that name it; a station may have more slots than the frames name.
 *
 * Give it the frames of one side, station or server: when the two may differ, use
 * {@link detectDialectsBySender}. With few or identical frames, several candidates can
 * match by chance (each wrong one verifies a given frame with odds of about 1 in 65536):
 * compare `distinctFrames`, and capture more frames when `matches` has more than one.
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
 *   found.dialect; // { quotes: false, lineEnding: '\r\n', crc: 'CRC-16/XMODEM', crcCoverage: 'frame', crcByteOrder: 'highFirst', slotCount: 11 }
 *   found.slotEvidence; // [1]: the LendSuccess names slot 11
 *   decode(capture[1]!, { dialect: found.dialect }).ok; // true
 * }
 * ```
 */
export function detectDialects(frames: Iterable<Uint8Array | string>, options: DetectDialectsOptions = {}): DialectDetection {
  const searched = searchOrder(options.crcs ?? []);
  const { frameCount, unique } = distinct(frames);
  const quotes = observeQuotes(unique);
  const lineEnding = observeLineEndings(unique);
  const observed = { quotes: quotes.value, lineEnding: lineEnding.value };
  const candidates = searched
    .map((each) => tryCandidate(each, observed, unique))
    .filter((candidate) => candidate.explained > 0)
    // A stable sort: equal counts keep the search order, most likely first.
    .sort((a, b) => b.explained - a.explained);
  return {
    frameCount,
    distinctFrames: unique.length,
    searched: searched.length,
    quotes,
    lineEnding,
    matches: candidates.filter((candidate) => candidate.explained === frameCount),
    candidates,
  };
}
