/**
 * The text formats `decode` reads, in one table: each one's name (the `--format` value),
 * how it is recognised, and its reader. The recognisers look at the first lines of the
 * input and answer yes, no, or "more lines, please"; see choose.ts for how their answers
 * pick a format or refuse to.
 *
 * | format          | recognised by                                                      | tier |
 * |-----------------|--------------------------------------------------------------------|------|
 * | `sscom`         | a first line `[time]收←◆` or `[time]发→◇` (UTF-8 or GBK)             | 1    |
 * | `docklight`     | a first line `Docklight Log File (…)` or `date time [RX] - …`     | 1    |
 * | `tshark-follow` | `===…` / `Follow: tcp,hex`, or a dump whose indented lines count their own offsets | 1 |
 * | `od`            | od -tx1 or -c lines, the address column in step with the bytes     | 1    |
 * | `jsonl`         | JSON objects, one string field holding frames                      | 1    |
 * | `realterm`      | lines opening with a Unix, UnixHex, Matlab or quoted time stamp    | 1    |
 * | `coolterm`      | lines opening with a time stamp and a TAB, or an offset and a TAB  | 1    |
 * | `hex`           | every line hex (xxd, hexdump -C, Wireshark, plain hex)             | 2    |
 * | `base64`        | every line base64 (and not all hex digits)                         | 2    |
 * | `log`           | lines opening with a time, with a direction tag or hex bytes       | 2    |
 *
 * A format counts as recognised only when the bytes it reads from the first lines hold a
 * frame's `{`, and a line it cannot read rules it out. Tier 2 formats are tried only
 * when no tier 1 format is recognised: a Docklight log is also a generic log, and od
 * `-An` output is also plain hex.
 *
 * @module
 */

import { UsageError } from '../args.js';
import { HexParser } from '../hex.js';
import { Base64Reader, base64Value } from './base64.js';
import { cooltermLine, CooltermReader, hexViewBytes } from './coolterm.js';
import { docklightRecord, docklightTitle, DocklightReader } from './docklight.js';
import { directionTag, GenericLogReader, startsWithTime } from './generic.js';
import { fieldAt, fieldEncoding, frameEncoding, jsonObject, JsonlReader, stringFields, type FieldEncoding } from './jsonl.js';
import { OdReader } from './od.js';
import { RealtermReader, realtermStamped } from './realterm.js';
import type { LogItem, LogReader } from './records.js';
import { sscomHeader, SscomReader } from './sscom.js';
import { followHexLine, TsharkFollowReader } from './tsharkFollow.js';
import { isHexDigits } from '../text.js';

/** The first lines of the input. */
export interface Sample {
  /** The text read so far (one character per byte). */
  readonly text: string;
  /** Its complete lines, without their endings (and the last, incomplete one when `final`). */
  readonly lines: readonly string[];
  /** No more text comes: the input ended (`eof`), or the sample is as long as it gets. */
  readonly final: boolean;
  readonly eof: boolean;
}

export type Verdict = 'yes' | 'no' | 'more';

/** What readers take from the command line. */
export interface ReaderSettings {
  /** --field: the JSON field that holds the frame. */
  readonly field: string | undefined;
  /** --server-port: the side on this TCP port is the server. */
  readonly serverPort: number | undefined;
}

export interface LogFormat {
  /** The --format value. */
  readonly name: string;
  /** What it is, for messages: `an SSCOM log`. */
  readonly title: string;
  /** Whether its records carry times or directions (rows then show a time and a connection). */
  readonly placed: boolean;
  /** 1: a signature of its own; 2: tried when no tier 1 format is recognised. */
  readonly tier: 1 | 2;
  recognise(sample: Sample, settings: ReaderSettings): Verdict;
  /** Its reader, set up from the first lines (a JSON field, say); may refuse with a {@link UsageError}. */
  reader(sample: Sample, settings: ReaderSettings): LogReader;
}

