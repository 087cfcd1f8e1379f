/**
 * `powerbank-codec decode [file|-]`: decodes a byte stream as it arrives, one line per
 * item, then a summary line.
 *
 * @module
 */

import { createDecoder, type DecoderItem, type StreamDecoderOptions } from '../index.js';
import { dialectFromFlags, dialectHelp, dialectOptions, parseCommandLine, UsageError } from './args.js';
import { CaptureReader, type CaptureEvent } from './capture/pcap.js';
import { CaptureSession, type CaptureRow, type SessionOptions } from './capture/session.js';
import type { Command } from './command.js';
import { connectionsJson, jsonLine, summaryJson, Table, Tally, type Place } from './decodeOutput.js';
import type { FlowsView } from './flows.js';
import { flowsViewFor, writeFlows } from './flowsOutput.js';
import { inputPath, readInput } from './input.js';
import { checkServerPort, chooseInput, formatFlagsFrom, formatHelp, formatOptions, type InputChoice } from './logs/choose.js';
import { LogText } from './logs/encoding.js';
import type { LogItem } from './logs/records.js';
import { LogSession, type LogSessionOptions } from './logs/session.js';
import { StrayTracker, type Row } from './rows.js';
import { styleFor } from './style.js';

const help = `Usage: powerbank-codec decode [options] [file|-]

Decodes a capture (a file, or stdin when the file is - or left out) as the bytes
arrive: one line per frame, per run of noise and per odd line ending, then a summary
line (frames, errors by code, noise bytes). Works on an endless pipe; Ctrl-C prints
the summary of what was read.

A pcap or pcapng file (tcpdump -w, Wireshark, tshark; told by its magic number) is read
as packets: Ethernet, Linux cooked (SLL, SLL2), BSD loopback or raw IP; IPv4 and IPv6;
each TCP connection reassembled per direction (out-of-order segments, retransmissions,
a capture that starts mid-connection) and decoded as the side that sends it. Each row
then starts with the packet's time (UTC, with the capture's decimals) and the
connection (sender → receiver); bytes the capture lacks are a gap, never joined over.
Which side is the station (device): the peer of the --server-port side; else the side
that sent the SYN; else the side that connects to a server seen earlier in the capture;
else the sender of the first frame that decodes.

A text capture or log is recognised by its first lines when only one format fits (and
said on stderr); else name its format with --format. Serial terminal logs (SSCOM,
Docklight, RealTerm, CoolTerm), logs with a time and a direction tag (RX/TX, <-/->) or
hex bytes on each line, tshark -z follow,tcp,hex output, od, JSON Lines and base64 are
read with the times and directions they give: each direction is decoded as the side
that sends it (told by its first frame that decodes), each row starts with its time.

Options:
${formatHelp}
  --json                  JSON Lines (one object per item, the summary last) instead of a table
  --strict                refuse every deviation from the dialect, and any byte that is
                          neither in a frame nor its line ending (lenient by default)
  --from device|server    refuse messages that the other side sends (not for captures;
                          in a log, for what it gives no direction)
  --flows                 the conversations instead of the frames: per station and TCP
                          connection, each flow (status, lend, return, heartbeat) with its
                          steps and the time between them, and every violation (an answer
                          for another slot, no answer, an answer nobody asked for, a
                          frame that does not decode); exit 1 on any violation
  --answer-timeout SEC    with --flows: how long a step may wait for its answer (default 30)
  --heartbeat-gap SEC     with --flows: the longest time allowed between heartbeats
                          (default: not checked)
  -h, --help              this help

${dialectHelp}

Table columns: the item's byte offset in the stream, the sending side, the message type
(or error code, or what was skipped), the CRC field and whether it verified, then the
fields (or what was wrong; byte positions in error messages count from the frame's '{').

Exit status: 0 when every frame decoded, 1 when any frame did not (also a truncated or
oversized frame, a gap in a captured TCP stream, a damaged or cut capture file, and in
--strict mode a line ending other than the dialect's, noise, or a CR or LF that is no
frame's line ending), 2 on a usage error. With --strict, a file
holding one frame passes exactly when the library's decode(bytes, { mode: 'strict' })
accepts its bytes.

Examples:
  powerbank-codec decode capture.bin
  nc -l 9000 | powerbank-codec decode --from device
  powerbank-codec decode station.pcapng
  tcpdump -i any -U -w - tcp port 9000 | powerbank-codec decode --server-port 9000
  powerbank-codec decode --flows --answer-timeout 10 station.pcap
  powerbank-codec decode --hex wireshark-dump.txt --json | jq .message
  powerbank-codec decode sscom.txt
  powerbank-codec decode --format jsonl --field payload.raw app.log
  powerbank-codec decode --crc CRC-16/XMODEM --coverage frame --no-quotes --slots 12 capture.bin`;

