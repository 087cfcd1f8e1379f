/**
 * Dialect detection on a capture of both directions: the station and the server may
 * write different dialects (a server that does not check CRCs hides the difference),
 * so each side's frames are detected on their own, and the slot count, a fact of the
 * station that both sides name, is inferred from both.
 *
 * @module
 */

import { toBytes } from '../bytes.js';
import { canonicalDialect } from '../dialect.js';
import type { Sender } from '../messages/codec.js';
import { detectDialects, type DetectDialectsOptions, type DialectCandidate, type DialectDetection } from './dialects.js';
import { senderOfWord } from './observe.js';

/**
 * A captured frame and, when the capture tells, the side that sent it.
 *
 * @example
 * ```ts
 * import type { SentFrame } from 'powerbank-codec';
 *
 * const fromPcap: SentFrame = { frame: '{"860123456789014,CH,,3FCE"}\r\n', from: 'device' };
 * const fromLog: SentFrame = { frame: '{"860123456789014,CQ,,AFC5"}\r\n' }; // CQ: the server's
 * ```
 */
export interface SentFrame {
  /** The frame, `{` to `}` and its line ending; a string is taken as UTF-8. */
  readonly frame: Uint8Array | string;
  /** Who sent it. Left out: the side that sends its command word (`CH`, `AQ`, `MQ`, `MC`, `MR`: the station). */
  readonly from?: Sender;
}

/**
 * The detection of one side's frames. Its frame indices (`unexplained`, `slotEvidence`
 * of each candidate) count in all the frames given to {@link detectDialectsBySender},
 * and `frames` lists the ones that are this side's.
 *
 * @example
 * ```ts
 * import { detectDialectsBySender, type SideDetection } from 'powerbank-codec';
 *
 * const describe = (side: SideDetection) => `${side.frames.length} frames, ${side.matches.length} matching dialects`;
 * const { device } = detectDialectsBySender([{ frame: '{"860123456789014,CH,,3FCE"}\r\n' }]);
 * if (device !== undefined) describe(device); // '1 frames, 1 matching dialects'
 * ```
 */
export interface SideDetection extends DialectDetection {
  /** The indices of this side's frames in the frames given. */
  readonly frames: readonly number[];
}

/**
 * What {@link detectDialectsBySender} found.
 *
 * @example
 * ```ts
 * import { detectDialectsBySender, type SenderDetection } from 'powerbank-codec';
 *
 * const slots = (detection: SenderDetection) => `${detection.slots.count} slots (highest named: ${detection.slots.highest})`;
 * slots(detectDialectsBySender([{ frame: '{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n' }])); // '3 slots (highest named: 2)'
 * ```
 */
export interface SenderDetection {
  /** The station's frames; `undefined` when there are none. */
  readonly device: SideDetection | undefined;
  /** The server's frames; `undefined` when there are none. */
  readonly server: SideDetection | undefined;
  /** The indices of the frames whose side neither `from` nor a known command word tells: left out of both. */
  readonly unknownSender: readonly number[];
  /**
   * Whether both sides write one dialect: they show the same quotes and line ending, and
   * one CRC algorithm, coverage and byte order verifies every frame of both, or (a
   * damaged frame leaves a side short) their best candidates are the same. `undefined`
   * when a side has no frame, or no candidate explains any of its frames.
   */
  readonly sameDialect: boolean | undefined;
  /**
   * The station's slot count, from the slots both sides name under their best
   * candidates: the highest slot named (`highest`, 0 for none) and at least 3, with the
   * frames that name it (`evidence`, indices in the frames given). Every candidate of
   * either side carries it as its `slotCount` (or its own highest slot, if higher).
   */
  readonly slots: { readonly count: number; readonly highest: number; readonly evidence: readonly number[] };
}

/** `detection` with its frame indices counted in all the frames, and its slot count raised to `slotCount`. */
function placed(detection: DialectDetection, frames: readonly number[], slotCount: number): SideDetection {
  const outer = (indices: readonly number[]) => indices.map((index) => frames[index]!);
  const place = (candidate: DialectCandidate): DialectCandidate => ({
    ...candidate,
    dialect: { ...candidate.dialect, slotCount: Math.max(slotCount, candidate.dialect.slotCount) },
    unexplained: outer(candidate.unexplained),
    slotEvidence: outer(candidate.slotEvidence),
  });
  const candidates = detection.candidates.map(place);
  return { ...detection, matches: candidates.slice(0, detection.matches.length), candidates, frames };
}

