/**
 * `powerbank-codec detect [file|-]`: reads a capture, cuts it into frames and asks
 * `detectDialects` which dialects explain them; prints the verdict and the flags for
 * `decode`.
 *
 * @module
 */

import { decode, detectDialects, FrameSplitter, type DialectCandidate, type DialectDetection } from '../index.js';
import { flagsForDialect, lineEndingFlag, parseCommandLine } from './args.js';
import type { Command } from './command.js';
import { escaped, latin1, plural, shellQuote } from './format.js';
import { inputPath, readInput } from './input.js';
import { styleFor, type Style } from './style.js';

const help = `Usage: powerbank-codec detect [options] [file|-]

Identifies the dialect of a capture from a station whose firmware is unknown: reads the
capture (a file, or stdin when the file is - or left out; Ctrl-C on an endless pipe
stops reading and detects on what was read), cuts it into frames, and tries every CRC
algorithm of the catalogue (and none) with every coverage (fields, fieldsWithComma,
frame) on every frame. Quotes and line ending are read from the bytes; the slot count
is at least the highest slot seen.

Prints the dialects under which every frame's CRC verifies (several when the frames
cannot tell them apart, the most likely first), or, when none does, how many frames
each candidate explains and which frames none explains; then the exact flags to pass
to decode (and encode).

Options:
  --hex                   the input is hex text (Wireshark or xxd dumps, 0x7B 0x22 ..., 7b22...)
  --json                  the detection as one JSON object
  -h, --help              this help

Exit status: 0 when a dialect explains every frame, 1 when none does (or the capture
holds no frame), 2 on a usage error.

Examples:
  powerbank-codec detect capture.bin
  powerbank-codec detect --hex wireshark-dump.txt
  nc -l 9000 | powerbank-codec detect`;

const options = {
  hex: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A frame cut from the capture, with its line ending, and where it was. */
interface CapturedFrame {
  /** Where its `{` is in the capture. */
  readonly offset: number;
  /** Where its `}` ends in the capture. */
  readonly end: number;
  bytes: Uint8Array;
}

/** Line endings written out as text after a frame, the way logs and documents show frames. */
const WRITTEN_LINE_ENDINGS = [
  ['\\r\\n', '\r\n'],
  ['\\n', '\n'],
] as const;

/**
 * Cuts a capture into frames, each with the line ending that followed it: the bytes, or
 * the text `\r\n` or `\n` of a log or a document that shows frames that way.
 */
class FrameCollector {
  readonly frames: CapturedFrame[] = [];
  discarded = 0;
  writtenLineEndings = 0;
  // Expecting no line ending makes the splitter report every one it sees.
  private readonly splitter = new FrameSplitter({ dialect: { lineEnding: '' } });
  /** The last frame, while its line ending may still come. */
  private open: CapturedFrame | undefined;

  push(chunk: Uint8Array): void {
    this.take(this.splitter.push(chunk));
  }

  end(): void {
    this.take(this.splitter.end());
  }

  private endLine(lineEnding: string): void {
    const frame = this.open!;
    frame.bytes = Uint8Array.from([...frame.bytes, ...Array.from(lineEnding, (char) => char.charCodeAt(0))]);
    this.open = undefined;
  }

  private take(events: ReturnType<FrameSplitter['push']>): void {
    for (const event of events) {
      const rightAfterFrame = this.open !== undefined && this.open.end === event.offset;
      if (event.kind === 'frame') {
        this.open = { offset: event.offset, end: event.offset + event.length, bytes: event.bytes.slice() };
        this.frames.push(this.open);
        continue;
      }
      if (event.kind === 'lineEnding') {
        if (rightAfterFrame) this.endLine(event.seen);
        continue;
      }
      this.discarded += event.length;
      const written = WRITTEN_LINE_ENDINGS.find(([text]) => latin1(event.preview).startsWith(text));
      if (rightAfterFrame && event.kind === 'noise' && written !== undefined) {
        this.endLine(written[1]);
        this.writtenLineEndings++;
      }
    }
  }
}

function describeCrc(candidate: DialectCandidate): string {
  const { crc, crcCoverage } = candidate.dialect;
  return crc === 'none' ? 'no CRC field' : `${String(crc)} over ${crcCoverage}`;
}

function suggestion(candidate: DialectCandidate, hex: boolean, path: string | undefined): string {
  const words = ['powerbank-codec', 'decode', ...flagsForDialect(candidate.dialect), ...(hex ? ['--hex'] : []), ...(path === undefined ? [] : [path])];
  return words.map(shellQuote).join(' ');
}

/** Why a frame fails under the best candidate, in a sentence. */
function whyUnexplained(frame: CapturedFrame, best: DialectCandidate): string {
  const result = decode(frame.bytes, { dialect: best.dialect });
  return result.ok ? '' : `: ${result.error.message}`;
}

/** What the bytes show: how many frames, quotes, line ending, slots. */
function observations(detection: DialectDetection, collector: FrameCollector, best: DialectCandidate | undefined): string[] {
  const { quotes, lineEnding } = detection;
  const skipped = collector.discarded > 0 ? `, ${plural(collector.discarded, 'byte')} outside frames skipped` : '';
  const endings = [`${lineEnding.crlf} CRLF`, `${lineEnding.lf} LF`, `${lineEnding.none} none`, ...(lineEnding.cr > 0 ? [`${lineEnding.cr} lone CR`] : [])];
  const written = collector.writtenLineEndings > 0 ? `; ${collector.writtenLineEndings} of them written as text, \\r\\n or \\n` : '';
  const lines = [
    `${plural(detection.frameCount, 'frame')} (${detection.distinctFrames} distinct)${skipped}`,
    `  quotes:      ${quotes.value ? 'yes' : 'no'}  (${quotes.withQuotes} with, ${quotes.withoutQuotes} without)`,
    `  line ending: ${lineEndingFlag(lineEnding.value)}  (${endings.join(', ')}${written})`,
  ];
  if (best !== undefined) {
    lines.push(
      best.highestSlot > 0
        ? `  slots:       ${best.dialect.slotCount}  (highest slot seen: ${best.highestSlot}; the station has at least that many)`
        : `  slots:       ${best.dialect.slotCount}  (no frame names a slot; the station may have more)`,
    );
  }
  return lines;
}

/** Which dialects explain the frames, and how sure that is. */
function verdict(detection: DialectDetection, style: Style): string[] {
  const { matches, candidates, frameCount } = detection;
  const all = frameCount === 1 ? 'the only frame' : `all ${frameCount} frames`;
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
      'The first is the most likely (the catalogue lists the algorithms seen in station firmware first, and fields is the usual coverage).',
      'Capture more frames, of other message types and lengths, and run detect again to be sure.',
      ...fewFrames,
    ];
  }
  const none = style.bad(`No dialect verifies the CRC of ${all}.`);
  if (candidates.length === 0) {
    return [
      none,
      'No catalogue CRC, with any coverage, verifies a single frame, nor do they decode without a CRC field: the firmware may use a CRC with custom parameters.',
    ];
  }
  return [
    none,
    'Best candidates (frames whose CRC verifies):',
    ...candidates.slice(0, 5).map((candidate) => `  ${describeCrc(candidate)}: ${candidate.explained} of ${frameCount}`),
  ];
}

