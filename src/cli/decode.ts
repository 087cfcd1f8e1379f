/**
 * `powerbank-codec decode [file|-]`: decodes a byte stream as it arrives, one line per
 * item, then a summary line.
 *
 * @module
 */

import { createDecoder, type DecoderItem, type StreamDecoderOptions } from '../index.js';
import { dialectFromFlags, dialectHelp, dialectOptions, integerFlag, parseCommandLine, UsageError } from './args.js';
import { CaptureReader, captureFormatOf, type CaptureEvent } from './capture/pcap.js';
import { CaptureSession, type CaptureRow, type SessionOptions } from './capture/session.js';
import type { Command } from './command.js';
import { connectionsJson, jsonLine, summaryJson, Table, Tally, type Place } from './decodeOutput.js';
import type { FlowsView } from './flows.js';
import { flowsViewFor, writeFlows } from './flowsOutput.js';
import { inputPath, peek, readInput } from './input.js';
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

Options:
  --hex                   the input is hex text (Wireshark or xxd dumps, 0x7B 0x22 ..., 7b22...)
  --json                  JSON Lines (one object per item, the summary last) instead of a table
  --strict                refuse every deviation from the dialect, and any byte that is
                          neither in a frame nor its line ending (lenient by default)
  --from device|server    refuse messages that the other side sends (not for captures)
  --server-port PORT      in a capture, the side on this TCP port is the server
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
  powerbank-codec decode --crc CRC-16/XMODEM --coverage frame --no-quotes --slots 12 capture.bin`;

const options = {
  ...dialectOptions,
  hex: { type: 'boolean' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  from: { type: 'string' },
  'server-port': { type: 'string' },
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
  const serverPort = typeof values['server-port'] === 'string' ? integerFlag('server-port', values['server-port'], 1, 65535) : undefined;
  const hex = values['hex'] === true;
  const hasCrc = settings.dialect?.crc !== 'none';
  const strict = settings.mode === 'strict';
  const json = values['json'] === true;
  const { head, chunks } = await peek(await readInput(inputPath(positionals[0]), hex), hex ? 0 : 12);
  const format = hex ? undefined : captureFormatOf(head);
  const table = new Table(styleFor(process.stdout), hasCrc, format !== undefined);
  const output = new Output(table, json, hasCrc, strict, flowsViewFor(values, settings));
  if (format === undefined) {
    if (serverPort !== undefined) throw new UsageError('--server-port applies to pcap and pcapng captures only; this input is neither');
    return decodeBytes(chunks, settings, output, () => (json ? summaryJson(output.tally) : table.summary(output.tally)));
  }
  if (settings.from !== undefined) throw new UsageError(`--from does not apply to a ${format} capture: each direction is decoded as the side that sends it (see --server-port)`);
  return decodeCapture(chunks, { decoder: settings, serverPort, strict }, output, json, table);
}

/** The `decode` command. */
export const decodeCommand: Command = { name: 'decode', summary: 'decode a capture (file or stdin, raw or hex) as it arrives', help, run };
