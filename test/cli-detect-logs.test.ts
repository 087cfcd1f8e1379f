/**
 * `detect` on what `decode` reads besides bytes and captures: the logs of
 * test/fixtures/logs (made by its make.sh from the captures), recognised as `decode`
 * recognises them, with the same flags and the same refusals, and each frame's sender
 * taken from the log's directions. Run as a user runs it: the built dist/cli.js as a
 * child process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { canonicalDialect, encodeToString, messageTypes, type Dialect, type MessageInit } from 'powerbank-codec';
import { logRxTx, type LogEntry } from './support/logWriters.js';
import { CLI, jsonRows } from './support/runCli.js';
import { GOLDEN } from './support/vectors.js';

const LOGS = fileURLToPath(new URL('./fixtures/logs/', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** `powerbank-codec ARGS`, in the logs' folder (file names print as given), `input` on stdin. */
function tool(args: readonly string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: LOGS, env: { ...process.env, NO_COLOR: '1' } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.end(input, 'latin1');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

const detect = (args: readonly string[], input = '') => tool(['detect', ...args], input);
const decode = (...args: string[]) => tool(['decode', ...args]);

interface Json {
  matches: Array<{ dialect: Dialect }>;
  candidates: Array<{ dialect: Dialect; explained: number }>;
  frameCount: number;
  frameSenders: Array<string | null>;
  frameConnections: Array<string | null>;
  decodeFlags: string[];
  split: boolean;
  sides: { device: { matches: Array<{ dialect: Dialect }>; decodeFlags: string[] } | null; server: { matches: Array<{ dialect: Dialect }>; decodeFlags: string[] } | null };
}

async function detectJson(args: readonly string[], input = ''): Promise<Json & { stderr: string }> {
  const { stdout, stderr } = await detect(['--json', ...args], input);
  return { ...(JSON.parse(stdout) as Json), stderr };
}

/** The senders of lo.pcap's frames, in the order the logs write them. */
const SENDERS = ['device', 'server', 'device', 'server', 'device', 'server', 'device', 'server'];

describe.concurrent('detect on the logs of the conversation in captures/lo.pcap', () => {
  const bothSides: Array<[name: string, format: string]> = [
    ['sscom-hex.txt', 'sscom'],
    ['sscom-text-gbk.txt', 'sscom'],
    ['docklight-hex.txt', 'docklight'],
    ['docklight-ascii.txt', 'docklight'],
    ['log-rx-tx.txt', 'log'],
    ['log-app.txt', 'log'],
    ['log-text.txt', 'log'],
    ['log-utf16.txt', 'log'],
    ['lo.follow-hex.txt', 'tshark-follow'],
    ['lo.follow-raw.txt', 'tshark-follow'],
    ['app.jsonl', 'jsonl'],
    ['hex.jsonl', 'jsonl'],
  ];
  it.for(bothSides)('%s: recognised as %s; the canonical dialect, from both sides, each frame from its direction', async ([name, format], { expect }) => {
    const json = await detectJson([name]);
    expect(json.stderr).toMatch(new RegExp(`^reading the input as .* \\(--format ${format} says so\\)\n`));
    expect(json.matches.map((match) => match.dialect)).toEqual([canonicalDialect]);
    expect(json.split).toBe(false);
    expect(json.frameSenders).toEqual(SENDERS);
    // Each direction of the log is one side.
    const sideOf = new Map(json.frameConnections.map((connection, index) => [connection, json.frameSenders[index]]));
    expect(sideOf.size).toBe(2);
    expect(json.frameConnections.every((connection, index) => connection !== null && sideOf.get(connection) === json.frameSenders[index])).toBe(true);
  });

  it('says what it read, and suggests the flags without the format, which decode recognises too', async ({ expect }) => {
    const { status, stdout, stderr } = await detect(['sscom-hex.txt']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: 'reading the input as an SSCOM log (--format sscom says so)\n' });
    expect(stdout.split('\n').slice(0, 2)).toEqual(['8 frames (8 distinct) in 52 records (--format sscom)', '  senders:     4 from the station, 4 from the server']);
    expect(stdout).toContain('One dialect verifies the CRC of all 8 frames, from both sides: CRC-16/MODBUS over fields.');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --quotes --line-ending crlf --slots 3 sscom-hex.txt');
  });

  it.for(['realterm-unix.txt', 'realterm-hex.txt', 'realterm-matlab.txt', 'coolterm-hex.txt', 'coolterm-text.txt'])(
    '%s (one stream, what the terminal received): the station\'s dialect',
    async (name, { expect }) => {
      const json = await detectJson([name]);
      // CoolTerm's text capture ends each line at the frame's line ending, which it keeps to itself.
      const lineEnding = name === 'coolterm-text.txt' ? '' : '\r\n';
      expect(json.matches.map((match) => match.dialect)).toEqual([{ ...canonicalDialect, lineEnding }]);
      expect(json.frameCount).toBe(4);
      expect(json.sides.server).toBeNull();
    },
  );

  it('od and base64 of session.bin: what its bytes give', async ({ expect }) => {
    const { stderr, ...bytes } = await detectJson([fixture('session.bin')]);
    expect(stderr).toBe('');
    for (const [name, format] of [['session.od-x.txt', 'od'], ['session.od-c.txt', 'od'], ['session.base64.txt', 'base64']]) {
      const { stderr: notice, ...json } = await detectJson([name!]);
      expect(notice).toMatch(new RegExp(`\\(--format ${format} says so\\)`));
      expect(json).toEqual(bytes);
    }
  });
});

