/**
 * `powerbank-codec decode [file|-]`: decodes a byte stream as it arrives, one line per
 * item, then a summary line.
 *
 * @module
 */

import { createDecoder, type DecodeError, type DecoderItem, type StreamDecoderOptions } from '../index.js';
import { dialectFromFlags, dialectHelp, dialectOptions, parseCommandLine, UsageError } from './args.js';
import type { Command } from './command.js';
import { crcFieldOf, escaped, latin1, messageFields, plural, quoted, senderOf } from './format.js';
import { inputPath, readInput } from './input.js';
import { styleFor, type Style } from './style.js';

const help = `Usage: powerbank-codec decode [options] [file|-]

Decodes a capture (a file, or stdin when the file is - or left out) as the bytes
arrive: one line per frame, per run of noise and per odd line ending, then a summary
line (frames, errors by code, noise bytes). Works on an endless pipe; Ctrl-C prints
the summary of what was read.

Options:
  --hex                   the input is hex text (Wireshark or xxd dumps, 0x7B 0x22 ..., 7b22...)
  --json                  JSON Lines (one object per item, the summary last) instead of a table
  --strict                refuse every deviation from the dialect, and any byte that is
                          neither in a frame nor its line ending (lenient by default)
  --from device|server    refuse messages that the other side sends
  -h, --help              this help

${dialectHelp}

Table columns: the item's byte offset in the stream, the sending side, the message type
(or error code, or what was skipped), the CRC field and whether it verified, then the
fields (or what was wrong; byte positions in error messages count from the frame's '{').

Exit status: 0 when every frame decoded, 1 when any frame did not (also a truncated or
oversized frame, and in --strict mode a line ending other than the dialect's, noise, or
a CR or LF that is no frame's line ending), 2 on a usage error. With --strict, a file
holding one frame passes exactly when the library's decode(bytes, { mode: 'strict' })
accepts its bytes.

Examples:
  powerbank-codec decode capture.bin
  nc -l 9000 | powerbank-codec decode --from device
  powerbank-codec decode --hex wireshark-dump.txt --json | jq .message
  powerbank-codec decode --crc CRC-16/XMODEM --coverage frame --no-quotes --slots 12 capture.bin`;