/** The first line with something on it. */
const firstLine = (sample: Sample) => sample.lines.find((line) => line.trim() !== '');

/** No line yet: more, unless no more comes. */
const noLine = (sample: Sample): Verdict => (sample.final ? 'no' : 'more');

/**
 * Reads the sample with `reader`: no when it finds a problem, yes when the bytes hold a
 * frame's `{`, else more (or no, when no more comes).
 */
function trial(reader: LogReader, sample: Sample): Verdict {
  let items: LogItem[];
  try {
    items = [...reader.push(sample.text), ...(sample.eof ? reader.end() : [])];
  } catch {
    return 'no';
  }
  if (items.some((item) => item.kind === 'problem')) return 'no';
  if (items.some((item) => item.kind === 'record' && item.bytes.includes(0x7b))) return 'yes';
  return sample.final ? 'no' : 'more';
}

/** The JSON fields of the sample's lines that hold frames. */
export function frameFields(sample: Sample): Set<string> {
  const fields = new Set<string>();
  for (const line of sample.lines) {
    const object = line.trim() === '' ? undefined : jsonObject(line);
    for (const { path, value } of object === undefined ? [] : stringFields(object)) if (frameEncoding(value) !== undefined) fields.add(path);
  }
  return fields;
}

/** The JSON field to read (--field, or the one field that holds frames), and how it holds its bytes. */
function jsonField(sample: Sample, settings: ReaderSettings): { field: string; encoding: FieldEncoding } {
  let field = settings.field;
  if (field === undefined) {
    const [only, ...others] = frameFields(sample).keys();
    if (only === undefined) throw new UsageError('no JSON field holds a frame in the first lines; name it with --field');
    if (others.length > 0) throw new UsageError(`several JSON fields hold frames (${[only, ...others].join(', ')}); name one with --field`);
    field = only;
  }
  const values = sample.lines.map((line) => (line.trim() === '' ? undefined : jsonObject(line))).map((object) => (object === undefined ? undefined : fieldAt(object, field)));
  return { field, encoding: fieldEncoding(values.filter((value) => typeof value === 'string')) };
}

/** A hex reader for the table: HexParser, its bytes as records. */
class HexReader implements LogReader {
  private readonly parser = new HexParser();
  push(text: string): LogItem[] {
    return this.records(this.parser.push(text));
  }
  end(): LogItem[] {
    return this.records(this.parser.end());
  }
  private records(bytes: Uint8Array): LogItem[] {
    return bytes.length === 0 ? [] : [{ kind: 'record', bytes, time: undefined, stream: undefined }];
  }
}

/** Whether the indented lines of a hex dump count their own offsets (two directions, as Follow TCP Stream shows them). */
function followsTwoNodes(lines: readonly string[]): boolean {
  const counts = [0, 0];
  let indented = false;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const read = followHexLine(line.trim());
    const node = line[0] === ' ' || line[0] === '\t' ? 1 : 0;
    if (read === undefined || read.offset !== counts[node]) return false;
    counts[node] += read.bytes.length;
    indented ||= node === 1;
  }
  return indented;
}

