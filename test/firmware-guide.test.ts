/**
 * Every command example of docs/firmware-guide.md runs: each ```sh block is run the way
 * it is written, with the built command for `npx powerbank-codec` and the example from
 * this clone for `npx tsx node_modules/powerbank-codec/examples/…`, on a free loopback
 * port and with short times, against the block's own simulated station or, when it has
 * none, one in this process that speaks the dialect the command tests and plays the
 * operator. Each must pass (exit 0) and write the files it names. A block holding any
 * other command fails here: the guide shows only what this test can run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StationSimulator } from 'powerbank-codec/testing';
import { settingsFromArgs } from '../src/cli/harness/settings.js';
import { connectStation, type StationClient } from '../examples/lib/station-client.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const GUIDE = readFileSync(join(ROOT, 'docs', 'firmware-guide.md'), 'utf8');

const HARNESS = 'npx powerbank-codec harness';
const STATION = 'npx tsx node_modules/powerbank-codec/examples/station.ts';

/** Short times for loopback, put in place of (or added to) what the guide writes. */
const HARNESS_TIMES: Record<string, string> = {
  host: '127.0.0.1',
  'connect-timeout': '20',
  'run-timeout': '60',
  timeout: '10',
  settle: '0.05',
  'heartbeat-min': '0.01',
  'heartbeat-max': '10',
};
const STATION_TIMES: Record<string, string> = { heartbeat: '0.2', 'return-after': '0.3' };

/** Every ```sh block of the guide, as its command lines (comments left out), with the line it starts on. */
function blocks(markdown: string): Array<{ line: number; commands: string[] }> {
  const found: Array<{ line: number; commands: string[] }> = [];
  let current: { line: number; commands: string[] } | undefined;
  markdown.split('\n').forEach((text, index) => {
    if (current === undefined && text.trim() === '```sh') current = { line: index + 1, commands: [] };
    else if (current !== undefined && text.trim() === '```') {
      found.push(current);
      current = undefined;
    } else if (current !== undefined) {
      const command = text.split(' #')[0]!.trim();
      if (command !== '' && !command.startsWith('#')) current.commands.push(command);
    }
  });
  return found;
}

/** A command's words after `prefix`, with `port` and `times` put in; and where its stdout goes (`> FILE`). */
function rewrite(command: string, prefix: string, port: number, times: Record<string, string>): { args: string[]; stdout: string | undefined } {
  const words = command.slice(prefix.length).trim().split(/\s+/);
  const redirect = words.indexOf('>');
  const stdout = redirect < 0 ? undefined : words[redirect + 1];
  const args = redirect < 0 ? words : words.slice(0, redirect);
  for (const [name, value] of Object.entries({ ...times, port: String(port) })) {
    const at = args.indexOf(`--${name}`);
    if (at < 0) args.push(`--${name}`, value);
    else args[at + 1] = value;
  }
  return { args, stdout };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Calls `onLine` with every line the child writes to stdout or stderr; collects stdout. */
function watch(child: ChildProcess, onLine: (line: string) => void): string[] {
  const stdout: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => (stdout.push(line), onLine(line)));
  createInterface({ input: child.stderr! }).on('line', onLine);
  return stdout;
}

/** Runs one block: the harness, then the block's station or one of this process once it listens. */
async function runBlock(commands: readonly string[]): Promise<{ code: number | null; directory: string; harness: { args: string[]; stdout: string | undefined }; log: string[] }> {
  const unknown = commands.filter((command) => !command.startsWith(`${HARNESS} `) && !command.startsWith(`${STATION} `));
  expect(unknown, 'commands this test cannot run').toEqual([]);
  const harnessCommands = commands.filter((command) => command.startsWith(HARNESS));
  expect(harnessCommands).toHaveLength(1);
  const stationCommand = commands.find((command) => command.startsWith(STATION));
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'firmware-guide-'));
  const harness = rewrite(harnessCommands[0]!, HARNESS, port, HARNESS_TIMES);
  const { settings } = settingsFromArgs(harness.args) as Exclude<ReturnType<typeof settingsFromArgs>, 'help'>;

  const log: string[] = [];
  let station: ChildProcess | undefined;
  let client: StationClient | undefined;
  let inserted = 0;
  const child = spawn(process.execPath, [CLI, 'harness', ...harness.args], { cwd: directory, env: { ...process.env, NO_COLOR: '1' } });
  const stdout = watch(child, (line) => {
    log.push(line);
    if (line.startsWith('Listening on port ') && stationCommand !== undefined) {
      const { args } = rewrite(stationCommand, STATION, port, STATION_TIMES);
      station = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', 'station.ts'), ...args], { cwd: ROOT });
      watch(station, (stationLine) => log.push(`station: ${stationLine}`));
    } else if (line.startsWith('Listening on port ')) {
      const simulator = new StationSimulator({ imei: '860123456789014', dialect: settings.dialect, heartbeatInterval: 200, banks: [{ slot: 1, powerBankId: 'A1' }, { slot: 2, powerBankId: 'A2', charge: 'notFull' }] });
      void connectStation(simulator, { port, tickEvery: 20, dialect: settings.dialect }).then((connected) => void (client = connected));
    }
    if (line.includes('▶ OPERATOR') && client !== undefined) setTimeout(() => client?.insert(client.station.emptySlots()[0]!, `R${++inserted}`), 20);
  });
  const [code] = (await once(child, 'close')) as [number | null];
  await client?.close();
  station?.kill();
  if (harness.stdout !== undefined) writeFileSync(join(directory, harness.stdout), `${stdout.join('\n')}\n`);
  return { code, directory, harness, log };
}

const examples = blocks(GUIDE);

describe.concurrent('the command examples of docs/firmware-guide.md', { timeout: 60_000 }, () => {
  it('are there: the harness, a simulated station, another dialect, CI', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(examples.flatMap((example) => example.commands).filter((command) => command.startsWith(STATION))).toHaveLength(1);
  });

  it.for(examples)('runs the block at line $line and passes', async ({ commands }) => {
    const { code, directory, harness, log } = await runBlock(commands);
    expect(log.join('\n')).toContain('All 8 steps passed: the station follows the protocol.');
    expect(code).toBe(0);
    const junit = harness.args.indexOf('--junit');
    if (junit >= 0) expect(readFileSync(join(directory, harness.args[junit + 1]!), 'utf8')).toContain('<testsuites name="powerbank-codec harness" tests="8" failures="0" skipped="0"');
    if (harness.stdout !== undefined) {
      expect(existsSync(join(directory, harness.stdout))).toBe(true);
      if (harness.args.includes('--json')) expect(JSON.parse(readFileSync(join(directory, harness.stdout), 'utf8'))).toMatchObject({ passed: true });
    }
  });
});