const options = {
  ...dialectOptions,
  hex: { type: 'boolean' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  from: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function countOne(counts: Map<string, number>, code: string): void {
  counts.set(code, (counts.get(code) ?? 0) + 1);
}

/** What the summary line counts. */
class Tally {
  frames = 0;
  decoded = 0;
  noiseBytes = 0;
  readonly errors = new Map<string, number>();
  readonly deviations = new Map<string, number>();

  constructor(private readonly strict: boolean) {}


  add(item: Row): void {
    switch (item.kind) {
      case 'message':
        this.frames++;
        this.decoded++;
        for (const { code } of item.deviations) countOne(this.deviations, code);
        break;
      case 'error':
        this.frames++;
        countOne(this.errors, item.error.code);
        break;
      case 'truncated':
      case 'tooLong':
        this.frames++;
        countOne(this.errors, item.kind === 'truncated' ? 'TRUNCATED' : 'TOO_LONG');
        break;
      case 'noise':
        this.noiseBytes += item.length;
        // --strict takes frames and their line endings only, as decode() takes one frame.
        if (this.strict) countOne(this.errors, 'NOISE');
        break;
      case 'strayLineEnding':
        countOne(this.errors, 'NOISE');
        break;
      case 'lineEnding':
        countOne(this.strict ? this.errors : this.deviations, 'LINE_ENDING');
        break;
    }
  }

  get errorCount(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }
}

/**
 * CR and LF bytes the splitter dropped between frames that are no frame's line ending
 * (a blank line, a line ending before the first frame): errors in --strict mode.
 */
interface StrayLineEndings {
  readonly kind: 'strayLineEnding';
  readonly offset: number;
  readonly length: number;
}

/** What the tool prints a line for. */
type Row = DecoderItem | StrayLineEndings;

const byCode = (counts: ReadonlyMap<string, number>) => [...counts].map(([code, count]) => `${code} ${count}`).join(', ');

/** Whether the frame's CRC verified, as far as the error tells: checks after the CRC imply it did. */
function crcVerdict(error: DecodeError): 'ok' | 'bad' | undefined {
  if (error.code === 'CRC') return 'bad';
  return error.code === 'FRAME' ? undefined : 'ok';
}

/** One JSON object per item: the item with its bytes as strings. */
function jsonLine(item: Row, hasCrc: boolean): string {
  switch (item.kind) {
    case 'message': {
      const { offset, length, message, deviations, frame } = item;
      const crc = hasCrc ? crcFieldOf(frame) : null;
      return JSON.stringify({ kind: 'message', offset, length, from: senderOf(message.type), type: message.type, crc, crcOk: hasCrc ? true : null, message, deviations, frame: latin1(frame) });
    }
    case 'error': {
      const { offset, length, error, frame } = item;
      const verdict = hasCrc ? crcVerdict(error) : undefined;
      const crc = verdict === undefined ? null : crcFieldOf(frame);
      return JSON.stringify({ kind: 'error', offset, length, code: error.code, crc, crcOk: verdict === undefined ? null : verdict === 'ok', error, frame: latin1(frame) });
    }
    case 'lineEnding':
    case 'strayLineEnding':
      return JSON.stringify(item);
    default:
      return JSON.stringify({ kind: item.kind, offset: item.offset, length: item.length, preview: latin1(item.preview) });
  }
}

/** The table: one row per item. */
class Table {
  constructor(
    private readonly style: Style,
    private readonly hasCrc: boolean,
  ) {}

  header(): string {
    return this.style.dim(`${'offset'.padStart(8)}  ${'from'.padEnd(6)}  ${'type'.padEnd(18)}  ${'crc'.padEnd(9)}  fields`);
  }

  private row(offset: number, from: string, type: string, crc: string, text: string): string {
    return `${this.style.dim(String(offset).padStart(8))}  ${from.padEnd(6)}  ${type}  ${crc}  ${text}`;
  }

  private crcCell(frame: Uint8Array, verdict: 'ok' | 'bad' | undefined): string {
    if (!this.hasCrc) return 'none'.padEnd(9);
    if (verdict === undefined) return '-'.padEnd(9);
    const cell = `${crcFieldOf(frame)} ${verdict}`.padEnd(9);
    return verdict === 'ok' ? cell : this.style.bad(cell);
  }

  line(item: Row): string {
    const { style } = this;
    switch (item.kind) {
      case 'message': {
        const deviations = item.deviations.length === 0 ? '' : style.warn(`  (deviations: ${item.deviations.map((d) => d.code).join(', ')})`);
        const type = style.ok(item.message.type.padEnd(18));
        return this.row(item.offset, senderOf(item.message.type), type, this.crcCell(item.frame, 'ok'), messageFields(item.message) + deviations);
      }
      case 'error': {
        const { error } = item;
        const from = error.code === 'DIRECTION' ? senderOf(error.messageType) : '-';
        const text = `${error.message}${'deviation' in error && error.deviation !== undefined ? ` [${error.deviation}]` : ''}  ${style.dim(escaped(item.frame))}`;
        return this.row(item.offset, from, style.bad(`${error.code} error`.padEnd(18)), this.crcCell(item.frame, crcVerdict(error)), text);
      }
      case 'lineEnding':
        return this.row(item.offset, '-', style.warn('lineEnding'.padEnd(18)), '-'.padEnd(9), `${JSON.stringify(item.seen)} after the frame; the dialect's is ${JSON.stringify(item.expected)}`);
      case 'strayLineEnding':
        return this.row(item.offset, '-', style.bad('strayLineEnding'.padEnd(18)), '-'.padEnd(9), `${plural(item.length, 'CR or LF byte')} outside any frame's line ending`);
      default:
        return this.row(item.offset, '-', style.warn(item.kind.padEnd(18)), '-'.padEnd(9), `${plural(item.length, 'byte')}: ${quoted(item.preview)}${item.length > item.preview.length ? '…' : ''}`);
    }
  }

  summary(tally: Tally): string {
    const errors = tally.errorCount === 0 ? this.style.ok('0 errors') : this.style.bad(`${plural(tally.errorCount, 'error')} (${byCode(tally.errors)})`);
    const deviations = tally.deviations.size === 0 ? '' : `, deviations (${byCode(tally.deviations)})`;
    return this.style.bold(`summary: ${plural(tally.frames, 'frame')}, ${tally.decoded} decoded, ${errors}${deviations}, ${plural(tally.noiseBytes, 'noise byte')}`);
  }
}

function summaryJson(tally: Tally): string {
  return JSON.stringify({
    kind: 'summary',
    frames: tally.frames,
    decoded: tally.decoded,
    errors: Object.fromEntries(tally.errors),
    deviations: Object.fromEntries(tally.deviations),
    noiseBytes: tally.noiseBytes,
  });
}

function decoderOptions(values: Record<string, unknown>): StreamDecoderOptions {
  const from = values['from'];
  if (from !== undefined && from !== 'device' && from !== 'server') throw new UsageError(`--from must be device or server; got "${String(from)}"`);
  return {
    mode: values['strict'] === true ? 'strict' : 'lenient',
    ...(from === undefined ? {} : { from }),
    dialect: dialectFromFlags(values as never),
  };
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('decode', args, options, 1);
  if (values['help'] === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const settings = decoderOptions(values);
  const decoder = createDecoder(settings);
  const hasCrc = settings.dialect?.crc !== 'none';
  const strict = settings.mode === 'strict';
  const tally = new Tally(strict);
  const json = values['json'] === true;
  const table = new Table(styleFor(process.stdout), hasCrc);
  const input = await readInput(inputPath(positionals[0]), values['hex'] === true);

  // In --strict mode, the CR and LF bytes the splitter drops between items, but for the
  // line ending right after a frame, are reported: the stream position up to which every
  // byte is in an item or a frame's line ending, whether a frame ends there, and the bytes read.
  const lineEndingLength = (settings.dialect?.lineEnding ?? '\r\n').length;
  let accounted = 0;
  let afterFrame = false;
  let read = 0;
  const withStrays = (items: readonly DecoderItem[], end: number | undefined): Row[] => {
    if (!strict) return items as Row[];
    const rows: Row[] = [];
    const strays = (upTo: number) => {
      const from = afterFrame ? Math.min(accounted + lineEndingLength, upTo) : accounted;
      if (upTo > from) rows.push({ kind: 'strayLineEnding', offset: from, length: upTo - from });
    };
    for (const item of items) {
      strays(item.offset);
      rows.push(item);
      accounted = item.offset + item.length;
      afterFrame = item.kind === 'message' || item.kind === 'error';
    }
    if (end !== undefined) strays(end);
    return rows;
  };

  let headerDone = json;
  const write = (rows: readonly Row[]) => {
    if (rows.length === 0) return;
    let text = headerDone ? '' : `${table.header()}\n`;
    headerDone = true;
    for (const row of rows) {
      tally.add(row);
      text += `${json ? jsonLine(row, hasCrc) : table.line(row)}\n`;
    }
    process.stdout.write(text);
  };
  const finish = (): number => {
    write(withStrays(decoder.end(), read));
    process.stdout.write(`${json ? summaryJson(tally) : table.summary(tally)}\n`);
    return tally.errorCount === 0 ? 0 : 1;
  };
  // Ctrl-C on an endless pipe: report what was read, then stop.
  const interrupt = () => process.exit(finish());
  process.once('SIGINT', interrupt);
  try {
    for await (const chunk of input) {
      read += chunk.length;
      write(withStrays(decoder.push(chunk), undefined));
    }
    return finish();
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** The `decode` command. */
export const decodeCommand: Command = { name: 'decode', summary: 'decode a capture (file or stdin, raw or hex) as it arrives', help, run };
