/**
 * What `detect` prints: what the bytes show, the verdict, the frames left out, and the
 * flags for `decode`; for the whole capture when both sides write one dialect, else for
 * each side.
 *
 * @module
 */

import { decode, type DialectCandidate, type DialectDetection, type SenderDetection, type Sender } from '../index.js';
import { flagsForDialect, lineEndingFlag } from './args.js';
import { crcFlagValue } from './crcFlags.js';
import type { CapturedFrame, FrameCollection } from './detectFrames.js';
import { escaped, plural, shellQuote } from './format.js';
import type { FormatFlags } from './logs/choose.js';
import type { Style } from './style.js';

/** What `detect` found, and what it read it from. */
export interface Detection {
  /** All the frames as one dialect. */
  readonly whole: DialectDetection;
  readonly bySender: SenderDetection;
  readonly collection: FrameCollection;
  /** Whether to report each side on its own: both sides are there, and they do not write one dialect. */
  readonly split: boolean;
}

/** Where `decode` reads from: the input flags given and the file. */
export interface Source {
  readonly flags: FormatFlags;
  readonly path: string | undefined;
}

const SIDE: Readonly<Record<Sender, string>> = { device: 'station', server: 'server' };

/** `dialect` with at least the slot count both sides show. */
export function withSlots(candidate: DialectCandidate, slots: SenderDetection['slots']): DialectCandidate['dialect'] {
  return { ...candidate.dialect, slotCount: Math.max(candidate.dialect.slotCount, slots.count) };
}

function describeCrc({ dialect }: DialectCandidate): string {
  if (dialect.crc === 'none') return 'no CRC field';
  const name = typeof dialect.crc === 'string' ? dialect.crc : `CRC-16 ${crcFlagValue(dialect.crc)}`;
  return `${name} over ${dialect.crcCoverage}${dialect.crcByteOrder === 'lowFirst' ? ', written low byte first' : ''}`;
}

/** The input flags given to `detect`, for `decode`. */
function inputFlags({ format, hex, field, serverPort }: FormatFlags): string[] {
  return [...(format === undefined ? [] : ['--format', format]), ...(hex ? ['--hex'] : []), ...(field === undefined ? [] : ['--field', field]), ...(serverPort === undefined ? [] : ['--server-port', String(serverPort)])];
}

function suggestion(candidate: DialectCandidate, slots: SenderDetection['slots'], source: Source): string {
  const { flags, path } = source;
  const words = ['powerbank-codec', 'decode', ...flagsForDialect(withSlots(candidate, slots)), ...inputFlags(flags), ...(path === undefined ? [] : [path])];
  return words.map(shellQuote).join(' ');
}

