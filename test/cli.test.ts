/**
 * The command-line tool, run the way a user runs it: the built dist/cli.js (built by
 * test/support/buildCli.ts before the tests) as a child process, on the captures in
 * test/fixtures/ (see test/fixtures/generate.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { crcCatalogue, decode, detectDialects, encode, encodeToString, type Dialect, type DialectDetection, type MessageInit } from 'powerbank-codec';
import { GOLDEN } from './support/vectors.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Child processes get a few seconds on a busy machine; this is a hang guard, not a timing assertion. */
const SLOW = 30_000;

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly bytes: Buffer;
}

/** The environment of a plain pipe: no colour settings inherited from whoever runs the tests. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ['NO_COLOR', 'FORCE_COLOR']) if (!(name in extra)) delete env[name];
  return env;
}

/** What each child started by `start` has written to stdout, as text. */
const written = new WeakMap<ChildProcessWithoutNullStreams, string[]>();

function start(args: readonly string[], env?: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [CLI, ...args], { env: environment(env) });
  const chunks: string[] = [];
  written.set(child, chunks);
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString('latin1')));
  return child;
}

function finished(child: ChildProcessWithoutNullStreams): Promise<Outcome> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const bytes = Buffer.concat(out);
      resolve({ status, stdout: bytes.toString('latin1'), stderr: Buffer.concat(err).toString('utf8'), bytes });
    });
  });
}

/** Runs the tool to the end with `input` on stdin (nothing: an empty stdin). */
function run(args: readonly string[], input: string | Uint8Array = '', env?: Record<string, string>): Promise<Outcome> {
  const child = start(args, env);
  const outcome = finished(child);
  child.stdin.end(input);
  return outcome;
}

/** Resolves once everything the child wrote to stdout so far satisfies `done`. */
function stdoutUntil(child: ChildProcessWithoutNullStreams, done: (text: string) => boolean): Promise<string> {
  const seen = (written.get(child) ?? []).join('');
  if (done(seen)) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const listen = () => {
      const text = (written.get(child) ?? []).join('');
      if (done(text)) {
        child.stdout.off('data', listen);
        resolve(text);
      }
    };
    child.stdout.on('data', listen);
    child.on('close', () => reject(new Error(`the tool ended first; its output:\n${(written.get(child) ?? []).join('')}`)));
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const jsonLines = (text: string) => lines(text).map((line) => JSON.parse(line) as Record<string, unknown>);

describe.concurrent('powerbank-codec --help and --version', { timeout: SLOW }, () => {
  it.for(['decode', 'encode', 'detect', 'crc', 'stations'])('prints the help of %s, with examples', async (command, { expect }) => {
    const { status, stdout, stderr } = await run([command, '--help']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^Usage: powerbank-codec ${command} `));
    expect(stdout).toContain('Examples:');
  });

  it('prints the same help for -h and for help COMMAND', async ({ expect }) => {
    const help = await run(['detect', '--help']);
    expect(await run(['detect', '-h'])).toEqual(help);
    expect(await run(['help', 'detect'])).toEqual(help);
  });

  it('prints the overview and the version', async ({ expect }) => {
    const overview = await run(['--help']);
    expect(overview.status).toBe(0);
    for (const command of ['decode', 'encode', 'detect', 'crc', 'stations']) expect(overview.stdout).toContain(`  ${command} `);
    expect(await run(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` });
  });
});

