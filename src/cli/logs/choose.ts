/**
 * Which format the input is in: the one --format (or --hex) names, or the one the first
 * bytes show. A pcap or pcapng file is told by its magic number; text by the recognisers
 * of the formats table (formats.ts), tier 1 first. Exactly one recognised format is read
 * (and said on stderr); several are refused, naming the flag for each; none leaves the
 * bytes raw, as before, unless the text looks like a hex dump that is not quite one,
 * which is refused with what is wrong in it rather than decoded as noise and CRC errors.
 *
 * Decided as early as the first lines allow, so that a live pipe is decoded as it comes:
 * a first line that is a frame (`{"8601…`) is raw at once.
 *
 * @module
 */

import { integerFlag, UsageError, type OptionTable, type OptionValues } from '../args.js';
import { captureFormatOf, type CaptureFormat } from '../capture/pcap.js';
import { HexParser } from '../hex.js';
import { fromHex, peek } from '../input.js';
import { countHexDigits, isDigit } from '../text.js';
import { LogText } from './encoding.js';
import { LOG_FORMATS, logFormatNamed, type LogFormat, type ReaderSettings, type Sample, type Verdict } from './formats.js';
import { OdReader } from './od.js';
import type { LogReader } from './records.js';

/** How to read the input. */
export type InputChoice =
  | { readonly kind: 'raw'; readonly chunks: AsyncIterable<Uint8Array> }
  | { readonly kind: 'capture'; readonly format: CaptureFormat; readonly chunks: AsyncIterable<Uint8Array> }
  | { readonly kind: 'log'; readonly format: LogFormat; readonly reader: LogReader; readonly chunks: AsyncIterable<Uint8Array> };

export interface FormatFlags extends ReaderSettings {
  /** --format, as given. */
  readonly format: string | undefined;
  /** --hex: --format hex. */
  readonly hex: boolean;
}

/** The options that say how to read the input, for every command that reads captures and logs. */
export const formatOptions = {
  format: { type: 'string' },
  hex: { type: 'boolean' },
  field: { type: 'string' },
  'server-port': { type: 'string' },
} as const satisfies OptionTable;

/** Every --format value, and what other names it has. */
const ALIASES: ReadonlyMap<string, string> = new Map([['pcapng', 'pcap'], ['xxd', 'hex'], ['hexdump', 'hex'], ['follow', 'tshark-follow'], ['json', 'jsonl']]);
export const FORMAT_NAMES = ['raw', 'pcap', 'hex', ...LOG_FORMATS.filter((format) => format.name !== 'hex').map((format) => format.name)];

/** Bytes of text looked at, at most, and lines, before deciding. */
const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 100;
/** Lines that no format reads, before the input is taken for raw bytes (unless a frame opens one of them). */
const RAW_LINES = 8;

/** Their help, for `--help`. */
export const formatHelp = `  --format NAME           the input's format, when its magic number or first lines
                          do not tell it: ${FORMAT_NAMES.slice(0, 5).join(', ')},
                          ${FORMAT_NAMES.slice(5).join(', ')}
                          (docs/cli.md, "Reading captures and logs")
  --hex                   the input is hex text (Wireshark or xxd dumps, 0x7B 0x22 ...,
                          7b22...): --format hex
  --field NAME            in JSON Lines, the field that holds the frame (a.b: nested)
  --server-port PORT      in a capture or tshark follow output, the side on this TCP
                          port is the server`;

/** The input flags of the command line. */
export function formatFlagsFrom(values: OptionValues): FormatFlags {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const port = text('server-port');
  return { format: text('format'), hex: values['hex'] === true, field: text('field'), serverPort: port === undefined ? undefined : integerFlag('server-port', port, 1, 65535) };
}

/** Refuses --server-port for an input that has no TCP ports. */
export function checkServerPort(choice: InputChoice, flags: FormatFlags): void {
  if (flags.serverPort !== undefined && choice.kind !== 'capture' && !(choice.kind === 'log' && choice.format.name === 'tshark-follow')) {
    throw new UsageError('--server-port applies to pcap and pcapng captures and to tshark follow output only; this input is none of them');
  }
}