/** `#3`, `#3 and #9`, `#3, #9, #12 and 4 more`. */
function frameList(indices: readonly number[]): string {
  const named = indices.slice(0, 3).map((index) => `#${index + 1}`);
  if (indices.length > 3) return `${named.join(', ')} and ${indices.length - 3} more`;
  return named.length < 2 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}`;
}

/** The slot count and the frames that show it. */
function slotLine({ slots }: SenderDetection): string {
  if (slots.highest === 0) return `  slots:       ${slots.count}  (no frame names a slot; the station may have more)`;
  const evidence = `the highest slot named is ${slots.highest}, in ${slots.evidence.length === 1 ? 'frame' : 'frames'} ${frameList(slots.evidence)}`;
  const floor = slots.highest < slots.count ? `; ${slots.count} is the canonical count` : '';
  return `  slots:       ${slots.count}  (${evidence}${floor}; the station may have more)`;
}

/** Quotes and line endings, as seen. */
function bytesSeen(detection: DialectDetection, collection: FrameCollection, indent: string): string[] {
  const { quotes, lineEnding } = detection;
  const endings = [`${lineEnding.crlf} CRLF`, `${lineEnding.lf} LF`, `${lineEnding.none} none`, ...(lineEnding.cr > 0 ? [`${lineEnding.cr} lone CR`] : [])];
  const written = collection.writtenLineEndings > 0 ? `; ${collection.writtenLineEndings} of them written as text, \\r\\n or \\n` : '';
  return [
    `${indent}quotes:      ${quotes.value ? 'yes' : 'no'}  (${quotes.withQuotes} with, ${quotes.withoutQuotes} without)`,
    `${indent}line ending: ${lineEndingFlag(lineEnding.value)}  (${endings.join(', ')}${written})`,
  ];
}

/** Whose frames a verdict is about: one side's (`'station '`, `'server '`), or all, from one side or both. */
interface Whose {
  readonly side: string;
  readonly bothSides: boolean;
}

/** Which dialects explain the frames, and how sure that is. */
function verdict(detection: DialectDetection, style: Style, whose: Whose): string[] {
  const { matches, candidates, frameCount } = detection;
  const all = `${frameCount === 1 ? `the only ${whose.side}frame` : `all ${frameCount} ${whose.side}frames`}${whose.bothSides ? ', from both sides' : ''}`;
  const fewFrames =
    matches.length > 0 && detection.distinctFrames < 3
      ? [
          style.warn(
            `Only ${plural(detection.distinctFrames, 'distinct frame')}: a wrong candidate verifies a given frame by chance about once in 65536, and ${detection.searched} were tried; more distinct frames make the answer surer.`,
          ),
        ]
      : [];
  if (matches.length === 1) return [style.ok(`One dialect verifies the CRC of ${all}: ${describeCrc(matches[0]!)}.`), ...fewFrames];
  if (matches.length > 1) {
    return [
      style.warn(`${matches.length} dialects verify the CRC of ${all}; these frames cannot tell them apart:`),
      ...matches.map((match) => `  ${describeCrc(match)}`),
      'The first is the most likely (the catalogue lists the algorithms seen in station firmware first, fields is the usual coverage, and high byte first the usual order).',
      'Capture more frames, of other message types and lengths, and run detect again to be sure.',
      ...fewFrames,
    ];
  }
  const none = style.bad(`No dialect verifies the CRC of ${all}.`);
  if (candidates.length === 0) {
    return [
      none,
      'No catalogue CRC, with any coverage and byte order, verifies a single frame, nor do they decode without a CRC field: the firmware may use a CRC with custom parameters. Give them to detect to try: --crc width=16,poly=0x....,init=0x....,refin=...,refout=...,xorout=0x.... (or --crc-poly, --crc-init, ...).',
    ];
  }
  return [
    none,
    'Best candidates (frames whose CRC verifies):',
    ...candidates.slice(0, 5).map((candidate) => `  ${describeCrc(candidate)}: ${candidate.explained} of ${frameCount}`),
  ];
}

/** Where a frame is: its byte offset, and its connection in a capture. */
function where(frame: CapturedFrame): string {
  return frame.connection === undefined ? `at ${frame.offset}` : `at ${frame.offset} of ${frame.connection}`;
}

/** The frames the best candidate leaves out, and what that suggests. */
function leftOut(detection: DialectDetection, collection: FrameCollection, best: DialectCandidate, mixHint: string): string[] {
  const lines: string[] = [];
  const missing = detection.frameCount - best.explained;
  if (missing > 0) {
    lines.push('Frames the best candidate does not explain (byte offset in the capture):');
    for (const index of best.unexplained.slice(0, 10)) {
      const frame = collection.frames[index]!;
      const result = decode(frame.bytes, { dialect: best.dialect });
      lines.push(`  #${index + 1} ${where(frame)}: ${escaped(frame.bytes)}${result.ok ? '' : `: ${result.error.message}`}`);
    }
    if (missing > 10) lines.push(`  … and ${missing - 10} more`);
    lines.push(
      missing <= Math.max(2, detection.frameCount / 10)
        ? 'A frame damaged on the line fails under every dialect: with only a few frames left out, the best candidate is most likely the dialect, and decode will flag those frames.'
        : mixHint,
    );
  }
  if (best.decoded < best.explained) lines.push(`${plural(best.explained - best.decoded, 'frame')} with a good CRC do not decode into a message; decode will show why.`);
  return lines;
}

