/**
 * `powerbank-codec crc <text>`: the CRC of a string under every catalogue algorithm.
 *
 * @module
 */

import { crc16, crcCatalogue, type CrcName } from '../index.js';
import { parseCommandLine, UsageError } from './args.js';
import type { Command } from './command.js';
import { HexParser } from './hex.js';

const help = `Usage: powerbank-codec crc [options] TEXT

Prints the CRC-16 of TEXT (its UTF-8 bytes) under each algorithm of the catalogue, as
four uppercase hex digits, the way a frame carries it. To check a frame by hand, give
the bytes its CRC covers: with the canonical coverage (fields), everything between
{" and the comma before the CRC.

Options:
  --hex                   TEXT is hex bytes (7b 22 38 ..., 0x7B,0x22, ...)
  --json                  one JSON object: algorithm name -> CRC
  -h, --help              this help

Examples:
  powerbank-codec crc '860123456789014,CH,'        # MODBUS gives 3FCE, as in {"860123456789014,CH,,3FCE"}
  powerbank-codec crc 123456789                    # the catalogue's check values
  powerbank-codec crc --hex '31 32 33 34 35 36 37 38 39'`;

const options = {
  hex: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const NAMES = Object.keys(crcCatalogue) as CrcName[];

function bytesOf(text: string, hex: boolean): Uint8Array {
  if (!hex) return new TextEncoder().encode(text);
  const parser = new HexParser();
  const head = parser.push(text);
  const tail = parser.end();
  return Uint8Array.from([...head, ...tail]);
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('crc', args, options, 1);
  if (values['help'] === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const [text] = positionals;
  if (text === undefined) throw new UsageError('crc needs the text to checksum, e.g. powerbank-codec crc 860123456789014,CH, (see: powerbank-codec crc --help)');
  const bytes = bytesOf(text, values['hex'] === true);
  const crcs = NAMES.map((name) => [name, crc16(bytes, name).toString(16).toUpperCase().padStart(4, '0')] as const);
  if (values['json'] === true) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(crcs))}\n`);
  } else {
    const width = Math.max(...NAMES.map((name) => name.length));
    process.stdout.write(crcs.map(([name, crc]) => `${name.padEnd(width)}  ${crc}\n`).join(''));
  }
  return 0;
}

/** The `crc` command. */
export const crcCommand: Command = { name: 'crc', summary: 'the CRC of a string under every catalogue algorithm', help, run };
