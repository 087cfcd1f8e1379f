/**
 * `decode` on logs (test/fixtures/logs/make.sh: tshark, od and base64, and the serial
 * terminal and application log writers, from the packets of captures/lo.pcap), run as a
 * user runs it: the built dist/cli.js as a child process. The capture itself is the
 * reference: each log must give the same messages, from the same sides, at the times of
 * the same packets as the log writes them.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { CLI, decode, jsonRows } from './support/runCli.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const log = (name: string) => fixture(`logs/${name}`);

const messages = (stdout: string) => jsonRows(stdout).filter((row) => row.kind === 'message').map(({ type, from, time }) => ({ type, from, time }));

/** The messages of lo.pcap: type, sender, and the capture time (ISO, microseconds) of the packet that completed each. */
const CAPTURE = messages(decode('--json', fixture('captures/lo.pcap')).stdout) as Array<{ type: string; from: string; time: string }>;

/** A capture time as a log writes it. */
const as = {
  sscom: (iso: string) => iso.slice(11, 23),
  docklightDots: (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)} ${iso.slice(11, 23)}`,
  docklightSlashes: (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 23)}`,
  seconds: (iso: string) => iso.slice(0, 19),
  sqlSeconds: (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}`,
  micros: (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 26)}`,
  commaMillis: (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`,
  iso: (iso: string) => iso,
  /** A number of seconds shown in UTC: JSON drops the trailing zeros of its decimals. */
  isoNumber: (iso: string) => iso.replace(/\.?0+Z$/, 'Z'),
};

describe('decode on logs of the conversation in captures/lo.pcap', () => {
  it('has the reference: eight messages, four from each side', ({ expect }) => {
    expect(CAPTURE.map(({ type, from }) => `${from} ${type}`)).toEqual([
      'device Heartbeat', 'server StatusQuery', 'device StatusAnswer', 'server LendRequest', 'device OwnershipQuery', 'server OwnershipAnswer', 'device LendSuccess', 'server LendSuccessAck',
    ]);
  });

  const bothSides: Array<[string, string, (iso: string) => string]> = [
    ['sscom-hex.txt', 'sscom', as.sscom],
    ['sscom-text-gbk.txt', 'sscom', as.sscom],
    ['docklight-hex.txt', 'docklight', as.docklightDots],
    ['docklight-ascii.txt', 'docklight', as.docklightSlashes],
    ['log-rx-tx.txt', 'log', as.micros],
    ['log-app.txt', 'log', as.commaMillis],
    ['log-text.txt', 'log', as.sscom],
    ['log-utf16.txt', 'log', as.sscom],
    ['app.jsonl', 'jsonl', as.iso],
    ['hex.jsonl', 'jsonl', as.isoNumber],
  ];
  for (const [name, format, time] of bothSides) {
    it(`${name}: recognised as ${format}; every message, from its side, at its time as the log writes it`, ({ expect }) => {
      const { status, stdout, stderr } = decode('--json', log(name));
      expect(status).toBe(0);
      expect(stderr).toMatch(new RegExp(`^reading the input as .* \\(--format ${format} says so\\)\n`));
      expect(messages(stdout)).toEqual(CAPTURE.map((message) => ({ ...message, time: time(message.time) })));
      expect(jsonRows(stdout).at(-1)).toMatchObject({ kind: 'summary', errors: {}, format });
    });
  }

  const received: Array<[string, string, (iso: string) => string]> = [
    ['realterm-unix.txt', 'realterm', as.seconds],
    ['realterm-hex.txt', 'realterm', as.seconds],
    ['coolterm-hex.txt', 'coolterm', as.sqlSeconds],
    ['coolterm-text.txt', 'coolterm', as.sqlSeconds],
  ];
  for (const [name, format, time] of received) {
    it(`${name}: recognised as ${format}; the station's messages at their times`, ({ expect }) => {
      const { status, stdout, stderr } = decode('--json', log(name));
      expect(status).toBe(0);
      expect(stderr).toContain(`(--format ${format} says so)`);
      expect(messages(stdout)).toEqual(CAPTURE.filter(({ from }) => from === 'device').map((message) => ({ ...message, time: time(message.time) })));
    });
  }

  it('realterm-matlab.txt: Matlab days have twelve digits, a tenth of a second at best: each time within a second', ({ expect }) => {
    const { status, stdout } = decode('--json', '--format', 'realterm', log('realterm-matlab.txt'));
    expect(status).toBe(0);
    const read = messages(stdout);
    const device = CAPTURE.filter(({ from }) => from === 'device');
    expect(read.map(({ type }) => type)).toEqual(device.map(({ type }) => type));
    read.forEach(({ time }, i) => expect(Math.abs(Date.parse(`${time!}Z`) - Date.parse(device[i]!.time))).toBeLessThan(1000));
  });

  it('tshark -z follow,tcp,hex and raw: each direction from its side, the connection named; --server-port tells the sides', ({ expect }) => {
    for (const name of ['lo.follow-hex.txt', 'lo.follow-raw.txt']) {
      const { status, stdout } = decode('--json', log(name));
      expect(status).toBe(0);
      expect(messages(stdout)).toEqual(CAPTURE.map(({ type, from }) => ({ type, from, time: null })));
      const connections = jsonRows(stdout).filter((row) => row.kind === 'message').map((row) => row.connection);
      expect(new Set(connections)).toEqual(new Set(['127.0.0.1:41308 → 127.0.0.1:9000', '127.0.0.1:9000 → 127.0.0.1:41308']));
      expect(jsonRows(stdout).find((row) => row.kind === 'connection')?.roles).toBe('frames');
    }
    expect(jsonRows(decode('--json', '--server-port', '9000', log('lo.follow-hex.txt')).stdout).find((row) => row.kind === 'connection')?.roles).toBe('log');
  });

  it('tshark follow of two connections: two conversations, eight messages each', ({ expect }) => {
    const { status, stdout } = decode('--json', log('two.follow-hex.txt'));
    expect(status).toBe(0);
    expect(jsonRows(stdout).filter((row) => row.kind === 'connection')).toHaveLength(2);
    expect(messages(stdout)).toHaveLength(16);
  });
});