describe.concurrent('detect on a log whose station writes another dialect than its server', () => {
  it('dialects-sscom.txt (SSCOM, from captures/dialects.pcap): the station XMODEM over the frame with twelve slots, the server canonical, as in the capture', async ({ expect }) => {
    const log = await detectJson(['dialects-sscom.txt']);
    const capture = await detectJson([fixture('captures/dialects.pcap')]);
    expect(log.split).toBe(true);
    expect(log.frameSenders).toEqual(capture.frameSenders);
    expect(log.sides.device!.matches.map((match) => match.dialect)).toEqual([{ quotes: false, lineEnding: '\n', crc: 'CRC-16/XMODEM', crcCoverage: 'frame', crcByteOrder: 'highFirst', slotCount: 12 }]);
    expect(log.sides.server!.matches.map((match) => match.dialect)).toEqual([{ ...canonicalDialect, slotCount: 12 }]);
    // Each side's flags decode that side's frames of the log.
    for (const [side, count] of [['device', 5], ['server', 6]] as const) {
      const rows = jsonRows((await decode(...log.sides[side]!.decodeFlags, '--json', 'dialects-sscom.txt')).stdout);
      expect(rows.filter((row) => row.kind === 'message').map((row) => row.from)).toEqual(Array(count).fill(side));
    }
  });

  /** A generic log (time, RX or TX, hex) of `messages`, the station's (RX) in `station`'s dialect. */
  function generic(messages: readonly MessageInit[], station: Partial<Dialect>, rx: (message: MessageInit, index: number) => boolean = (message) => messageTypes[message.type].sender === 'device'): string {
    const entries: LogEntry[] = messages.map((message, index) => {
      const fromStation = rx(message, index);
      return { nanos: 1_796_592_728_000_000_000n + BigInt(index) * 10_000_000n, rx: fromStation, bytes: new TextEncoder().encode(encodeToString(message, { dialect: fromStation ? station : {} })) };
    });
    return new TextDecoder('latin1').decode(logRxTx(entries));
  }

  it('a station that writes its CRC low byte first, read from a generic log on stdin', async ({ expect }) => {
    const text = generic(GOLDEN.map(([, message]) => message), { crcByteOrder: 'lowFirst' });
    const { status, stdout, stderr } = await detect([], text);
    expect({ status, stderr }).toEqual({ status: 0, stderr: 'reading the input as a log with a time on each line (--format log says so)\n' });
    expect(stdout).toContain('The station and the server do not write one dialect: each side on its own.');
    expect(stdout).toContain('One dialect verifies the CRC of all 7 station frames: CRC-16/MODBUS over fields, written low byte first.');
    expect(stdout).toContain('One dialect verifies the CRC of all 8 server frames: CRC-16/MODBUS over fields.');
    expect(stdout).toContain('  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --crc-byte-order lowFirst --quotes --line-ending crlf --slots 3\n');
  });

  it('takes each frame\'s sender from the log\'s direction, not from its command word', async ({ expect }) => {
    // The server sends a heartbeat back (a station's command word): the log says TX, so it is the server's.
    const messages: MessageInit[] = [GOLDEN[0]![1], GOLDEN[1]![1], GOLDEN[0]![1]];
    const text = generic(messages, {}, (_, index) => index !== 1 && index !== 2);
    expect((await detectJson([], text)).frameSenders).toEqual(['device', 'server', 'server']);
  });
});

describe.concurrent('detect takes the input flags of decode', () => {
  it('refuses ambiguous input as decode does, and reads it with --format', async ({ expect }) => {
    const refused = await detect(['ambiguous.txt']);
    expect(refused).toEqual({ status: 2, stdout: '', stderr: (await decode('ambiguous.txt')).stderr });
    expect(refused.stderr).toContain('say which with --format');
    const { status, stdout } = await detect(['--format', 'log', 'ambiguous.txt']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^1 frame \(1 distinct\) in 1 record \(--format log\)\n/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --quotes --line-ending crlf --slots 3 --format log ambiguous.txt');
  });

  it('refuses a hex dump with a broken line, naming the line, as decode does', async ({ expect }) => {
    expect(await detect(['broken.xxd.txt'])).toEqual({ status: 2, stdout: '', stderr: (await decode('broken.xxd.txt')).stderr });
  });

  it('--field names the JSON field, and is in the suggested flags', async ({ expect }) => {
    const json = await detectJson(['--field', 'frame.hex', 'hex.jsonl']);
    expect(json.stderr).toBe('');
    expect(json.matches.map((match) => match.dialect)).toEqual([canonicalDialect]);
    const { stdout } = await detect(['--field', 'frame.hex', 'hex.jsonl']);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --quotes --line-ending crlf --slots 3 --field frame.hex hex.jsonl');
  });

  it('--server-port names the server in tshark follow output and in a capture, and is refused for other input', async ({ expect }) => {
    // The wrong port on purpose: the station's side becomes the server.
    expect((await detectJson(['--server-port', '41308', 'lo.follow-hex.txt'])).frameSenders).toEqual(SENDERS.map((sender) => (sender === 'device' ? 'server' : 'device')));
    expect((await detectJson(['--server-port', '41308', fixture('captures/lo.pcap')])).frameSenders).toEqual(SENDERS.map((sender) => (sender === 'device' ? 'server' : 'device')));
    expect(await detect(['--server-port', '9000', 'sscom-hex.txt'])).toEqual({ status: 2, stdout: '', stderr: (await decode('--server-port', '9000', 'sscom-hex.txt')).stderr });
  });

  it('recognises a hex dump without --hex', async ({ expect }) => {
    const json = await detectJson([fixture('station-b.xxd.txt')]);
    expect(json.stderr).toMatch(/^reading the input as .*--hex says so\)\n$/);
    expect(json.matches.map((match) => match.dialect.crc)).toEqual(['CRC-16/KERMIT']);
  });
});