describe.concurrent('powerbank-codec decode', { timeout: SLOW }, () => {
  const SESSION_SUMMARY = 'summary: 17 frames, 15 decoded, 2 errors (CRC 1, TRUNCATED 1), 11 noise bytes';

  it('prints a table of a raw capture: offset, sender, type, CRC, fields; errors and noise; a summary; exit 1 on errors', async ({ expect }) => {
    const { status, stdout, stderr } = await run(['decode', fixture('session.bin')]);
    expect({ status, stderr }).toEqual({ status: 1, stderr: '' });
    const rows = lines(stdout);
    expect(rows).toHaveLength(1 + 18 + 1); // header, 17 frames and a run of noise, summary
    expect(rows[0]).toMatch(/^ +offset +from +type +crc +fields$/);
    expect(rows[1]).toMatch(/^ +0 +- +noise +- +11 bytes: "AT\+CIPSTART"$/);
    expect(rows[2]).toMatch(/^ +13 +device +Heartbeat +3FCE ok +imei=860123456789014$/);
    expect(rows[4]).toMatch(/ +73 +device +StatusAnswer +74B8 ok +imei=860123456789014 status=1\.FU\.1234567890;2\.NF\.123456789012;3\.ER$/);
    expect(rows[5]).toMatch(/ +142 +server +LendRequest +7BA7 ok +imei=860123456789014 slot=2 id=1234567890$/);
    expect(rows[8]).toMatch(/ +OwnershipAnswer +3C7F ok +imei=860123456789014 belongs=false slot=2 id=1234567890$/);
    expect(rows[17]).toMatch(/^ +677 +- +CRC error +88DE bad +CRC 88DE at byte 37 does not match 88DD/);
    expect(rows[18]).toMatch(/^ +722 +- +truncated +- +21 bytes: "\{\\"860123456789014,CH,"$/);
    expect(rows[19]).toBe(SESSION_SUMMARY);
  });

  it('reads stdin when the file is - or left out', async ({ expect }) => {
    const capture = readFileSync(fixture('session.bin'));
    const fromFile = await run(['decode', fixture('session.bin')]);
    expect(await run(['decode', '-'], capture)).toEqual(fromFile);
    expect(await run(['decode'], capture)).toEqual(fromFile);
  });

  it.for(['session.xxd.txt', 'session.hexdump.txt', 'session.wireshark.txt', 'session.follow.txt', 'session.analyser.txt'])(
    'reads the hex dump %s with --hex as it reads the raw capture',
    async (name, { expect }) => {
      const raw = await run(['decode', fixture('session.bin')]);
      expect(await run(['decode', '--hex', fixture(name)])).toEqual(raw);
      expect(await run(['decode', '--hex'], readFileSync(fixture(name)))).toEqual(raw);
    },
  );

  it('takes plain hex with 0x and \\x prefixes and separators', async ({ expect }) => {
    const hex = '0x7B 0x22 38 36 30 31 32 33 34 35 36 37 38 39 30 31 34 2c 43 48\n2c2c33464345 \\x22\\x7d,0d:0a\n';
    const { status, stdout } = await run(['decode', '--hex', '--json'], hex);
    expect(status).toBe(0);
    expect(jsonLines(stdout)[0]).toMatchObject({ kind: 'message', type: 'Heartbeat', crc: '3FCE', crcOk: true });
  });

  it('writes JSON Lines with --json: every item, then the summary', async ({ expect }) => {
    const { status, stdout } = await run(['decode', '--json', fixture('session.bin')]);
    expect(status).toBe(1);
    const items = jsonLines(stdout);
    expect(items.map((item) => item['kind'])).toEqual(['noise', ...GOLDEN.map(() => 'message'), 'error', 'truncated', 'summary']);
    expect(items.slice(1, 16).map((item) => item['message'])).toEqual(GOLDEN.map(([, message]) => message));
    expect(items[1]).toEqual({
      kind: 'message',
      offset: 13,
      length: 28,
      from: 'device',
      type: 'Heartbeat',
      crc: '3FCE',
      crcOk: true,
      message: { type: 'Heartbeat', imei: '860123456789014' },
      deviations: [],
      frame: '{"860123456789014,CH,,3FCE"}',
    });
    expect(items[16]).toMatchObject({ kind: 'error', offset: 677, code: 'CRC', crc: '88DE', crcOk: false, error: { code: 'CRC', expected: 0x88dd, received: 0x88de } });
    expect(items[17]).toEqual({ kind: 'truncated', offset: 722, length: 21, preview: '{"860123456789014,CH,' });
    expect(items[18]).toEqual({ kind: 'summary', frames: 17, decoded: 15, errors: { CRC: 1, TRUNCATED: 1 }, deviations: {}, noiseBytes: 11 });
  });

  it('exits 0 when every frame decodes, and reports lenient deviations in the summary', async ({ expect }) => {
    const { status, stdout } = await run(['decode'], '{860123456789014,CH,,3FCE}\n{"860123456789014,CQ,,AFC5"}\r\n');
    expect(status).toBe(0);
    const rows = lines(stdout);
    expect(rows[1]).toMatch(/Heartbeat .*\(deviations: QUOTES\)$/);
    expect(rows[2]).toMatch(/lineEnding +- +"\\n" after the frame; the dialect's is "\\r\\n"$/);
    expect(rows.at(-1)).toBe('summary: 2 frames, 2 decoded, 0 errors, deviations (QUOTES 1, LINE_ENDING 1), 0 noise bytes');
  });

  it('refuses deviations with --strict, line endings included, and exits 1', async ({ expect }) => {
    const { status, stdout } = await run(['decode', '--strict', '--json'], '{860123456789014,CH,,3FCE}\n');
    expect(status).toBe(1);
    expect(jsonLines(stdout)).toMatchObject([
      { kind: 'error', code: 'FRAME', crcOk: null, error: { deviation: 'QUOTES' } },
      { kind: 'lineEnding', seen: '\n', expected: '\r\n' },
      { kind: 'summary', errors: { FRAME: 1, LINE_ENDING: 1 } },
    ]);
  });

  // One frame's bytes, given to decode() in strict mode and to `decode --strict` as the
  // whole input: the same verdict. Bytes the stream skips (noise, blank lines) are errors
  // in --strict mode, as decode() refuses them around a frame.
  const heartbeat = '{"860123456789014,CH,,3FCE"}';
  it.for([
    heartbeat,
    `${heartbeat}\r\n`,
    `${heartbeat}\0`,
    `${heartbeat}\r\n\0`,
    `${heartbeat} `,
    `${heartbeat}\r\n\r\n`,
    `${heartbeat}\n\r`,
    `\r\n${heartbeat}\r\n`,
    `\0${heartbeat}`,
    `AT${heartbeat}\r\n`,
    `${heartbeat}\r`,
    `${heartbeat}\n`,
    `${heartbeat}}`,
    '{860123456789014,CH,,3FCE}\r\n',
    '{"860123456789014,CH,,3fce"}\r\n',
    '{"860123456789014,CH,,3FC"}\r\n',
    '{"860123456789014,CH,,3FCF"}\r\n',
    '{"860123456789014,CH,\0,3FCE"}\r\n',
    '{"860123456789014,C"H,,3FCE"}\r\n',
    '{"860123456789014,CH,,3FCE"\r\n',
  ])('agrees with decode(bytes, { mode: "strict" }) on %j as its whole input', async (input, { expect }) => {
    const library = decode(input, { mode: 'strict' });
    const { status, stdout } = await run(['decode', '--strict', '--json'], input);
    const summary = jsonLines(stdout).at(-1) as { errors: Record<string, number> };
    expect({ status, errors: Object.keys(summary.errors).length > 0 }).toEqual({ status: library.ok ? 0 : 1, errors: !library.ok });
  });

  it('reports, with --strict, the CR and LF bytes that are no frame\'s line ending, and skips them silently without', async ({ expect }) => {
    const input = `\r\n${heartbeat}\r\n\n\r\n${heartbeat}\n\r`;
    const strict = await run(['decode', '--strict', '--json'], input);
    expect(strict.status).toBe(1);
    expect(jsonLines(strict.stdout)).toMatchObject([
      { kind: 'strayLineEnding', offset: 0, length: 2 },
      { kind: 'message', offset: 2 },
      { kind: 'strayLineEnding', offset: 32, length: 3 },
      { kind: 'message', offset: 35 },
      { kind: 'lineEnding', offset: 63, seen: '\n' },
      { kind: 'strayLineEnding', offset: 64, length: 1 },
      { kind: 'summary', errors: { NOISE: 3, LINE_ENDING: 1 } },
    ]);
    const table = await run(['decode', '--strict'], input);
    expect(lines(table.stdout)[1]).toMatch(/^ +0 +- +strayLineEnding +- +2 CR or LF bytes outside any frame's line ending$/);
    expect(lines(table.stdout).at(-1)).toBe('summary: 2 frames, 2 decoded, 4 errors (NOISE 3, LINE_ENDING 1), 0 noise bytes');
    const lenient = await run(['decode', '--json'], input);
    expect(lenient.status).toBe(0);
    expect(jsonLines(lenient.stdout).map((row) => row['kind'])).toEqual(['message', 'message', 'lineEnding', 'summary']);
  });

  it('counts noise as an error with --strict only', async ({ expect }) => {
    const input = `AT\r\n${heartbeat}\r\n`;
    expect(lines((await run(['decode'], input)).stdout).at(-1)).toBe('summary: 1 frame, 1 decoded, 0 errors, 2 noise bytes');
    const strict = await run(['decode', '--strict'], input);
    expect(strict.status).toBe(1);
    // "AT", then the CR LF after it, which ends no frame.
    expect(lines(strict.stdout).at(-1)).toBe('summary: 1 frame, 1 decoded, 2 errors (NOISE 2), 2 noise bytes');
  });

  it('refuses messages from the wrong side with --from', async ({ expect }) => {
    const { status, stdout } = await run(['decode', '--from', 'device'], GOLDEN.map(([frame]) => frame).join(''));
    expect(status).toBe(1);
    expect(lines(stdout).at(-1)).toBe('summary: 15 frames, 7 decoded, 8 errors (DIRECTION 8), 0 noise bytes');
    expect(stdout).toMatch(/server +DIRECTION error +7BA7 ok +LendRequest \(CC at byte 18\) is sent by the server/);
  });

  it('decodes a dialect given by flags', async ({ expect }) => {
    const dialect = { crc: 'CRC-16/XMODEM', crcCoverage: 'frame', quotes: false, lineEnding: '\n', slotCount: 12 } as const;
    const frame = encodeToString({ type: 'LendSuccess', imei: '860123456789014', slot: 12, powerBankId: 'A1' }, { dialect });
    const flags = ['--crc', 'xmodem', '--coverage', 'frame', '--no-quotes', '--line-ending', 'lf', '--slots', '12'];
    const { status, stdout } = await run(['decode', ...flags], frame);
    expect(status).toBe(0);
    expect(stdout).toMatch(/LendSuccess +[0-9A-F]{4} ok +imei=860123456789014 slot=12 id=A1\n/);
    const none = await run(['decode', '--crc', 'none'], '{"860123456789014,CH,"}\r\n{"860123456789014,XX,"}\r\n');
    expect(none.stdout).toMatch(/Heartbeat +none +imei=/);
    expect(none.stdout).toMatch(/COMMAND error +none +unknown command word "XX"/);
  });

  it('decodes custom CRC parameters, as reveng prints them or one flag each, and a CRC written low byte first', async ({ expect }) => {
    const custom = { width: 16, poly: 0x1021, init: 0x1234, refin: false, refout: false, xorout: 0x0f0f } as const;
    const dialect = { crc: custom, crcByteOrder: 'lowFirst' } as const;
    const frames = GOLDEN.map(([, message]) => encodeToString(message, { dialect })).join('');
    const summary = { kind: 'summary', frames: 15, decoded: 15, errors: {}, deviations: {}, noiseBytes: 0 };
    for (const flags of [
      ['--crc', 'width=16,poly=0x1021,init=0x1234,refin=false,refout=false,xorout=0x0f0f', '--crc-byte-order', 'lowFirst'],
      ['--crc', 'width=16  poly=0x1021  init=0x1234  refin=false  refout=false  xorout=0x0f0f  check=0xe2e4  residue=0x0000  name="CUSTOM"', '--crc-byte-order', 'low-first'],
      ['--crc-poly', '0x1021', '--crc-init', '0x1234', '--crc-xorout', '0x0F0F', '--crc-byte-order', 'LOWFIRST'],
    ]) {
      const { status, stdout } = await run(['decode', '--json', ...flags], frames);
      expect(status).toBe(0);
      expect(jsonLines(stdout).at(-1)).toEqual(summary);
    }
    // Without the byte order, each CRC error says what the field is.
    const { stdout } = await run(['decode', '--crc-poly', '0x1021', '--crc-init', '0x1234', '--crc-xorout', '0x0f0f'], frames);
    expect(stdout).toContain("it is that CRC written low byte first: the dialect option crcByteOrder: 'lowFirst' reads it");
  });

  it('prints each frame as soon as it arrives, before stdin ends', async ({ expect }) => {
    const child = start(['decode']);
    const outcome = finished(child);
    child.stdin.write('AT\r\n{"860123456789014,CH,,3FCE"}\r\n');
    await stdoutUntil(child, (text) => text.includes('Heartbeat'));
    // A frame in three pieces: nothing can be printed before its last piece.
    child.stdin.write('{"860123456789014,MC,BO.2.');
    child.stdin.write('1234567890,88');
    child.stdin.write('DD"}\r\n');
    await stdoutUntil(child, (text) => text.includes('LendSuccess'));
    expect(child.exitCode).toBeNull(); // still running: stdin is open
    child.stdin.end();
    const { status, stdout } = await outcome;
    expect(status).toBe(0);
    expect(lines(stdout).at(-1)).toBe('summary: 2 frames, 2 decoded, 0 errors, 2 noise bytes');
  });

  it('prints the summary of what it read when interrupted (Ctrl-C on an endless pipe)', async ({ expect }) => {
    const child = start(['decode', '--json']);
    const outcome = finished(child);
    child.stdin.write('{"860123456789014,CH,,3FCE"}\r\n{"8601');
    await stdoutUntil(child, (text) => text.includes('Heartbeat'));
    child.kill('SIGINT');
    const { status, stdout } = await outcome;
    expect(status).toBe(1);
    expect(jsonLines(stdout).map((item) => item['kind'])).toEqual(['message', 'truncated', 'summary']);
  });
});

describe.concurrent('powerbank-codec decode --flows on a byte stream', { timeout: SLOW }, () => {
  const imei = '860123456789014';

  it('follows each station of the stream, places steps by byte offset, and reports every violation', async ({ expect }) => {
    const { status, bytes } = await run(['decode', '--flows', fixture('session.bin')]);
    const stdout = bytes.toString('utf8');
    expect(status).toBe(1);
    const text = lines(stdout);
    // The modem's noise before the first frame is the station's.
    expect(text.slice(0, 3)).toEqual([
      `station ${imei}`,
      '  bytes 0 to 722',
      '    @0    -          ✗ discarded        11 bytes at byte 0: discarded, noise — expected: complete frames, nothing between them but line endings; received: "AT+CIPSTART"',
    ]);
    expect(stdout).toContain('    @142  lend       ✓ lent             CC → MC.BO @317 → AM.BO @362              slot 2, power bank 1234567890\n');
    expect(stdout).toMatch(/^ {4}@677 {2}- {10}✗ decode error {5}frame at byte 677 .*: CRC error — /m);
    expect(text.at(-1)).toBe('summary: 1 station, 1 conversation; 3 flows (answered 1, lent 1, returned 1); 8 violations (discarded 2, unexpected 5, decode error 1); 1 heartbeat');
    const json = jsonLines((await run(['decode', '--flows', '--json', fixture('session.bin')])).stdout);
    expect(json.find((row) => row['result'] === 'lent')).toMatchObject({ station: imei, connectionId: null, steps: [{ move: 'CC', offset: 142, time: null }, { move: 'MC.BO', offset: 317 }, { move: 'AM.BO', offset: 362 }] });
  });

  it('keeps the stations of one stream apart, and a run of heartbeats on one line', async ({ expect }) => {
    const other = '860123456789022';
    const stream = [
      encodeToString({ type: 'Heartbeat', imei }),
      encodeToString({ type: 'Heartbeat', imei }),
      encodeToString({ type: 'StatusQuery', imei: other }),
      encodeToString({ type: 'Heartbeat', imei }),
      encodeToString({ type: 'StatusAnswer', imei: other, slots: [] }),
      encodeToString({ type: 'LendRequest', imei, slot: 1, powerBankId: 'A1' }),
    ].join('');
    const { status, bytes } = await run(['decode', '--flows'], stream);
    expect(status).toBe(0);
    expect(lines(bytes.toString('utf8'))).toEqual([
      `station ${imei}`,
      '  bytes 0 to 150',
      '    @0    heartbeat  ✓                  CH ×3',
      '    @150  lend       … unfinished       CC  slot 1, power bank A1',
      '          … still waiting at the end: the station answers CC (slot 1, power bank A1) with MC.BO (lent) or MR.BF (lend failed)',
      'station 860123456789022',
      '  bytes 60 to 120',
      '    @60   status     ✓ answered         CQ → AQ @120  no power banks',
      'summary: 2 stations, 2 conversations; 2 flows (unfinished 1, answered 1); 0 violations; 3 heartbeats',
    ]);
  });

  it('follows a frame strict mode refuses for a deviation, and reports the deviation', async ({ expect }) => {
    const stream = `{${imei},CQ,,AFC5}\r\n${encodeToString({ type: 'StatusAnswer', imei, slots: [] })}`;
    const { status, stdout } = await run(['decode', '--flows', '--strict', '--json'], stream);
    expect(status).toBe(1);
    const rows = jsonLines(stdout);
    expect(rows.find((row) => row['kind'] === 'flow')).toMatchObject({ station: imei, result: 'statusAnswered', steps: [{ move: 'CQ', offset: 0 }, { move: 'AQ', offset: 28 }] });
    expect(rows.find((row) => row['kind'] === 'violation')).toMatchObject({ violation: 'deviation', code: 'QUOTES', offset: 1 });
  });
});

describe.concurrent('powerbank-codec detect', { timeout: SLOW }, () => {
  const STATIONS: ReadonlyArray<readonly [name: string, hex: boolean, dialect: Dialect]> = [
    ['station-a.bin', false, { quotes: false, lineEnding: '\n', crc: 'CRC-16/XMODEM', crcCoverage: 'frame', crcByteOrder: 'highFirst', slotCount: 12 }],
    ['station-b.xxd.txt', true, { quotes: true, lineEnding: '', crc: 'CRC-16/KERMIT', crcCoverage: 'fieldsWithComma', crcByteOrder: 'highFirst', slotCount: 6 }],
    ['station-c.bin', false, { quotes: true, lineEnding: '\r\n', crc: 'none', crcCoverage: 'fields', crcByteOrder: 'highFirst', slotCount: 3 }],
  ];

  it.for(STATIONS)(
    'names the dialect of %s, and decode with the flags it suggests decodes every frame',
    async ([name, hex, dialect], { expect }) => {
      const hexFlag = hex ? ['--hex'] : [];
      const { status, stdout, stderr } = await run(['detect', ...hexFlag, fixture(name)]);
      expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
      expect(stdout).toContain('15 frames');
      expect(stdout).toContain(`One dialect verifies the CRC of all 15 frames, from both sides: ${dialect.crc === 'none' ? 'no CRC field' : `${dialect.crc} over ${dialect.crcCoverage}`}.`);
      // The last line is the command to run: run it.
      const suggested = lines(stdout).at(-1)!.trim().split(' ');
      expect(suggested.slice(0, 2)).toEqual(['powerbank-codec', 'decode']);
      expect(suggested.at(-1)).toBe(fixture(name));
      const decoded = await run([...suggested.slice(1, -1), '--json', fixture(name)]);
      expect(decoded.status).toBe(0);
      expect(jsonLines(decoded.stdout).at(-1)).toEqual({ kind: 'summary', frames: 15, decoded: 15, errors: {}, deviations: {}, noiseBytes: 0 });

      const json = await run(['detect', '--json', ...hexFlag, fixture(name)]);
      const detection = JSON.parse(json.stdout) as DialectDetection & { decodeFlags: string[] };
      expect(detection.matches.map((match) => match.dialect)).toEqual([dialect]);

      // encode with the same flags writes frames the station's dialect accepts, strictly.
      const encoded = await run(['encode', 'LendRequest', '--imei', '860123456789014', '--slot', String(dialect.slotCount), '--id', 'A1', '--raw', ...detection.decodeFlags]);
      expect(encoded.status).toBe(0);
      expect(decode(encoded.bytes, { dialect, mode: 'strict' })).toMatchObject({ ok: true, message: { type: 'LendRequest', slot: dialect.slotCount } });
    },
  );

  it('says how many frames the best candidates explain, and which frames fail, when no dialect explains all', async ({ expect }) => {
    const { status, stdout } = await run(['detect', fixture('damaged.bin')]);
    expect(status).toBe(1);
    expect(stdout).toContain('No dialect verifies the CRC of all 15 frames, from both sides.');
    expect(stdout).toContain('  CRC-16/ARC over fields: 14 of 15');
    expect(stdout).toMatch(/ {2}#8 at 290: \{"490154203237518,MR,BF\.2\.PB1OO2,61C6"\}\\r\\n: CRC 61C6 at byte 33 does not match/);
    expect(lines(stdout).at(-1)).toBe(`  powerbank-codec decode --crc CRC-16/ARC --coverage fields --quotes --line-ending crlf --slots 3 ${fixture('damaged.bin')}`);
  });

  it('suspects a mix of dialects when many frames are left out', async ({ expect }) => {
    const xmodem = GOLDEN.slice(0, 6).map(([, message]) => encodeToString(message, { dialect: { crc: 'CRC-16/XMODEM' } }));
    const modbus = GOLDEN.slice(6).map(([frame]) => frame);
    const { status, stdout } = await run(['detect'], [...xmodem, ...modbus].join(''));
    expect(status).toBe(1);
    expect(stdout).toContain('  CRC-16/MODBUS over fields: 9 of 15\n  CRC-16/XMODEM over fields: 6 of 15\n');
    expect(stdout).toContain('the capture may mix dialects');
  });

  it('lists every dialect the frames cannot tell apart, the most likely first, and warns about few frames', async ({ expect }) => {
    const { status, stdout } = await run(['detect'], '{"860123456789014,MC,BO.2.421,279F"}\r\n');
    expect(status).toBe(0);
    expect(stdout).toContain('2 dialects verify the CRC of the only frame; these frames cannot tell them apart:\n  CRC-16/MODBUS over fields\n  CRC-16/GENIBUS over fields\n');
    expect(stdout).toContain('Only 1 distinct frame');
    expect(lines(stdout).at(-1)).toBe('  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --quotes --line-ending crlf --slots 3');
  });

  it('reads line endings written as text after frames, as logs and documents show them', async ({ expect }) => {
    const text = GOLDEN.map(([frame]) => frame.replace('\r\n', '\\r\\n\n')).join('');
    const { status, stdout } = await run(['detect'], text);
    expect(status).toBe(0);
    expect(stdout).toContain('line ending: crlf  (15 CRLF, 0 LF, 0 none; 15 of them written as text, \\r\\n or \\n)');
    expect(lines(stdout).at(-1)).toBe('  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --quotes --line-ending crlf --slots 3');
  });

  const capture = (name: string) => fixture(`captures/${name}`);

  it('reads a pcap capture by its TCP connections, frames split over segments included', async ({ expect }) => {
    const { status, stdout } = await run(['detect', capture('lo.pcap')]);
    expect(status).toBe(0);
    expect(lines(stdout).slice(0, 3)).toEqual([
      '8 frames (8 distinct) in 83 packets, 1 TCP connection',
      '  senders:     4 from the station, 4 from the server',
      '  slots:       3  (the highest slot named is 3, in frame #3; the station may have more)',
    ]);
    expect(stdout).toContain('One dialect verifies the CRC of all 8 frames, from both sides: CRC-16/MODBUS over fields.');
  });

  it('names the dialect of each side when the station and the server differ, and the slot count from both (a pcap)', async ({ expect }) => {
    const { status, stdout } = await run(['detect', capture('dialects.pcap')]);
    expect(status).toBe(0);
    expect(stdout).toContain('  slots:       12  (the highest slot named is 12, in frame #3; the station may have more)');
    expect(stdout).toContain('The station and the server do not write one dialect: each side on its own.');
    expect(stdout).toContain('One dialect verifies the CRC of all 5 station frames: CRC-16/XMODEM over frame.');
    expect(stdout).toContain('One dialect verifies the CRC of all 6 server frames: CRC-16/MODBUS over fields.');
    const suggested = lines(stdout).filter((line) => line.startsWith('  powerbank-codec decode '));
    expect(suggested).toEqual([
      `  powerbank-codec decode --crc CRC-16/XMODEM --coverage frame --no-quotes --line-ending lf --slots 12 ${capture('dialects.pcap')}`,
      `  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --quotes --line-ending crlf --slots 12 ${capture('dialects.pcap')}`,
    ]);
    // Each side's flags decode that side's frames.
    for (const [index, from] of (['device', 'server'] as const).entries()) {
      const decoded = await run([...suggested[index]!.trim().split(' ').slice(1, -1), '--json', capture('dialects.pcap')]);
      const messages = jsonLines(decoded.stdout).filter((row) => row['kind'] === 'message');
      expect(messages.length).toBe(from === 'device' ? 5 : 6);
      expect(messages.every((row) => row['from'] === from)).toBe(true);
    }
    const json = JSON.parse((await run(['detect', '--json', capture('dialects.pcap')])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      frameSenders: ['device', 'server', 'device', 'server', 'device', 'server', 'device', 'server', 'device', 'server', 'server'],
      slots: { count: 12, highest: 12, evidence: [2] },
      split: true,
      sides: {
        device: { frames: [0, 2, 4, 6, 8], matches: [{ dialect: { crc: 'CRC-16/XMODEM', slotCount: 12 } }], decodeFlags: ['--crc', 'CRC-16/XMODEM', '--coverage', 'frame', '--no-quotes', '--line-ending', 'lf', '--slots', '12'] },
        server: { frames: [1, 3, 5, 7, 9, 10], matches: [{ dialect: { crc: 'CRC-16/MODBUS', slotCount: 12 } }] },
        sameDialect: false,
      },
    });
  });

  it('tells the sides of a byte stream by their command words: the slot count a two-dialect capture read as one got wrong', async ({ expect }) => {
    const station = { crc: 'CRC-16/XMODEM', crcCoverage: 'frame', quotes: false, lineEnding: '\n', slotCount: 12 } as const;
    const imei = '861234567890126';
    const messages: ReadonlyArray<readonly [MessageInit, boolean]> = [
      [{ type: 'StatusQuery', imei }, false],
      [{ type: 'StatusAnswer', imei, slots: [{ slot: 1, status: 'full', powerBankId: 'PB1001' }, { slot: 12, status: 'fault' }] }, true],
      [{ type: 'LendRequest', imei, slot: 1, powerBankId: 'PB1001' }, false],
      [{ type: 'LendSuccess', imei, slot: 1, powerBankId: 'PB1001' }, true],
      [{ type: 'LendSuccessAck', imei, slot: 1, powerBankId: 'PB1001' }, false],
      [{ type: 'StatusQuery', imei }, false],
    ];
    const stream = messages.map(([message, fromStation]) => encodeToString(message, { dialect: fromStation ? station : {} })).join('');
    const { status, stdout } = await run(['detect'], stream);
    expect(status).toBe(0);
    // Read as one, the server's dialect explained most frames, and none of them named slot 12: "slots: 3".
    expect(stdout).toContain('  slots:       12  (the highest slot named is 12, in frame #2; the station may have more)');
    expect(stdout).toContain('  powerbank-codec decode --crc CRC-16/XMODEM --coverage frame --no-quotes --line-ending lf --slots 12\n');
    expect(stdout).toContain('  powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --quotes --line-ending crlf --slots 12\n');
  });

  it('finds a CRC written low byte first, and suggests the flag that reads it', async ({ expect }) => {
    const dialect = { crc: 'CRC-16/MODBUS', crcByteOrder: 'lowFirst' } as const;
    const stream = GOLDEN.map(([, message]) => encodeToString(message, { dialect })).join('');
    const { status, stdout } = await run(['detect'], stream);
    expect(status).toBe(0);
    expect(stdout).toContain('One dialect verifies the CRC of all 15 frames, from both sides: CRC-16/MODBUS over fields, written low byte first.');
    const suggested = lines(stdout).at(-1)!.trim();
    expect(suggested).toBe('powerbank-codec decode --crc CRC-16/MODBUS --coverage fields --crc-byte-order lowFirst --quotes --line-ending crlf --slots 3');
    const decoded = await run([...suggested.split(' ').slice(1), '--strict'], stream);
    expect(decoded.status).toBe(0);
  });

  it('tries custom CRC parameters given on the command line, and suggests them to decode', async ({ expect }) => {
    const crc = { width: 16, poly: 0x3d65, init: 0x1234, refin: true, refout: true, xorout: 0 } as const;
    const stream = GOLDEN.map(([, message]) => encodeToString(message, { dialect: { crc, crcCoverage: 'frame' } })).join('');
    const unknown = await run(['detect'], stream);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain('the firmware may use a CRC with custom parameters. Give them to detect to try: --crc width=16,');
    const params = 'width=16,poly=0x3d65,init=0x1234,refin=true,refout=true,xorout=0x0000';
    for (const flags of [['--crc', params], ['--crc-poly', '0x3D65', '--crc-init', '0x1234', '--crc-refin']]) {
      const { status, stdout } = await run(['detect', ...flags], stream);
      expect(status).toBe(0);
      expect(stdout).toContain(`One dialect verifies the CRC of all 15 frames, from both sides: CRC-16 ${params} over frame.`);
      const suggested = lines(stdout).at(-1)!.trim();
      expect(suggested).toBe(`powerbank-codec decode --crc ${params} --coverage frame --quotes --line-ending crlf --slots 3`);
      expect((await run([...suggested.split(' ').slice(1), '--strict'], stream)).status).toBe(0);
    }
  });

  it('agrees with detectDialects on what it reads, and exits 1 on a capture without frames', async ({ expect }) => {
    const capture = readFileSync(fixture('station-a.bin'));
    const { stdout } = await run(['detect', '--json'], capture);
    const frames = new TextDecoder().decode(capture).split(/(?<=\n)/);
    const detection = detectDialects(frames);
    // Every candidate carries the slot count the frames of both sides show: 12.
    const withSlots = (candidate: DialectDetection['candidates'][number]) => ({ ...candidate, dialect: { ...candidate.dialect, slotCount: Math.max(12, candidate.dialect.slotCount) } });
    expect(JSON.parse(stdout)).toMatchObject({
      ...detection,
      matches: detection.matches.map(withSlots),
      candidates: detection.candidates.map(withSlots),
      frameOffsets: expect.any(Array),
      discardedBytes: 0,
      slots: { count: 12, highest: 12 },
    });
    const empty = await run(['detect'], 'AT\r\nOK\r\n');
    expect(empty.status).toBe(1);
    expect(empty.stdout).toContain('No frame ({...}) in the input');
  });
});

describe.concurrent('powerbank-codec encode', { timeout: SLOW }, () => {
  const imei = '860123456789014';

  it('builds a frame from flags and prints it with its line ending shown', async ({ expect }) => {
    expect(await run(['encode', 'LendRequest', '--imei', imei, '--slot', '2', '--id', '1234567890'])).toMatchObject({
      status: 0,
      stdout: '{"860123456789014,CC,BW.2.1234567890,7BA7"}\\r\\n\n',
      stderr: '',
    });
    const status = await run(['encode', 'statusanswer', '--imei', imei, '--status', '1.FU.1234567890', '--status', '2.notFull.123456789012;3.ER']);
    expect(status.stdout).toBe('{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789012;3.ER;,74B8"}\\r\\n\n');
    const answer = await run(['encode', 'OwnershipAnswer', '--imei', imei, '--belongs', 'false', '--slot', '2', '--id', '1234567890']);
    expect(answer.stdout).toBe('{"860123456789014,RQ,F.2.1234567890,3C7F"}\\r\\n\n');
  });

  it('writes the exact bytes with --raw, and hex with --hex, in the dialect of the flags', async ({ expect }) => {
    const message: MessageInit = { type: 'StatusQuery', imei };
    const raw = await run(['encode', 'StatusQuery', '--imei', imei, '--raw']);
    expect(raw.bytes).toEqual(Buffer.from(encode(message)));
    const dialect = { crc: 'CRC-16/IBM-SDLC', crcCoverage: 'frame', quotes: false, lineEnding: '\n' } as const;
    const flags = ['--crc', 'X-25', '--coverage', 'frame', '--no-quotes', '--line-ending', 'lf'];
    const inDialect = await run(['encode', 'StatusQuery', '--imei', imei, '--raw', ...flags]);
    expect(inDialect.bytes).toEqual(Buffer.from(encode(message, { dialect })));
    // Parameters that are a catalogue algorithm's are that algorithm.
    const modbus = await run(['encode', 'StatusQuery', '--imei', imei, '--raw', '--crc-poly', '0x8005', '--crc-init', '0xffff', '--crc-refin']);
    expect(modbus.bytes).toEqual(Buffer.from(encode(message)));
    const lowFirst = await run(['encode', 'StatusQuery', '--imei', imei, '--crc-byte-order', 'lowFirst']);
    expect(lowFirst.stdout).toBe('{"860123456789014,CQ,,C5AF"}\\r\\n\n');
    const hex = await run(['encode', 'StatusQuery', '--imei', imei, '--hex']);
    expect(hex.stdout).toBe(`${Buffer.from(encode(message)).toString('hex').replace(/(..)(?!$)/g, '$1 ')}\n`);
  });

  it('encodes JSON messages from stdin: lines, pretty-printed objects and arrays, as decode --json prints them', async ({ expect }) => {
    const input = [
      JSON.stringify(GOLDEN[0]![1]),
      JSON.stringify(GOLDEN.slice(1, 3).map(([, message]) => message)),
      JSON.stringify(GOLDEN[3]![1], null, 2),
    ].join('\n');
    const { status, stdout } = await run(['encode', '--raw'], input);
    expect(status).toBe(0);
    expect(stdout).toBe(GOLDEN.slice(0, 4).map(([frame]) => frame).join(''));
  });

  it('encodes each JSON message as soon as it is complete', async ({ expect }) => {
    const child = start(['encode']);
    const outcome = finished(child);
    child.stdin.write('{"type":"Heartbeat",');
    child.stdin.write('"imei":"860123456789014"}\n');
    await stdoutUntil(child, (text) => text.includes('3FCE'));
    child.stdin.end();
    expect((await outcome).status).toBe(0);
  });
});

describe.concurrent('powerbank-codec crc', { timeout: SLOW }, () => {
  it('prints the CRC of a text under every catalogue algorithm', async ({ expect }) => {
    const { status, stdout } = await run(['crc', '860123456789014,CH,']);
    expect(status).toBe(0);
    expect(lines(stdout)).toHaveLength(Object.keys(crcCatalogue).length);
    expect(lines(stdout)[0]).toBe('CRC-16/MODBUS       3FCE');
  });

  it('gives the catalogue check values for 123456789, from text or hex', async ({ expect }) => {
    const expected = Object.fromEntries(Object.entries(crcCatalogue).map(([name, { check }]) => [name, check.toString(16).toUpperCase().padStart(4, '0')]));
    expect(JSON.parse((await run(['crc', '--json', '123456789'])).stdout)).toEqual(expected);
    expect(JSON.parse((await run(['crc', '--json', '--hex', '31 32 33 34 35 36 37 38 39'])).stdout)).toEqual(expected);
  });
});

describe.concurrent('colours', { timeout: SLOW }, () => {
  const ESC = '\x1b[';

  it('are off on a pipe, on with FORCE_COLOR, and never with NO_COLOR', async ({ expect }) => {
    const capture = readFileSync(fixture('session.bin'));
    expect((await run(['decode'], capture)).stdout).not.toContain(ESC);
    expect((await run(['decode'], capture, { FORCE_COLOR: '1' })).stdout).toContain(`${ESC}31m`);
    expect((await run(['decode'], capture, { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toContain(ESC);
    expect((await run(['frobnicate'], '', { FORCE_COLOR: '1', NO_COLOR: '1' })).stderr).not.toContain(ESC);
  });
});

describe.concurrent('usage errors', { timeout: SLOW }, () => {
  const USAGE_ERRORS: ReadonlyArray<readonly [args: readonly string[], message: string | RegExp, stdin?: string]> = [
    [[], 'no command given; one of decode, encode, detect, crc, harness, stations (see: powerbank-codec --help)'],
    [['frobnicate'], 'unknown command "frobnicate"; one of decode, encode, detect, crc, harness, stations (see: powerbank-codec --help)'],
    [['help', 'frobnicate'], 'unknown command "frobnicate"; one of decode, encode, detect, crc, harness, stations (see: powerbank-codec --help)'],
    [['decode', '--quotes', '--quotes'], '--quotes is given twice; give it once (see: powerbank-codec decode --help)'],
    [['encode', 'LendRequest', '--imei', imei(), '--imei', imei(), '--slot', '1', '--id', 'A'], '--imei is given twice; give it once (see: powerbank-codec encode --help)'],
    [['encode', 'StatusAnswer', '--imei', imei(), '--status', '1.FU.A', '--status', '1.ER'], 'cannot encode: slot 1 is listed twice'],
    [['encode', 'StatusAnswer', '--imei', imei(), '--status', '4.FU.A'], 'cannot encode: slots[0].slot must be an integer from 1 to 3; got 4 (a station with more slots: --slots N)'],
    [['decode', '--bogus'], "unknown option --bogus (a value that starts with '-' goes after '--') (see: powerbank-codec decode --help)"],
    [['decode', '--crc'], "Option '--crc <value>' argument missing (see: powerbank-codec decode --help)"],
    [['decode', '--json=yes'], /^Option '--json' does not take an argument/],
    [['decode', 'a', 'b'], 'unexpected argument "b" (see: powerbank-codec decode --help)'],
    [['decode', fixture('no-such-file.bin')], `cannot read ${JSON.stringify(fixture('no-such-file.bin'))}: no such file`],
    [['decode', fixture('.')], /^cannot read ".*": it is a directory$/],
    [['decode', '--crc', 'CRC-17'], /^unknown CRC algorithm "CRC-17"; expected none, one of CRC-16\/MODBUS, .*, or parameters such as width=16,poly=0x1021,/],
    [['decode', '--crc', 'width=16,init=0xffff'], '--crc: the parameters need poly, e.g. poly=0x1021; got "width=16,init=0xffff"'],
    [['decode', '--crc', 'poly=0x07,width=8'], '--crc: the parameters need width=16 (a CRC-16); got "poly=0x07,width=8"'],
    [['decode', '--crc', 'width=16,poly=1021'], '--crc poly must be a 16-bit value in hex with 0x, e.g. 0x1021; got "1021"'],
    [['decode', '--crc', 'width=16,poly=0x10210'], '--crc poly must be a 16-bit value in hex with 0x, e.g. 0x1021; got "0x10210"'],
    [['decode', '--crc', 'width=16,poly=0x1021,refin=yes'], '--crc refin must be true or false; got "yes"'],
    [['decode', '--crc', 'width=16,poly=0x1021,size=2'], '--crc: unknown parameter "size=2"; expected width, poly, init, refin, refout, xorout (and check, residue, name, as reveng prints them)'],
    [['decode', '--crc', 'width=16,poly=0x1021,check=0x1234'], '--crc: these parameters give the check value 0x31c3, not 0x1234: a parameter is wrong'],
    [['decode', '--crc-init', '0xffff'], '--crc-init needs --crc-poly as well (the polynomial, e.g. --crc-poly 0x1021)'],
    [['decode', '--crc', 'modbus', '--crc-poly', '0x8005'], '--crc and --crc-poly both name the CRC; give one of them'],
    [['decode', '--crc-byte-order', 'little'], '--crc-byte-order must be highFirst or lowFirst; got "little"'],
    [['decode', '--coverage', 'all'], '--coverage must be fields, fieldsWithComma or frame; got "all"'],
    [['decode', '--line-ending', 'cr'], '--line-ending must be crlf, lf or none; got "cr"'],
    [['decode', '--slots', '1000'], '--slots must be a whole number from 1 to 999; got "1000"'],
    [['decode', '--slots', 'x'], '--slots must be a whole number from 1 to 999; got "x"'],
    [['decode', '--quotes', '--no-quotes'], '--quotes and --no-quotes contradict each other'],
    [['decode', '--from', 'cloud'], '--from must be device or server; got "cloud"'],
    [['decode', '--answer-timeout', '10'], '--answer-timeout applies to --flows only'],
    [['decode', '--flows', '--answer-timeout', '0'], '--answer-timeout must be a number of seconds above 0, such as 30 or 2.5; got "0"'],
    [['decode', '--flows', '--heartbeat-gap', 'soon'], '--heartbeat-gap must be a number of seconds above 0, such as 30 or 2.5; got "soon"'],
    [['decode', '--hex'], 'hex input, line 2: "zz" is not hex', '7b\nzz\n'],
    [['decode', '--hex'], 'hex input, line 1: "7b2" has an odd number of hex digits', '7b2'],
    [['decode', '--hex'], /^hex input, line 2: "\*" stands for repeated lines/, '00000000  7b 22  |{"|\n*\n'],
    [['detect', '--coverage', 'fields'], "unknown option --coverage (a value that starts with '-' goes after '--') (see: powerbank-codec detect --help)"],
    [['detect', 'a', 'b'], 'unexpected argument "b" (see: powerbank-codec detect --help)'],
    [['detect', '--hex'], 'hex input, line 1: "{" is not hex', '{'],
    [['detect', fixture('no-such-file.bin')], `cannot read ${JSON.stringify(fixture('no-such-file.bin'))}: no such file`],
    [['encode', 'Lend'], /^unknown message type "Lend"; expected one of Heartbeat, StatusQuery, /],
    [['encode', 'Heartbeat'], 'Heartbeat needs --imei'],
    [['encode', 'LendRequest', '--imei', imei()], 'LendRequest needs --slot'],
    [['encode', 'LendRequest', '--imei', imei(), '--slot', '2'], 'LendRequest needs --id'],
    [['encode', 'OwnershipAnswer', '--imei', imei(), '--slot', '2', '--id', 'A'], 'OwnershipAnswer needs --belongs'],
    [['encode', 'OwnershipAnswer', '--imei', imei(), '--slot', '2', '--id', 'A', '--belongs', 'maybe'], '--belongs must be true or false; got "maybe"'],
    [['encode', 'Heartbeat', '--imei', imei(), '--slot', '2'], '--slot does not apply to Heartbeat'],
    [['encode', 'LendRequest', '--imei', imei(), '--slot', '2', '--id', 'A', '--status', '1.FU.A'], '--status does not apply to LendRequest, which takes --slot --id'],
    [['encode', 'LendRequest', '--imei', imei(), '--slot', 'two', '--id', 'A'], '--slot must be a slot number; got "two"'],
    [['encode', 'LendRequest', '--imei', imei(), '--slot', '4', '--id', 'A'], 'cannot encode: slot must be an integer from 1 to 3; got 4 (a station with more slots: --slots N)'],
    [['encode', 'LendRequest', '--imei', '12345', '--slot', '1', '--id', 'A'], 'cannot encode: imei must be a string of 15 digits; got "12345"'],
    [['encode', 'LendRequest', '--imei', imei(), '--slot', '1', '--id', 'a-b'], 'cannot encode: powerBankId must be 1 to 32 digits or uppercase letters; got "a-b"'],
    [['encode', 'StatusAnswer', '--imei', imei(), '--status', '1.XX.A'], '--status record "1.XX.A" is not SLOT.CODE or SLOT.CODE.ID with CODE one of FU, NF, EM, ER'],
    [['encode', 'StatusAnswer', '--imei', imei(), '--status', 'x.FU.A'], '--status slot must be a slot number; got "x"'],
    [['encode', 'StatusAnswer', '--imei', imei(), '--status', '1.FU'], 'cannot encode: slots[0].powerBankId is required for status \'full\''],
    [['encode', 'Heartbeat', '--imei', imei(), '--raw', '--hex'], '--raw and --hex contradict each other'],
    [['encode', '--imei', imei()], '--imei needs a message type first, e.g. encode LendRequest --imei ...'],
    [['encode'], 'no message on stdin: give a message type (e.g. encode Heartbeat --imei 860123456789014) or JSON messages; see encode --help', ''],
    [['encode'], 'stdin line 2: expected a JSON object (a message) or an array of them, found "h"', '\nhello'],
    [['encode'], /^stdin line 1: invalid JSON: /, '{"type": Heartbeat}'],
    [['encode'], 'stdin line 1: the JSON value that starts here is not complete', '{"type": "Heartbeat"'],
    [['encode'], 'stdin line 1, message 2: cannot encode: unknown message type "Lend"', '[{"type":"Heartbeat","imei":"860123456789014"},{"type":"Lend"}]'],
    [['crc'], 'crc needs the text to checksum, e.g. powerbank-codec crc 860123456789014,CH, (see: powerbank-codec crc --help)'],
    [['crc', '--bogus', 'a'], "unknown option --bogus (a value that starts with '-' goes after '--') (see: powerbank-codec crc --help)"],
    [['crc', 'a', 'b'], 'unexpected argument "b" (see: powerbank-codec crc --help)'],
    [['crc', '--hex', 'xyz'], 'hex input, line 1: "xyz" is not hex'],
  ];

  function imei(): string {
    return '860123456789014';
  }

  it.for(USAGE_ERRORS.map(([args, message, stdin]) => [args.join(' '), args, message, stdin] as const))(
    '%s: one line on stderr, no stack trace, exit 2',
    async ([, args, message, stdin], { expect }) => {
      const { status, stderr } = await run(args, stdin);
      expect(status).toBe(2);
      expect(stderr.endsWith('\n')).toBe(true);
      expect(lines(stderr)).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
      const text = stderr.replace(/^powerbank-codec: /, '').trimEnd();
      if (typeof message === 'string') expect(text).toBe(message);
      else expect(text).toMatch(message);
    },
  );
});