const options = {
  ...dialectOptions,
  ...formatOptions,
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  from: { type: 'string' },
  flows: { type: 'boolean' },
  'answer-timeout': { type: 'string' },
  'heartbeat-gap': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function decoderOptions(values: Record<string, unknown>): StreamDecoderOptions {
  const from = values['from'];
  if (from !== undefined && from !== 'device' && from !== 'server') throw new UsageError(`--from must be device or server; got "${String(from)}"`);
  return {
    mode: values['strict'] === true ? 'strict' : 'lenient',
    ...(from === undefined ? {} : { from }),
    dialect: dialectFromFlags(values as never),
  };
}

/** Writes rows as they come (the table's header before the first), and counts them; with --flows, hands them to the flows view instead. */
class Output {
  readonly tally: Tally;
  private headerDone: boolean;

  constructor(
    private readonly table: Table,
    readonly json: boolean,
    private readonly hasCrc: boolean,
    strict: boolean,
    readonly flows?: FlowsView,
  ) {
    this.tally = new Tally(strict);
    this.headerDone = json;
  }

  write(rows: ReadonlyArray<{ readonly row: Row; readonly place?: Place | undefined }>): void {
    if (this.flows !== undefined) {
      for (const { row, place } of rows) this.flows.add(row, place);
      return;
    }
    if (rows.length === 0) return;
    for (const { place } of rows) this.table.fit(place);
    let text = this.headerDone || rows.every(({ row }) => row.kind === 'captureProblem') ? '' : `${this.table.header()}\n`;
    if (text !== '') this.headerDone = true;
    for (const { row, place } of rows) {
      this.tally.add(row);
      text += `${this.json ? jsonLine(row, this.hasCrc, place) : this.table.line(row, place)}\n`;
    }
    process.stdout.write(text);
  }
}

/** A byte stream: the decoder on its chunks. */
async function decodeBytes(input: AsyncIterable<Uint8Array>, settings: StreamDecoderOptions, output: Output, finishLine: () => string): Promise<number> {
  const decoder = createDecoder(settings);
  const strays = new StrayTracker(settings.mode === 'strict', (settings.dialect?.lineEnding ?? '\r\n').length);
  let read = 0;
  const rows = (items: readonly DecoderItem[], end?: number) => strays.rows(items, end).map((row) => ({ row }));
  const finish = (): number => {
    output.write(rows(decoder.end(), read));
    if (output.flows !== undefined) return writeFlows(output.flows, output.json);
    process.stdout.write(`${finishLine()}\n`);
    return output.tally.errorCount === 0 ? 0 : 1;
  };
  return untilInterrupted(finish, async () => {
    for await (const chunk of input) {
      read += chunk.length;
      output.write(rows(decoder.push(chunk)));
    }
  });
}

/** A pcap or pcapng capture: its packets, their TCP connections, each direction decoded. */
async function decodeCapture(input: AsyncIterable<Uint8Array>, options: SessionOptions, output: Output, json: boolean, table: Table): Promise<number> {
  const reader = new CaptureReader();
  const session = new CaptureSession(options);
  let packets = 0;
  const place = (rows: readonly CaptureRow[]) => rows.map(({ row, time, connection, from, connectionId }) => ({ row, place: { time, connection, from, connectionId } }));
  const events = (list: readonly CaptureEvent[]) => {
    for (const event of list) {
      if (event.kind === 'packet') packets++;
      output.write(place(event.kind === 'packet' ? session.packet(event) : session.problem(`at byte ${event.offset} of the file: ${event.message}`)));
    }
  };
  const finish = (): number => {
    events(reader.end());
    output.write(place(session.end()));
    for (const { reason, count } of session.repeatedProblems()) output.write([{ row: { kind: 'captureProblem', message: `${count} packets in all: ${reason}` } }]);
    if (output.flows !== undefined) return writeFlows(output.flows, json);
    const summaries = session.summaries();
    const totals = { packets, connections: summaries.length };
    process.stdout.write(json ? `${connectionsJson(summaries)}${summaryJson(output.tally, totals)}\n` : `${table.connections(summaries)}${table.summary(output.tally, totals)}\n`);
    return output.tally.errorCount === 0 ? 0 : 1;
  };
  return untilInterrupted(finish, async () => {
    for await (const chunk of input) events(reader.push(chunk));
  });
}

/** A log: its reader's records, each direction decoded as the side that sends it. */
async function decodeLog(log: Extract<InputChoice, { kind: 'log' }>, options: LogSessionOptions, output: Output, json: boolean, table: Table): Promise<number> {
  const { reader, format } = log;
  const text = new LogText();
  const session = new LogSession(options);
  const place = (rows: readonly CaptureRow[]) => rows.map(({ row, time, connection, from }) => (format.placed ? { row, place: { time, connection, from } } : { row }));
  const take = (items: readonly LogItem[]) => output.write(place(session.items(items)));
  const finish = (): number => {
    take([...reader.push(text.end()), ...reader.end()]);
    output.write(place(session.end()));
    for (const { reason, count } of session.repeatedProblems()) output.write([{ row: { kind: 'captureProblem', message: `${count} in all: ${reason}` } }]);
    if (output.flows !== undefined) return writeFlows(output.flows, json);
    const summaries = session.summaries();
    // A byte encoding (od, base64) reads as the raw bytes would: the same summary.
    const totals = format.placed ? { records: session.records, format: format.name } : undefined;
    process.stdout.write(json ? `${connectionsJson(summaries)}${summaryJson(output.tally, totals)}\n` : `${table.connections(summaries)}${table.summary(output.tally, totals)}\n`);
    const skipped = reader.skipped?.();
    if (skipped !== undefined) process.stderr.write(`${skipped}\n`);
    return output.tally.errorCount === 0 ? 0 : 1;
  };
  return untilInterrupted(finish, async () => {
    for await (const chunk of log.chunks) take(reader.push(text.push(chunk)));
  });
}

/** Runs `read`, then `finish`; Ctrl-C on an endless pipe runs `finish` on what was read, then stops. */
async function untilInterrupted(finish: () => number, read: () => Promise<void>): Promise<number> {
  const interrupt = () => process.exit(finish());
  process.once('SIGINT', interrupt);
  try {
    await read();
    return finish();
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('decode', args, options, 1);
  if (values['help'] === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const settings = decoderOptions(values);
  const hasCrc = settings.dialect?.crc !== 'none';
  const strict = settings.mode === 'strict';
  const json = values['json'] === true;
  const flags = formatFlagsFrom(values);
  const { serverPort } = flags;
  const { choice, notice } = await chooseInput(await readInput(inputPath(positionals[0]), false), flags);
  checkServerPort(choice, flags);
  if (choice.kind === 'capture' && settings.from !== undefined) throw new UsageError(`--from does not apply to a ${choice.format} capture: each direction is decoded as the side that sends it (see --server-port)`);
  if (notice !== undefined) process.stderr.write(`${notice}\n`);
  const placed = choice.kind === 'capture' || (choice.kind === 'log' && choice.format.placed);
  const table = new Table(styleFor(process.stdout), hasCrc, placed);
  const output = new Output(table, json, hasCrc, strict, flowsViewFor(values, settings));
  if (choice.kind === 'raw') return decodeBytes(choice.chunks, settings, output, () => (json ? summaryJson(output.tally) : table.summary(output.tally)));
  const { from, ...decoder } = settings;
  if (choice.kind === 'log') return decodeLog(choice, { decoder, strict, from }, output, json, table);
  return decodeCapture(choice.chunks, { decoder: settings, serverPort, strict }, output, json, table);
}

/** The `decode` command. */
export const decodeCommand: Command = { name: 'decode', summary: 'decode a capture (file or stdin, raw or hex) as it arrives', help, run };
