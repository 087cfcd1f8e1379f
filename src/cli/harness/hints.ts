/**
 * Dialect hints: when the station's frames do not decode in the dialect tested but do
 * in another, the flags of that other one. For a frame that does not decode, every CRC
 * algorithm, coverage and byte order of the catalogue is tried (`detectDialects`), with a slot
 * count as high as the frame needs; quotes and line endings are counted over every
 * frame. A hint names only what differs: `--slots 4`, `--crc CRC-16/XMODEM`,
 * `--no-quotes`, `--line-ending lf`.
 *
 * @module
 */

import { decode, detectDialects, type Dialect } from '../../index.js';
import { QUOTE } from '../../frame/layout.js';
import { lineEndingFlag } from '../args.js';
import { crcFlagValue } from '../crcFlags.js';
import { plural } from '../format.js';

/** Frames that do not decode searched for another dialect, at most (each search tries some 40 CRC variants). */
const MAX_SEARCHES = 200;

/** The dialect flags that take `from` to `to`: only those of the fields that differ. */
export function dialectFlags(from: Dialect, to: Dialect): string[] {
  const flags: string[] = [];
  const crc = crcFlagValue(to.crc);
  if (crc !== crcFlagValue(from.crc)) flags.push('--crc', crc);
  if (to.crc !== 'none' && to.crcCoverage !== from.crcCoverage) flags.push('--coverage', to.crcCoverage);
  if (to.crc !== 'none' && to.crcByteOrder !== from.crcByteOrder) flags.push('--crc-byte-order', to.crcByteOrder);
  if (to.quotes !== from.quotes) flags.push(to.quotes ? '--quotes' : '--no-quotes');
  if (to.lineEnding !== from.lineEnding) flags.push('--line-ending', lineEndingFlag(to.lineEnding));
  if (to.slotCount !== from.slotCount) flags.push('--slots', String(to.slotCount));
  return flags;
}

/** A dialect other than `tested` under which `frame` decodes, with as many slots as the frame names; `undefined` when none is found. */
export function dialectFor(frame: Uint8Array, tested: Dialect): Dialect | undefined {
  for (const candidate of detectDialects([frame]).candidates) {
    const { crc, crcCoverage, crcByteOrder, quotes } = candidate.dialect;
    const dialect: Dialect = { ...tested, crc, crcCoverage, crcByteOrder, quotes, slotCount: Math.max(tested.slotCount, candidate.highestSlot) };
    if (dialectFlags(tested, dialect).length > 0 && decode(frame, { dialect, from: 'device' }).ok) return dialect;
  }
  return undefined;
}

/** One hint: what to change in the dialect tested, its flags, and how many frames suggest it. */
export interface DialectHint {
  readonly changes: Partial<Dialect>;
  readonly flags: readonly string[];
  readonly frames: number;
  /** Why, in words. */
  readonly text: string;
}

/** What the frames of a connection say about its dialect. */
export class HintLog {
  private readonly found = new Map<string, { changes: Partial<Dialect>; flags: string[]; frames: number }>();
  private searches = 0;
  private frames = 0;
  private withoutQuotes = 0;
  /** How many frames each line ending followed. */
  private readonly lineEndings = new Map<Dialect['lineEnding'], number>();

  constructor(private readonly tested: Dialect) {}

  /** A frame arrived (decoded or not): counts its quotes. */
  frame(bytes: Uint8Array): void {
    this.frames++;
    if (bytes[1] !== QUOTE) this.withoutQuotes++;
  }

  /** The line ending that followed a frame. */
  lineEnding(lineEnding: Dialect['lineEnding']): void {
    this.lineEndings.set(lineEnding, (this.lineEndings.get(lineEnding) ?? 0) + 1);
  }

  /** A frame that does not decode: the flags under which it would, if any (also kept for the summary). */
  undecoded(bytes: Uint8Array): string[] | undefined {
    if (this.searches >= MAX_SEARCHES) return undefined;
    this.searches++;
    const dialect = dialectFor(bytes, this.tested);
    if (dialect === undefined) return undefined;
    const flags = dialectFlags(this.tested, dialect);
    const key = flags.join(' ');
    const { crc, crcCoverage, crcByteOrder, quotes, slotCount } = dialect;
    const entry = this.found.get(key) ?? { changes: { crc, crcCoverage, crcByteOrder, quotes, slotCount }, flags, frames: 0 };
    entry.frames++;
    this.found.set(key, entry);
    return flags;
  }

  /** Every hint, the frames' own quotes and line endings included when all of them differ from the dialect tested. */
  hints(): DialectHint[] {
    const hints: DialectHint[] = [...this.found.values()].map(({ changes, flags, frames }) => ({
      changes,
      flags,
      frames,
      text: `${plural(frames, 'frame')} did not decode but ${frames === 1 ? 'does' : 'do'} with ${flags.join(' ')}`,
    }));
    const quotes = this.tested.quotes ? this.withoutQuotes : this.frames - this.withoutQuotes;
    if (this.frames > 0 && quotes === this.frames) {
      const flag = this.tested.quotes ? '--no-quotes' : '--quotes';
      hints.push({ changes: { quotes: !this.tested.quotes }, flags: [flag], frames: quotes, text: `every frame (${this.frames}) came ${this.tested.quotes ? 'without' : 'with'} quotes: ${flag}` });
    }
    const [only, ...others] = [...this.lineEndings];
    if (only !== undefined && others.length === 0 && only[0] !== this.tested.lineEnding) {
      const [lineEnding, count] = only;
      const flag = lineEndingFlag(lineEnding);
      const seen = lineEnding === '' ? 'no line ending' : flag.toUpperCase();
      hints.push({ changes: { lineEnding }, flags: ['--line-ending', flag], frames: count, text: `every frame (${count}) ended with ${seen}: --line-ending ${flag}` });
    }
    return hints;
  }
}