describe('decode --flows on a log', () => {
  it('follows the flows of an SSCOM log with the times it writes, in the text view', ({ expect }) => {
    const { status, stdout } = decode('--flows', log('sscom-hex.txt'));
    expect(status).toBe(0);
    const [first, last] = [CAPTURE[0]!.time, CAPTURE.at(-1)!.time].map(as.sscom);
    expect(stdout.split('\n').slice(0, 4)).toEqual([
      'station 860123456789014',
      `  ${first} to ${last}`,
      expect.stringMatching(new RegExp(`^    ${first}  heartbeat  ✓ +CH$`)),
      expect.stringMatching(/ status +✓ answered +CQ → AQ \+/),
    ]);
    expect(stdout).toMatch(/ lend +✓ lent +CC → MC\.BO \+.* → AM\.BO \+/);
  });

  it('groups a JSON Lines log by station, each step with its time', ({ expect }) => {
    const { status, stdout } = decode('--flows', '--json', log('app.jsonl'));
    expect(status).toBe(0);
    const rows = stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { kind: string; flow?: string; steps?: Array<{ move: string; time: string }> });
    const lend = rows.find((row) => row.kind === 'flow' && row.flow === 'lend')!;
    expect(lend.steps!.map(({ move, time }) => `${move} ${time}`)).toEqual(
      CAPTURE.filter(({ type }) => ['LendRequest', 'LendSuccess', 'LendSuccessAck'].includes(type)).map(({ type, time }) => `${{ LendRequest: 'CC', LendSuccess: 'MC.BO', LendSuccessAck: 'AM.BO' }[type]} ${time}`),
    );
  });
});

describe('decode on od and base64 output of session.bin', () => {
  const raw = decode(fixture('session.bin'));

  it.for(['session.od-x.txt', 'session.od-xz.txt', 'session.od-d.txt', 'session.od-oz.txt', 'session.od-n.txt', 'session.od-c.txt', 'session.od-nc.txt', 'session.od-w8.txt', 'session.base64.txt', 'session.base64-w0.txt'])(
    '%s: the same output as the raw bytes, and says what it read',
    (name, { expect }) => {
      const { status, stdout, stderr } = decode(log(name));
      expect({ status, stdout }).toEqual({ status: raw.status, stdout: raw.stdout });
      expect(stderr).toMatch(/^reading the input as (od output \(--format od|base64 \(--format base64|a hex dump \(--hex)/);
    },
  );

  it('od -Ax -tx1 is never read as plain hex: --hex refuses it, naming --format od', ({ expect }) => {
    const { status, stderr } = decode('--hex', log('session.od-x.txt'));
    expect(status).toBe(2);
    expect(stderr).toBe('powerbank-codec: hex input, line 1: this is od output: its first column is an address, not data; use --format od\n');
  });

  it('fills in the lines od left out as "*", in any radix', ({ expect }) => {
    for (const name of ['heartbeats.od-star.txt', 'heartbeats.od-c-star.txt']) {
      const { status, stdout } = decode('--json', log(name));
      expect(status).toBe(0);
      expect(messages(stdout).map(({ type }) => type)).toEqual(Array.from({ length: 5 }, () => 'Heartbeat'));
    }
  });
});

describe('what decode refuses', () => {
  it('an input two formats would read differently, naming both flags (exit 2)', ({ expect }) => {
    const input = '12:34:56 7B 22 38 36 30 31 32 33 34 35 36 37 38 39 30 31 34 2C 43 48 2C 2C 33 46 43 45 22 7D 0D 0A\n';
    const result = spawnSync(process.execPath, [CLI, 'decode'], { input, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('powerbank-codec: the input could be read as a hex dump (--format hex) or a log with a time on each line (--format log); say which with --format\n');
    const read = spawnSync(process.execPath, [CLI, 'decode', '--format', 'log', '--json'], { input, encoding: 'utf8' });
    expect(messages(read.stdout)).toEqual([{ type: 'Heartbeat', from: 'device', time: '12:34:56' }]);
  });

  it('--server-port where no side has a port, and --field without JSON', ({ expect }) => {
    expect(decode('--server-port', '9000', log('sscom-hex.txt'))).toMatchObject({ status: 2, stderr: 'powerbank-codec: --server-port applies to pcap and pcapng captures and to tshark follow output only; this input is none of them\n' });
    expect(decode('--format', 'sscom', '--field', 'raw', log('sscom-hex.txt'))).toMatchObject({ status: 2, stderr: 'powerbank-codec: --field names the field of a JSON Lines log (--format jsonl)\n' });
  });
});