/** The CRC algorithm, coverage and byte order of a candidate, as one string. */
const crcKey = ({ dialect }: DialectCandidate) => JSON.stringify([dialect.crc, dialect.crcCoverage, dialect.crcByteOrder]);

/** Whether the two sides write one dialect (see {@link SenderDetection.sameDialect}). */
function oneDialect(device: DialectDetection | undefined, server: DialectDetection | undefined): boolean | undefined {
  const [deviceBest, serverBest] = [device?.candidates[0], server?.candidates[0]];
  if (deviceBest === undefined || serverBest === undefined) return undefined;
  if (device!.quotes.value !== server!.quotes.value || device!.lineEnding.value !== server!.lineEnding.value) return false;
  const serverMatches = new Set(server!.matches.map(crcKey));
  return device!.matches.some((match) => serverMatches.has(crcKey(match))) || crcKey(deviceBest) === crcKey(serverBest);
}

/**
 * Tells the dialect of each side of a capture of both directions: splits the frames by
 * sender (`from` when given, else the side that sends the frame's command word), runs
 * {@link detectDialects} on each side's frames, and infers the slot count from the slots
 * that either side names — the station's lends, returns and status answers, and the
 * server's lend requests — so that both sides' dialects carry the station's slot count
 * even when only one side's frames name its highest slot.
 *
 * @example
 * ```ts
 * import { detectDialectsBySender, encode } from 'powerbank-codec';
 *
 * const imei = '860123456789014';
 * const station = { crc: 'CRC-16/XMODEM', slotCount: 12 } as const; // the station's firmware
 * const frames = [
 *   { frame: encode({ type: 'StatusQuery', imei }) },
 *   { frame: encode({ type: 'StatusAnswer', imei, slots: [{ slot: 12, status: 'fault' }] }, { dialect: station }) },
 *   { frame: encode({ type: 'LendRequest', imei, slot: 1, powerBankId: 'A1' }) },
 *   { frame: encode({ type: 'LendSuccess', imei, slot: 1, powerBankId: 'A1' }, { dialect: station }) },
 * ];
 * const detection = detectDialectsBySender(frames);
 * detection.sameDialect; // false
 * detection.device?.matches[0]?.dialect.crc; // 'CRC-16/XMODEM'
 * detection.server?.matches[0]?.dialect.crc; // 'CRC-16/MODBUS'
 * detection.slots; // { count: 12, highest: 12, evidence: [1] }
 * detection.server?.matches[0]?.dialect.slotCount; // 12
 * ```
 */
export function detectDialectsBySender(frames: Iterable<SentFrame>, options: DetectDialectsOptions = {}): SenderDetection {
  const sides = { device: { frames: [] as number[], bytes: [] as Uint8Array[] }, server: { frames: [] as number[], bytes: [] as Uint8Array[] } };
  const unknownSender: number[] = [];
  let index = 0;
  for (const { frame, from } of frames) {
    const bytes = toBytes(frame);
    const sender = from ?? senderOfWord(bytes);
    if (sender === undefined) unknownSender.push(index);
    else {
      sides[sender].frames.push(index);
      sides[sender].bytes.push(bytes);
    }
    index++;
  }
  const detect = (side: { frames: number[]; bytes: Uint8Array[] }) => (side.frames.length === 0 ? undefined : { detection: detectDialects(side.bytes, options), frames: side.frames });
  const found = [detect(sides.device), detect(sides.server)];
  let highest = 0;
  let evidence: number[] = [];
  for (const side of found) {
    const best = side?.detection.candidates[0];
    if (best === undefined || best.highestSlot < highest || best.highestSlot === 0) continue;
    const named = best.slotEvidence.map((inner) => side!.frames[inner]!);
    evidence = best.highestSlot > highest ? named : [...evidence, ...named].sort((a, b) => a - b);
    highest = best.highestSlot;
  }
  const count = Math.max(canonicalDialect.slotCount, highest);
  const [device, server] = found.map((side) => (side === undefined ? undefined : placed(side.detection, side.frames, count)));
  return { device, server, unknownSender, sameDialect: oneDialect(device, server), slots: { count, highest, evidence } };
}