/** The --format value the flags name, if any. */
function namedFormat(flags: FormatFlags): string | undefined {
  const given = flags.format === undefined ? undefined : (ALIASES.get(flags.format.toLowerCase()) ?? flags.format.toLowerCase());
  if (given !== undefined && !FORMAT_NAMES.includes(given)) throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(', ')}; got "${flags.format}"`);
  if (flags.hex && given !== undefined && given !== 'hex') throw new UsageError(`--hex and --format ${flags.format} contradict each other`);
  if (flags.field !== undefined && given !== undefined && given !== 'jsonl') throw new UsageError('--field names the field of a JSON Lines log (--format jsonl)');
  return flags.hex ? 'hex' : flags.field !== undefined ? 'jsonl' : given;
}

/** The head of the input as the readers see it. */
function sampleOf(head: Uint8Array, eof: boolean): Sample {
  const decoder = new LogText();
  const text = decoder.push(head) + (eof ? decoder.end() : '');
  const final = eof || text.length >= SAMPLE_BYTES || text.split('\n').length > SAMPLE_LINES;
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (!final) lines.pop();
  return { text, lines: lines.slice(0, SAMPLE_LINES), final, eof };
}

/** Whether the text opens with a frame (`{"860…` or `{860…`): raw bytes, whatever follows. */
function opensWithFrame(text: string): boolean {
  const start = text[1] === '"' ? 2 : 1;
  return text[0] === '{' && isDigit(text[start]) && isDigit(text[start + 1]);
}

type Decision = { readonly format: LogFormat } | { readonly raw: true } | undefined;

/** The format the sample shows; undefined while more lines are needed. */
function recognise(sample: Sample, settings: ReaderSettings): Decision {
  if (opensWithFrame(sample.text)) return { raw: true };
  for (const tier of [1, 2]) {
    const verdicts = LOG_FORMATS.filter((format) => format.tier === tier).map((format) => ({ format, verdict: format.recognise(sample, settings) as Verdict }));
    if (verdicts.some(({ verdict }) => verdict === 'more') && !sample.final) return undefined;
    const found = verdicts.filter(({ verdict }) => verdict === 'yes').map(({ format }) => format);
    if (found.length > 1) {
      const options = found.map((format) => `${format.title} (--format ${format.name})`);
      throw new UsageError(`the input could be read as ${options.slice(0, -1).join(', ')} or ${options.at(-1)!}; say which with --format`);
    }
    if (found[0] !== undefined) return { format: found[0] };
  }
  // Raw bytes: at once when a line opens with a frame; else once there are lines enough to tell a broken hex dump.
  const enough = sample.lines.some(opensWithFrame) || sample.lines.filter((line) => line.trim() !== '').length >= RAW_LINES;
  return sample.final || enough ? { raw: true } : undefined;
}

/**
 * Raw bytes, unless the text looks like a hex dump (most lines start with an offset, or
 * are hex): then what keeps it from being read as one.
 */
function checkRaw(sample: Sample): void {
  const lines = sample.lines.filter((line) => line.trim() !== '');
  const dumpLike = lines.filter((line) => {
    const text = line.trim();
    const digits = countHexDigits(text, 0);
    return (digits >= 4 && digits <= 8 && (text[digits] === ':' || text[digits] === '\t' || text.startsWith('  ', digits))) || (text.length >= 2 && Array.from(text).every((char) => char === ' ' || countHexDigits(char, 0) === 1));
  });
  if (lines.length < 2 || dumpLike.length * 2 < lines.length) return;
  const parser = new HexParser();
  try {
    parser.push(`${sample.lines.join('\n')}\n`);
  } catch (error) {
    const message = (error as Error).message;
    const odProblem = message.includes('od output') ? new OdReader().push(`${sample.lines.join('\n')}\n`).find((item) => item.kind === 'problem') : undefined;
    if (odProblem?.kind === 'problem') throw new UsageError(`this looks like od output, but ${odProblem.message}`);
    throw new UsageError(`this looks like a hex dump, but ${message}; fix that line and use --hex, or use --format raw to decode the bytes as they are`);
  }
  throw new UsageError('this looks like a hex dump, without a frame in its first lines; use --hex to decode it, or --format raw to decode the bytes as they are');
}

/**
 * How to read `chunks`: the format the flags name or the first bytes show. Returns the
 * chunks again from the start, and a line for stderr when the format was recognised.
 */
export async function chooseInput(chunks: AsyncIterable<Uint8Array>, flags: FormatFlags): Promise<{ choice: InputChoice; notice: string | undefined }> {
  const named = namedFormat(flags);
  const format = named === undefined ? undefined : logFormatNamed(named);
  let decision: Decision;
  const peeked = await peek(chunks, (head) => {
    if (named !== undefined && named !== 'jsonl') return true;
    const sample = sampleOf(head, false);
    if (named === 'jsonl') return sample.final || sample.lines.length >= 20;
    if (head.length < 12 && !sample.final) return false;
    if (captureFormatOf(head) !== undefined) return true;
    decision = recognise(sample, flags);
    return decision !== undefined;
  });
  const sample = sampleOf(peeked.head, peeked.ended);
  const again = peeked.chunks;
  if (named === 'raw') return { choice: { kind: 'raw', chunks: again }, notice: undefined };
  if (named === 'pcap') return { choice: { kind: 'capture', format: captureFormatOf(peeked.head) ?? 'pcap', chunks: again }, notice: undefined };
  if (named === 'hex') return { choice: { kind: 'raw', chunks: fromHex(again) }, notice: undefined };
  if (format !== undefined) return { choice: { kind: 'log', format, reader: format.reader(sample, flags), chunks: again }, notice: undefined };
  const capture = captureFormatOf(peeked.head);
  if (capture !== undefined) return { choice: { kind: 'capture', format: capture, chunks: again }, notice: undefined };
  decision ??= recognise(sample, flags);
  if (decision === undefined || 'raw' in decision) {
    checkRaw(sample);
    return { choice: { kind: 'raw', chunks: again }, notice: undefined };
  }
  const found = decision.format;
  if (found.name === 'hex') return { choice: { kind: 'raw', chunks: fromHex(again) }, notice: `reading the input as ${found.title} (--hex says so)` };
  return { choice: { kind: 'log', format: found, reader: found.reader(sample, flags), chunks: again }, notice: `reading the input as ${found.title} (--format ${found.name} says so)` };
}