/** The first line: how many frames, from where. */
function heading(detection: Detection): string[] {
  const { whole, bySender, collection } = detection;
  const container = collection.container();
  const within =
    container === undefined ? '' :
    'connections' in container ? ` in ${plural(collection.packets, 'packet')}, ${plural(container.connections, 'TCP connection')}` :
    ` in ${plural(container.records, 'record')} (--format ${container.format})`;
  const skipped = collection.discarded > 0 ? `, ${plural(collection.discarded, 'byte')} outside frames skipped` : '';
  const lines = [`${plural(whole.frameCount, 'frame')} (${whole.distinctFrames} distinct)${within}${skipped}`];
  const sides = (['device', 'server'] as const).map((side) => `${bySender[side]?.frameCount ?? 0} from the ${SIDE[side]}`);
  const unknown = bySender.unknownSender.length > 0 ? `, ${bySender.unknownSender.length} from neither (an unknown command word)` : '';
  if (whole.frameCount > 0) lines.push(`  senders:     ${sides.join(', ')}${unknown}`);
  return lines;
}

/** Everything about one set of frames: what they show, the verdict, what is left out, the flags. */
function section(frames: DialectDetection, detection: Detection, style: Style, source: Source, whose: Whose, indent: string): string[] {
  const best = frames.candidates[0];
  const lines = [...bytesSeen(frames, detection.collection, indent), '', ...verdict(frames, style, whose)];
  if (best === undefined) return lines;
  const mixHint = detection.split
    ? 'Many frames are left out: this side may mix dialects (two stations with different firmware?); run detect on each one\'s frames separately.'
    : 'Many frames are left out: the capture may mix dialects (the server and the station, or two stations); run detect on each one\'s frames separately.';
  const title = frames.matches.length > 0 ? 'Decode with (the same dialect flags work for encode):' : `Decode with the best candidate (explains ${best.explained} of ${frames.frameCount}):`;
  return [...lines, ...leftOut(frames, detection.collection, best, mixHint), '', title, `  ${style.bold(suggestion(best, detection.bySender.slots, source))}`];
}

/** The report, line by line. */
export function report(detection: Detection, style: Style, source: Source): string[] {
  const { whole, bySender, collection } = detection;
  const lines = heading(detection);
  for (const problem of collection.problems) lines.push(style.bad(`capture: ${problem}`));
  if (whole.frameCount === 0) return [...lines, style.bad('No frame ({...}) in the input: nothing to detect. If it is a capture or a log that was not recognised, name its format with --format.')];
  lines.push(slotLine(bySender));
  if (!detection.split) {
    const bothSides = bySender.device !== undefined && bySender.server !== undefined;
    return [...lines, ...section(whole, detection, style, source, { side: '', bothSides }, '  ')];
  }
  lines.push('', style.warn('The station and the server do not write one dialect: each side on its own.'));
  for (const side of ['device', 'server'] as const) {
    const frames = bySender[side]!;
    lines.push('', style.bold(`The ${SIDE[side]}: ${plural(frames.frameCount, 'frame')} (${frames.distinctFrames} distinct)`));
    lines.push(...section(frames, detection, style, source, { side: `${SIDE[side]} `, bothSides: false }, '  '));
  }
  if (bySender.unknownSender.length > 0) lines.push('', `Left out: ${plural(bySender.unknownSender.length, 'frame')} that neither side sends (an unknown command word): ${frameList(bySender.unknownSender)}.`);
  lines.push('', 'decode takes one dialect: with one side\'s flags, the frames of the other show as CRC errors.');
  return lines;
}