export const LOG_FORMATS: readonly LogFormat[] = [
  {
    name: 'sscom',
    title: 'an SSCOM log',
    placed: true,
    tier: 1,
    recognise: (sample) => {
      const line = firstLine(sample);
      return line === undefined ? noLine(sample) : sscomHeader(line) === undefined ? 'no' : 'yes';
    },
    reader: () => new SscomReader(),
  },
  {
    name: 'docklight',
    title: 'a Docklight log',
    placed: true,
    tier: 1,
    recognise: (sample) => {
      const line = firstLine(sample);
      return line === undefined ? noLine(sample) : docklightTitle(line) !== undefined || docklightRecord(line) !== undefined ? 'yes' : 'no';
    },
    reader: () => new DocklightReader(),
  },
  {
    name: 'tshark-follow',
    title: 'tshark -z follow output',
    placed: true,
    tier: 1,
    recognise: (sample) => {
      const line = firstLine(sample);
      if (line === undefined) return noLine(sample);
      if (line.startsWith('=====') || line.startsWith('Follow: ')) return 'yes';
      return followsTwoNodes(sample.lines) ? 'yes' : 'no';
    },
    reader: (_, settings) => new TsharkFollowReader({ serverPort: settings.serverPort }),
  },
  {
    name: 'od',
    title: 'od output',
    placed: false,
    tier: 1,
    recognise: (sample) => trial(new OdReader(), sample),
    reader: () => new OdReader(),
  },
  {
    name: 'jsonl',
    title: 'JSON Lines',
    placed: true,
    tier: 1,
    recognise: (sample, settings) => {
      const line = firstLine(sample);
      if (line === undefined) return noLine(sample);
      if (jsonObject(line) === undefined) return 'no';
      const fields = frameFields(sample);
      if (settings.field !== undefined ? fields.has(settings.field) : fields.size > 0) return 'yes';
      return sample.final ? 'no' : 'more';
    },
    reader: (sample, settings) => new JsonlReader(jsonField(sample, settings)),
  },
  {
    name: 'realterm',
    title: 'a RealTerm capture',
    placed: true,
    tier: 1,
    recognise: (sample) => {
      // RealTerm's own stamps only (a date and time then data is the generic log's); numbers from 2000 to 2100.
      const text = sample.text.trimStart();
      if (text === '') return noLine(sample);
      const first = new RealtermReader().push(text).find((item) => item.kind === 'record');
      const seconds = first?.kind === 'record' && first.time !== undefined ? Number(first.time.nanoseconds / 1_000_000_000n) : 0;
      return realtermStamped(text) && (text[0] === '"' || (seconds >= 946_684_800 && seconds < 4_102_444_800)) ? trial(new RealtermReader(), { ...sample, text }) : 'no';
    },
    reader: () => new RealtermReader(),
  },
  {
    name: 'coolterm',
    title: 'a CoolTerm capture',
    placed: true,
    tier: 1,
    recognise: (sample) => {
      const line = firstLine(sample);
      if (line === undefined) return noLine(sample);
      const { stamp, content } = cooltermLine(line);
      if (stamp === undefined && hexViewBytes(content) === undefined) return 'no';
      // A time, a TAB and a direction tag: the generic log's.
      if (stamp !== undefined && directionTag(content.trim().split(' ')[0] ?? '') !== undefined) return 'no';
      return trial(new CooltermReader(), sample);
    },
    reader: () => new CooltermReader(),
  },
  {
    name: 'hex',
    title: 'a hex dump',
    placed: false,
    tier: 2,
    recognise: (sample) => trial(new HexReader(), sample),
    reader: () => new HexReader(),
  },
  {
    name: 'base64',
    title: 'base64',
    placed: false,
    tier: 2,
    recognise: (sample) => {
      const lines = sample.lines.filter((line) => line.trim() !== '');
      if (lines.length === 0) return noLine(sample);
      const base64 = lines.every((line) => Array.from(line.trim()).every((char) => char === '=' || base64Value(char) !== undefined));
      return base64 && !lines.every((line) => isHexDigits(line.trim())) ? trial(new Base64Reader(), sample) : 'no';
    },
    reader: () => new Base64Reader(),
  },
  {
    name: 'log',
    title: 'a log with a time on each line',
    placed: true,
    tier: 2,
    recognise: (sample) => {
      const line = firstLine(sample);
      if (line === undefined) return noLine(sample);
      return startsWithTime(line) ? trial(new GenericLogReader(), sample) : 'no';
    },
    reader: () => new GenericLogReader(),
  },
];

/** The format named by a --format value, else undefined. */
export function logFormatNamed(name: string): LogFormat | undefined {
  return LOG_FORMATS.find((format) => format.name === name);
}
