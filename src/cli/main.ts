#!/usr/bin/env node
/**
 * `powerbank-codec`: the command-line tool. Picks the command, runs it, and turns a
 * usage mistake into one line on stderr and exit status 2.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import type { Command } from './command.js';
import { crcCommand } from './crc.js';
import { decodeCommand } from './decode.js';
import { detectCommand } from './detect.js';
import { encodeCommand } from './encode.js';
import { harnessCommand } from './harness/command.js';
import { stationsCommand } from './stations/command.js';
import { styleFor } from './style.js';

const COMMANDS: readonly Command[] = [decodeCommand, encodeCommand, detectCommand, crcCommand, harnessCommand, stationsCommand];

const overview = `Usage: powerbank-codec <command> [options]

Decode, build and identify the frames of shared power-bank rental stations, and test
a station's firmware or a server against the protocol.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)}${command.summary}`).join('\n')}

Run powerbank-codec <command> --help for its options and examples.

Options:
  -h, --help      this overview
  -v, --version   the version

Examples:
  nc -l 9000 | powerbank-codec decode
  powerbank-codec detect capture.bin
  powerbank-codec encode LendRequest --imei 860123456789014 --slot 2 --id 1234567890 --raw | nc station.local 9000
  powerbank-codec crc '860123456789014,CH,'
  powerbank-codec harness --port 9000
  powerbank-codec stations --connect 127.0.0.1:9000 --count 1000 --duration 60`;

/** The version in the package.json of this package: the first one found going up from here. */
function version(): string {
  for (let directory = new URL('.', import.meta.url); ; directory = new URL('..', directory)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', directory), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'powerbank-codec') return manifest.version ?? 'unknown';
    } catch {
      // No package.json here: look one level up.
    }
    if (directory.pathname === '/') return 'unknown';
  }
}

/** The command names, for the errors that list them. */
const NAMES = COMMANDS.map((command) => command.name).join(', ');

function unknownCommand(name: string): UsageError {
  return new UsageError(`unknown command "${name}"; one of ${NAMES} (see: powerbank-codec --help)`);
}

async function main(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === '-h' || name === '--help' || name === 'help') {
    const command = COMMANDS.find((candidate) => candidate.name === rest[0]);
    if (rest[0] !== undefined && command === undefined) {
      throw unknownCommand(rest[0]);
    }
    process.stdout.write(`${command?.help ?? overview}\n`);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === undefined) throw new UsageError(`no command given; one of ${NAMES} (see: powerbank-codec --help)`);
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) throw unknownCommand(name);
  return command.run(rest);
}

// A reader that goes away (`… | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    const style = styleFor(process.stderr);
    if (error instanceof UsageError) {
      process.stderr.write(`${style.bad('powerbank-codec:')} ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${style.bad('powerbank-codec: internal error, please report it:')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    }
  },
);
