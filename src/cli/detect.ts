/**
 * `powerbank-codec detect [file|-]`: reads what `decode` reads (bytes, hex, pcap or
 * pcapng, a log; chosen as `decode` chooses), cuts it into frames and asks `detectDialects` which dialects explain them, for the whole
 * capture and for each side (`detectDialectsBySender`); prints the verdict and the flags
 * for `decode`.
 *
 * @module
 */

import { detectDialects, detectDialectsBySender, type CrcName, type CrcParams } from '../index.js';
import { flagsForDialect, parseCommandLine } from './args.js';
import type { Command } from './command.js';
import { crcFromFlags, crcOptions } from './crcFlags.js';
import { FrameCollection } from './detectFrames.js';
import { report, withSlots, type Detection } from './detectReport.js';
import { inputPath, readInput } from './input.js';
import { checkServerPort, chooseInput, formatFlagsFrom, formatHelp, formatOptions } from './logs/choose.js';
import { styleFor } from './style.js';

const help = `Usage: powerbank-codec detect [options] [file|-]

Identifies the dialect of a capture from a station whose firmware is unknown: reads the
capture (a file, or stdin when the file is - or left out; Ctrl-C on an endless pipe
stops reading and detects on what was read), cuts it into frames, and tries every CRC
algorithm of the catalogue (and none, and the custom parameters given) with every
coverage (fields, fieldsWithComma, frame) and both byte orders (high byte first, low
byte first) on every frame. Quotes and line ending are read from the bytes; the slot
count is the highest slot the frames name (at least 3), and the frames that name it
are listed.

It reads what decode reads, recognised as decode recognises it: raw bytes, hex dumps,
pcap and pcapng captures (each TCP connection reassembled per direction), and logs
(serial terminals, application logs, tshark -z follow, od, JSON Lines, base64).

A capture of both directions may hold two dialects, the station's and the server's:
each frame's sender is the side that sent it in a capture or a log with directions
(told as decode tells it, or by the command word of a direction's first frame), else
the side that sends its command word (CH, AQ, MQ, MC, MR: the station). When the two
sides do not write one dialect, each is reported on its own.

Prints the dialects under which every frame's CRC verifies (several when the frames
cannot tell them apart, the most likely first), or, when none does, how many frames
each candidate explains and which frames none explains; then the exact flags to pass
to decode (and encode).

Options:
${formatHelp}
  --json                  the detection as one JSON object
  --crc PARAMS            custom CRC parameters to try too, first: width=16,poly=0x1021,
                          init=0xffff,refin=false,refout=false,xorout=0x0000, as reveng
                          prints them (or a catalogue name, tried first)
  --crc-poly HEX --crc-init HEX --crc-xorout HEX --crc-refin --crc-refout
                          the same custom parameters one flag each (hex with 0x)
  -h, --help              this help

Exit status: 0 when a dialect explains every frame (of each side, when they differ), 1
when none does (or the capture holds no frame), 2 on a usage error.

Examples:
  powerbank-codec detect capture.bin
  powerbank-codec detect station.pcapng
  powerbank-codec detect sscom.txt
  powerbank-codec detect --hex wireshark-dump.txt
  powerbank-codec detect --crc width=16,poly=0x1021,init=0x1d0f,refin=false,refout=false,xorout=0 capture.bin
  nc -l 9000 | powerbank-codec detect`;

const options = {
  ...crcOptions,
  ...formatOptions,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function detect(collection: FrameCollection, crcs: ReadonlyArray<CrcName | CrcParams>): Detection {
  const { frames } = collection;
  const whole = detectDialects(
    frames.map((frame) => frame.bytes),
    { crcs },
  );
  const bySender = detectDialectsBySender(
    frames.map(({ bytes, from }) => (from === undefined ? { frame: bytes } : { frame: bytes, from })),
    { crcs },
  );
  const split = bySender.device !== undefined && bySender.server !== undefined && bySender.sameDialect !== true;
  return { whole, bySender, collection, split };
}

function json(detection: Detection): string {
  const { whole, bySender, collection } = detection;
  const flags = (candidates: typeof whole.candidates) => (candidates[0] === undefined ? null : flagsForDialect(withSlots(candidates[0], bySender.slots)));
  const side = (name: 'device' | 'server') => {
    const found = bySender[name];
    return found === undefined ? null : { ...found, decodeFlags: flags(found.candidates) };
  };
  const placed = (candidate: (typeof whole.candidates)[number]) => ({ ...candidate, dialect: withSlots(candidate, bySender.slots) });
  return JSON.stringify({
    ...whole,
    matches: whole.matches.map(placed),
    candidates: whole.candidates.map(placed),
    frameOffsets: collection.frames.map((frame) => frame.offset),
    frameSenders: collection.frames.map((frame) => frame.from ?? null),
    frameConnections: collection.frames.map((frame) => frame.connection ?? null),
    discardedBytes: collection.discarded,
    writtenLineEndings: collection.writtenLineEndings,
    captureProblems: collection.problems,
    decodeFlags: flags(whole.candidates),
    slots: bySender.slots,
    split: detection.split,
    sides: { device: side('device'), server: side('server'), unknownSender: bySender.unknownSender, sameDialect: bySender.sameDialect ?? null },
  });
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('detect', args, options, 1);
  if (values['help'] === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const crc = crcFromFlags(values);
  const crcs = crc === undefined || crc === 'none' ? [] : [crc];
  const path = inputPath(positionals[0]);
  const flags = formatFlagsFrom(values);
  const { choice, notice } = await chooseInput(await readInput(path, false), flags);
  checkServerPort(choice, flags);
  if (notice !== undefined) process.stderr.write(`${notice}\n`);
  const { chunks } = choice;
  const collection = new FrameCollection(choice.kind === 'capture' ? { kind: 'capture', serverPort: flags.serverPort } : choice);

  const finish = (): number => {
    collection.end();
    const detection = detect(collection, crcs);
    if (values['json'] === true) process.stdout.write(`${json(detection)}\n`);
    else process.stdout.write(`${report(detection, styleFor(process.stdout), { flags, path }).join('\n')}\n`);
    const skipped = collection.skipped();
    if (skipped !== undefined) process.stderr.write(`${skipped}\n`);
    const { whole, bySender, split } = detection;
    const explained = split ? bySender.device!.matches.length > 0 && bySender.server!.matches.length > 0 : whole.matches.length > 0;
    return explained ? 0 : 1;
  };
  const interrupt = () => process.exit(finish());
  process.once('SIGINT', interrupt);
  try {
    for await (const chunk of chunks) collection.push(chunk);
    return finish();
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** The `detect` command. */
export const detectCommand: Command = { name: 'detect', summary: 'name the dialect (CRC, coverage, byte order, quotes, line ending, slots) of a capture, per side', help, run };