/** The frames the best candidate leaves out, and what that suggests. */
function leftOut(detection: DialectDetection, collector: FrameCollector, best: DialectCandidate): string[] {
  const lines: string[] = [];
  const missing = detection.frameCount - best.explained;
  if (missing > 0) {
    lines.push('Frames the best candidate does not explain (byte offset in the capture):');
    for (const index of best.unexplained.slice(0, 10)) {
      const frame = collector.frames[index]!;
      lines.push(`  #${index + 1} at ${frame.offset}: ${escaped(frame.bytes)}${whyUnexplained(frame, best)}`);
    }
    if (missing > 10) lines.push(`  … and ${missing - 10} more`);
    lines.push(
      missing <= Math.max(2, detection.frameCount / 10)
        ? 'A frame damaged on the line fails under every dialect: with only a few frames left out, the best candidate is most likely the dialect, and decode will flag those frames.'
        : 'Many frames are left out: the capture may mix dialects (the server and the station, or two stations); run detect on each one\'s frames separately.',
    );
  }
  if (best.decoded < best.explained) {
    lines.push(`${plural(best.explained - best.decoded, 'frame')} with a good CRC do not decode into a message; decode will show why.`);
  }
  return lines;
}

function report(detection: DialectDetection, collector: FrameCollector, style: Style, hex: boolean, path: string | undefined): string[] {
  const best = detection.candidates[0];
  if (detection.frameCount === 0) {
    return [...observations(detection, collector, best).slice(0, 1), style.bad('No frame ({...}) in the input: nothing to detect. Raw bytes expected; for a hex dump add --hex.')];
  }
  const lines = [...observations(detection, collector, best), '', ...verdict(detection, style)];
  if (best === undefined) return lines;
  const heading = detection.matches.length > 0 ? 'Decode with (the same dialect flags work for encode):' : `Decode with the best candidate (explains ${best.explained} of ${detection.frameCount}):`;
  return [...lines, ...leftOut(detection, collector, best), '', heading, `  ${style.bold(suggestion(best, hex, path))}`];
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('detect', args, options, 1);
  if (values['help'] === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const path = inputPath(positionals[0]);
  const hex = values['hex'] === true;
  const input = await readInput(path, hex);
  const collector = new FrameCollector();

  const finish = (): number => {
    collector.end();
    const detection = detectDialects(collector.frames.map((frame) => frame.bytes));
    const best = detection.candidates[0];
    if (values['json'] === true) {
      const flags = best === undefined ? null : flagsForDialect(best.dialect);
      const frames = collector.frames.map((frame) => frame.offset);
      process.stdout.write(
        `${JSON.stringify({ ...detection, frameOffsets: frames, discardedBytes: collector.discarded, writtenLineEndings: collector.writtenLineEndings, decodeFlags: flags })}\n`,
      );
    } else {
      process.stdout.write(`${report(detection, collector, styleFor(process.stdout), hex, path).join('\n')}\n`);
    }
    return detection.matches.length > 0 ? 0 : 1;
  };
  const interrupt = () => process.exit(finish());
  process.once('SIGINT', interrupt);
  try {
    for await (const chunk of input) collector.push(chunk);
    return finish();
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** The `detect` command. */
export const detectCommand: Command = { name: 'detect', summary: 'name the dialect (CRC, coverage, quotes, line ending, slots) of a capture', help, run };
