/**
 * The conformance harness (`powerbank-codec harness`, src/cli/harness/) against
 * simulated stations over real loopback sockets: a correct one passes every step; each
 * deviation and each misbehaviour (late, repeated, undecodable or wrong answers,
 * heartbeat storms, a 14-digit IMEI, a wrong IMEI, a 4-slot station, nobody at all) is
 * named in the step where it happened, and never stops the run. In process for speed;
 * the built command as a child process where exit codes and output streams matter.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalDialect, crc16, type DeviationCode, type Dialect, type Message } from 'powerbank-codec';
import { StationSimulator, type StationSimulatorOptions } from 'powerbank-codec/testing';
import { runHarness, type HarnessResult } from '../src/cli/harness/run.js';
import type { HarnessSettings } from '../src/cli/harness/settings.js';
import { jsonReport, junitReport } from '../src/cli/harness/machine.js';
import { textReport } from '../src/cli/harness/report.js';
import { styleFor } from '../src/cli/style.js';
import { connectStation, type StationClient, type StationClientOptions } from '../examples/lib/station-client.js';

const IMEI = '860123456789014';
const OTHER_IMEI = '860123456789022';
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const plain = styleFor({ isTTY: false });

/**
 * Short times for loopback. The simulated station beats every 200 ms. The harness times
 * frames as it reads them: on a busy machine two heartbeats may be read together, so
 * only the tests about the heartbeat rate set a minimum gap.
 */
const FAST: HarnessSettings = {
  port: 0,
  host: '127.0.0.1',
  dialect: canonicalDialect,
  connectTimeout: 3_000,
  runTimeout: 20_000,
  timeout: 2_000,
  maxLatency: 1_500,
  heartbeatMin: 0,
  heartbeatMax: 3_000,
  settle: 50,
};

interface Misbehaviour {
  readonly station?: Partial<StationSimulatorOptions>;
  readonly client?: Partial<StationClientOptions>;
  /** What the station sends besides its answers after receiving a message: messages, or raw bytes. */
  readonly after?: (received: Message, station: StationSimulator) => Array<Message | Uint8Array>;
  /** No simulated operator: nobody inserts a power bank when asked. */
  readonly noOperator?: boolean;
}

/** Runs the harness against a simulated station; the simulated operator inserts a power bank when asked. */
async function harness(misbehaviour: Misbehaviour = {}, settings: Partial<HarnessSettings> = {}): Promise<{ result: HarnessResult; log: string[] }> {
  const log: string[] = [];
  let client: StationClient | undefined;
  let connecting: Promise<void> | undefined;
  let inserted = 0;
  const result = await runHarness(
    { ...FAST, ...settings },
    {
      log: (line) => log.push(line),
      style: plain,
      onListening: (port) => {
        const station = new StationSimulator({
          imei: IMEI,
          banks: [
            { slot: 1, powerBankId: '1234567890' },
            { slot: 2, powerBankId: '123456789012', charge: 'notFull' },
          ],
          heartbeatInterval: 200,
          ...misbehaviour.station,
        });
        connecting = connectStation(station, {
          port,
          tickEvery: 20,
          ...misbehaviour.client,
          onTraffic: (traffic) => {
            if (traffic.direction !== 'received' || traffic.item.kind !== 'message') return;
            for (const extra of misbehaviour.after?.(traffic.item.message, station) ?? []) {
              if (extra instanceof Uint8Array) client?.sendRaw(extra);
              else client?.send(extra);
            }
          },
        }).then((connected) => void (client = connected));
      },
      onOperatorRequest: () => {
        if (misbehaviour.noOperator === true) return;
        setTimeout(() => {
          const slot = client?.station.emptySlots()[0];
          if (slot !== undefined) client!.insert(slot, `R${++inserted}`);
        }, 20);
      },
    },
  );
  await connecting;
  await client?.close();
  return { result, log };
}

/** The problems of each failed step, by step number. */
function failures(result: HarnessResult): Record<number, string[]> {
  return Object.fromEntries(result.steps.filter((step) => step.status === 'failed').map((step) => [step.number, step.problems.map((problem) => problem.text)]));
}

/** The kinds of problem of each failed step, by step number. */
function kinds(result: HarnessResult): Record<number, string[]> {
  return Object.fromEntries(result.steps.filter((step) => step.status === 'failed').map((step) => [step.number, [...step.kinds.keys()]]));
}

/** `bytes` with the last hex digit of the CRC field changed: a frame that does not decode (CRC). */
function withBadCrc(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const end = copy.lastIndexOf(0x7d) - 2; // the last CRC digit, before "}
  copy[end] = copy[end] === 0x30 ? 0x31 : 0x30;
  return copy;
}

/** A heartbeat frame with any IMEI text, its CRC right (encode refuses an IMEI that is not 15 digits). */
function heartbeatOf(imei: string): Uint8Array {
  const fields = `${imei},CH,`;
  const crc = crc16(new TextEncoder().encode(fields), 'CRC-16/MODBUS').toString(16).toUpperCase().padStart(4, '0');
  return new TextEncoder().encode(`{"${fields},${crc}"}\r\n`);
}

/** A station that only writes `bytes` every `every` ms once connected, and never answers. */
async function rawStation(port: number, bytes: Uint8Array, every: number): Promise<() => void> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(bytes);
  const timer = setInterval(() => socket.write(bytes), every);
  return () => {
    clearInterval(timer);
    socket.destroy();
  };
}

const STEP_TITLES = [
  'A station connects',
  'The station names itself: its first frame carries its IMEI',
  'Status: CQ → AQ',
  'Lend: CC → MC.BO → AM.BO',
  'Lend from an empty slot must fail: CQ → AQ to find one, then CC → MR.BF → AR.BF',
  'Return, accepted: MQ → RQ.T → MC.RO → AM.RO',
  'Return, rejected: MQ → RQ.F, then nothing more',
  'Heartbeat: CH at a steady rate, not answered (every heartbeat of the session is checked here)',
];

describe.concurrent('the conformance harness against a simulated station', () => {
  it('passes a correct station on every step, with the latency of every answer', async () => {
    const { result, log } = await harness();
    expect(failures(result)).toEqual({});
    expect(result).toMatchObject({ passed: true, imei: IMEI, duplicates: 0, hints: [] });
    expect(result.steps.map((step) => step.title)).toEqual(STEP_TITLES);
    expect(result.steps[3]?.notes).toEqual(['lent slot 1, power bank 1234567890']);
    expect(result.steps[4]?.notes).toContain('slot 1 is empty and the station said so');
    expect(result.steps.flatMap((step) => step.latencies.map((latency) => latency.answer))).toEqual(['AQ', 'MC.BO', 'AQ', 'MR.BF', 'MC.RO']);
    expect(log.filter((line) => line.includes('▶ OPERATOR'))).toHaveLength(2);
    const report = textReport(result, plain);
    expect(report.at(-1)).toBe('All 8 steps passed: the station follows the protocol.');
    expect(report.some((line) => line.startsWith('Answers: 5; latency median '))).toBe(true);
  });

  it.each<[DeviationCode, number[]]>([
    // Problems with heartbeat frames are the heartbeat step's (8), whenever they come.
    ['QUOTES', [3, 4, 5, 6, 7, 8]],
    ['LINE_ENDING', [3, 4, 5, 6, 7, 8]],
    ['SEPARATOR', [3, 4, 5, 6, 7, 8]],
    // Only CRCs with a letter can be lowercase: the first AQ (…,1449) has none.
    ['LOWERCASE_CRC', [4, 5, 6, 7, 8]],
    ['MISSING_SEMICOLON', [3, 5]],
    ['UNKNOWN_STATUS', [3, 5]],
  ])('names the deviation %s in every step whose frames have it, and still follows the flows', async (code, steps) => {
    const { result, log } = await harness({ station: { deviations: [code] } });
    expect(Object.keys(kinds(result)).map(Number)).toEqual(steps);
    for (const stepKinds of Object.values(kinds(result))) expect(stepKinds).toEqual([code]);
    // Refused in strict mode, the frames were still followed: every flow completed.
    expect(log.filter((line) => line.includes('✓ lent:'))).toHaveLength(1);
    expect(log.filter((line) => line.includes('✓ returned:'))).toHaveLength(1);
    expect(textReport(result, plain).join('\n')).toContain(`What to fix, by kind:\n  ${code}: `);
  });

  it('hints at the dialect of a station without quotes, or with LF line endings', async () => {
    const quotes = await harness({ station: { deviations: ['QUOTES'] } });
    expect(quotes.result.hints.map((hint) => hint.flags)).toEqual([['--no-quotes']]);
    const lf = await harness({ station: { deviations: ['LINE_ENDING'] } });
    expect(lf.result.hints.map((hint) => hint.flags)).toEqual([['--line-ending', 'lf']]);
    expect(textReport(lf.result, plain)).toContain(`  powerbank-codec harness --port ${lf.result.port} --host 127.0.0.1 --line-ending lf`);
  });

  it('gives a 4-slot station the --slots 4 hint, and no wrong advice', async () => {
    const { result } = await harness({ station: { dialect: { slotCount: 4 }, banks: [{ slot: 1, powerBankId: 'A1' }, { slot: 4, powerBankId: 'A4' }] } });
    const failed = failures(result);
    expect(Object.keys(failed).map(Number)).toEqual([3, 5]);
    expect(failed[3]).toEqual([
      expect.stringMatching(
        /^status: the answer does not decode — expected: the station answers CQ with AQ; received: frame at byte \d+ \{"860123456789014,AQ,1\.FU\.A1;4\.FU\.A4;,[0-9A-F]{4}"\}: DATA error: AQ data: slot 4 at byte \d+ is outside 1\.\.3; it decodes with --slots 4$/,
      ),
    ]);
    expect(result.steps[3]).toMatchObject({ status: 'skipped', skipped: 'not run: no status answer decoded (step 3), so no power bank is known to lend' });
    expect(result.hints).toEqual([expect.objectContaining({ flags: ['--slots', '4'], frames: 2 })]);
    expect(textReport(result, plain)).toContain(`  powerbank-codec harness --port ${result.port} --host 127.0.0.1 --slots 4`);
    // With --slots 4 it passes.
    const fourSlots = await harness({ station: { dialect: { slotCount: 4 }, banks: [{ slot: 1, powerBankId: 'A1' }, { slot: 4, powerBankId: 'A4' }] } }, { dialect: { ...canonicalDialect, slotCount: 4 } });
    expect(failures(fourSlots.result)).toEqual({});
  });

  it('names another CRC variant, with the flags that test it', async () => {
    const { result } = await harness({ station: { dialect: { crc: 'CRC-16/XMODEM' } } });
    expect(failures(result)[2]).toEqual([
      expect.stringMatching(/^first frame: the answer does not decode — .*: CRC error: CRC [0-9A-F]{4} at byte 22 does not match 3FCE, the CRC-16\/MODBUS of bytes 2\.\.20; it decodes with --crc CRC-16\/XMODEM$/),
    ]);
    expect(result.steps.slice(2, 7).map((step) => step.skipped)).toEqual(Array(5).fill('not run: no frame from the station decoded, so the harness has no IMEI to address it (see step 2)'));
    expect(result.hints[0]?.flags).toEqual(['--crc', 'CRC-16/XMODEM']);
    const xmodem: Dialect = { ...canonicalDialect, crc: 'CRC-16/XMODEM' };
    expect(failures((await harness({ station: { dialect: xmodem }, client: { dialect: xmodem } }, { dialect: xmodem })).result)).toEqual({});
  });

  it('names a CRC written low byte first, with the flag that reads it', async () => {
    const { result } = await harness({ station: { dialect: { crcByteOrder: 'lowFirst' } } });
    expect(result.hints[0]?.flags).toEqual(['--crc-byte-order', 'lowFirst']);
    expect(textReport(result, plain)).toContain(`  powerbank-codec harness --port ${result.port} --host 127.0.0.1 --crc-byte-order lowFirst`);
  });

  it('fails an answer slower than --max-latency, saying how slow', async () => {
    const { result } = await harness({ client: { schedule: (message) => (message.type === 'LendSuccess' ? [700] : [0]) } }, { maxLatency: 300 });
    expect(kinds(result)).toEqual({ 4: ['answer too slow'] });
    expect(failures(result)[4]?.[0]).toMatch(
      /^lend: answer too slow — expected: the station answers CC \(slot 1, power bank 1234567890\) with MC\.BO \(lent\) or MR\.BF \(lend failed\) within 0\.3 s \(--max-latency\); received: MC\.BO after \d+\.\d{3} s$/,
    );
    // The station waits 700 ms by a timer, which Node may fire a fraction of a millisecond early by the harness's clock.
    expect(result.steps[3]?.latencies[0]?.ms).toBeGreaterThan(690);
  });

  it('names an answer that comes after --timeout as missing, then as late, in the step that asked', async () => {
    // Step 3 listens on for --settle after giving up: the late answer comes then.
    const { result } = await harness({ client: { schedule: (message) => (message.type === 'StatusAnswer' ? [900] : [0]) } }, { timeout: 500, settle: 1_000 });
    expect(kinds(result)[3]).toEqual(['no answer', 'late answer']);
    expect(failures(result)[3]).toEqual([
      'status: no answer within 0.5 s — expected: the station answers CQ with AQ (--timeout); received: nothing',
      expect.stringMatching(/^AQ status: .*: late answer — expected: an answer within 0\.5 s \(--timeout\); received: it at \d+\.\d s, after step 3 had stopped waiting$/),
    ]);
  });

  it('takes an answer that does not decode as the answer: the step fails at once, naming the error', async () => {
    const { result } = await harness(
      { client: { transform: (message) => (message.type === 'LendSuccess' ? undefined : message) }, after: (received, station) => (received.type === 'LendRequest' && received.slot === 1 ? [withBadCrc(station.encode({ ...received, type: 'LendSuccess' }))] : []) },
      { timeout: 10_000 },
    );
    expect(failures(result)[4]).toEqual([
      expect.stringMatching(/^lend: the answer does not decode — expected: .*; received: frame at byte \d+ \{"860123456789014,MC,BO\.1\.1234567890,8CD0"\}: CRC error: CRC 8CD0 at byte 37 does not match 8CD9, the CRC-16\/MODBUS of bytes 2\.\.35$/),
    ]);
    // At once: well within the 10 s the step would have waited.
    expect(result.steps[3]!.endedAt! - result.steps[3]!.startedAt!).toBeLessThan(5_000);
  });

  it('names a heartbeat storm as too fast', async () => {
    const { result } = await harness({ station: { heartbeatInterval: 5 }, client: { tickEvery: 5 } }, { heartbeatMin: 100 });
    expect(kinds(result)[8]).toContain('heartbeat too fast'); // a stalled event loop may split the storm, leaving pairs (duplicates)
    expect(failures(result)[8]?.[0]).toMatch(/^heartbeat: too fast — expected: at least 0\.100 s between heartbeats \(--heartbeat-min\); received: \d+ heartbeats in \d+ bursts?, the closest \d+\.\d{3} s apart, up to \d+ within one second$/);
  });

  it('names heartbeats too slow, and a station that sends none', async () => {
    const slow = await harness({ station: { heartbeatInterval: 900 } }, { heartbeatMax: 600 });
    expect(kinds(slow.result)[8]).toEqual(['heartbeat too slow']);
    expect(failures(slow.result)[8]?.[0]).toMatch(/^heartbeat: too slow — expected: a heartbeat \(CH\) at least every 0\.6 s \(--heartbeat-max\); received: (\d+\.\d s between the one at \d+\.\d s and the next|none since the one at \d+\.\d s, \d+\.\d s before the check)$/);
    const silent = await harness({ client: { transform: (message) => (message.type === 'Heartbeat' ? undefined : message) } }, { heartbeatMax: 600 });
    expect(failures(silent.result)).toEqual({
      2: ["first frame: no answer within 0.6 s — expected: a first frame carrying the station's IMEI (--heartbeat-max); received: nothing"],
      8: [expect.stringMatching(/^heartbeat: none — expected: a heartbeat \(CH\) within 0\.6 s \(--heartbeat-max\); received: nothing in \d+\.\d s since the connection opened$/)],
    });
  });

  it('tells a station that sends every frame twice that it does', async () => {
    const { result } = await harness({ client: { schedule: () => [0, 0] } }, { heartbeatMin: 20 });
    const all = Object.values(kinds(result)).flat();
    expect(new Set(all)).toEqual(new Set(['duplicate']));
    expect(failures(result)[3]).toEqual([expect.stringMatching(/^frame at byte \d+ \{"860123456789014,AQ,.*"\}: duplicate — expected: each frame sent once \(a report again only when its acknowledgement did not come\); received: the same frame again \d+\.\d{3} s after the first$/)]);
    expect(failures(result)[8]).toEqual([expect.stringMatching(/^heartbeat: duplicate — expected: each heartbeat sent once; received: (a heartbeat|\d+ heartbeats) sent twice, the copies \d+\.\d{3} s apart or less$/)]);
    expect(result.duplicates).toBeGreaterThanOrEqual(5);
  });

  it('names a report repeated after its acknowledgement', async () => {
    // Right after the first: the same frame again.
    const again = await harness({ client: { schedule: (message) => (message.type === 'LendSuccess' ? [0, 20] : [0]) } }, { settle: 200 });
    // In step 4, or the next one when the machine is slow.
    expect(Object.values(failures(again.result)).flat()).toEqual([
      expect.stringMatching(/^frame at byte \d+ \{"860123456789014,MC,BO\.1\.1234567890,8CD9"\}: duplicate — expected: each frame sent once \(a report again only when its acknowledgement did not come\); received: the same frame again \d+\.\d{3} s after the first$/),
    ]);
    // Later, other frames between: the hub counted it already.
    const lent = { type: 'LendSuccess', imei: IMEI, slot: 1, powerBankId: '1234567890' } as const;
    const later = await harness({ after: (received, station) => (received.type === 'StatusQuery' && station.emptySlots().includes(1) ? [station.malformedFrame('unknownCommand'), lent] : []) });
    expect(kinds(later.result)[5]).toEqual(['COMMAND error', 'duplicate']);
    expect(failures(later.result)[5]?.[1]).toMatch(/^MC\.BO lent: slot 1, power bank 1234567890: duplicate — expected: each report sent once, and again only when its acknowledgement did not come; received: the same report again at \d+\.\d s, after it was acknowledged$/);
  });

  it('names a wrong IMEI mid-run where it comes, and takes it as no answer, without wrong advice after', async () => {
    let heartbeats = 0;
    const { result } = await harness({
      client: {
        transform: (message) => {
          if (message.type === 'Heartbeat' && ++heartbeats === 2) return { ...message, imei: OTHER_IMEI };
          return message.type === 'LendSuccess' ? { ...message, imei: OTHER_IMEI } : message;
        },
      },
    });
    const failed = failures(result);
    expect(failed[4]).toEqual(['lend: imei mismatch — expected: 860123456789014, the station\'s IMEI; received: 860123456789022 in MC.BO lent: slot 1, power bank 1234567890']);
    expect(failed[8]).toEqual(["heartbeat: imei mismatch — expected: 860123456789014, the station's IMEI; received: 860123456789022 in CH heartbeat"]);
    // The next steps go on as if nothing had been answered: no complaint about the lend that follows.
    expect(Object.keys(failed)).toEqual(['4', '8']);
  });

  it('names a 14-digit IMEI, and runs on to the report', async () => {
    let stop: Promise<() => void> | undefined;
    const result = await runHarness(
      { ...FAST, timeout: 300, heartbeatMax: 1_000 },
      { log: () => {}, style: plain, onListening: (port) => void (stop = rawStation(port, heartbeatOf('86012345678901'), 100)) },
    );
    (await stop!)();
    expect(result.passed).toBe(false);
    expect(failures(result)[2]).toEqual([
      expect.stringMatching(/^first frame: the answer does not decode — expected: a first frame carrying the station's IMEI; received: frame at byte 0 \{"86012345678901,CH,,[0-9A-F]{4}"\}: IMEI error: IMEI "86012345678901" at byte 2 is not 15 digits$/),
    ]);
    expect(result.steps.slice(2, 7).every((step) => step.status === 'skipped')).toBe(true);
    expect(kinds(result)[8]).toEqual(['IMEI error']);
  });

  it('fails step 1 within --connect-timeout when nobody connects, and runs nothing else', async () => {
    const started = performance.now();
    const result = await runHarness({ ...FAST, connectTimeout: 300 }, { log: () => {}, style: plain });
    expect(performance.now() - started).toBeLessThan(5_000); // a hang guard, not a timing assertion
    expect(failures(result)).toEqual({
      1: [`connection: no station connected — expected: a station connecting to port ${result.port} within 0.3 s (--connect-timeout); received: none`],
    });
    expect(result.steps.slice(1).map((step) => step.skipped)).toEqual(Array(7).fill('not run: no station connected'));
    expect(textReport(result, plain).at(-1)).toBe('0 of 8 steps passed: the station departs from the protocol.');
  });

  it('survives floods of noise and of frames, listing a bounded number of problems', async () => {
    const noise = new Uint8Array(60_000).fill(0x41);
    const heartbeat = heartbeatOf(IMEI);
    const storm = new Uint8Array(heartbeat.length * 2_000);
    for (let index = 0; index < 2_000; index++) storm.set(heartbeat, index * heartbeat.length);
    // Answers are timed when the harness reads them: after a flood, on a busy machine, that may be late.
    const { result, log } = await harness({ after: (received) => (received.type === 'StatusQuery' ? [noise, storm] : []) }, { heartbeatMin: 20, maxLatency: 20_000, timeout: 20_000 });
    expect(kinds(result)[3]).toEqual(['discarded noise']);
    expect(kinds(result)[5]).toEqual(['discarded noise']);
    expect(result.steps[2]!.problems.length + result.steps[2]!.moreProblems).toBeGreaterThan(50);
    expect(result.steps[2]!.problems).toHaveLength(25);
    expect(kinds(result)[8]).toContain('heartbeat too fast'); // a stalled event loop may split the storm, leaving pairs (duplicates)
    expect(log.some((line) => /^ {2}… \d+ more lines of this step not shown$/.test(line))).toBe(true);
    expect(result.steps[3]?.notes).toEqual(['lent slot 1, power bank 1234567890']);
  });

  it("follows the station's failures: a refused lend, a failed return, the vendor's erratum", async () => {
    const refusing = await harness({ station: { lendFailureRate: 1 } });
    expect(failures(refusing.result)[4]).toEqual(['lend: lend failed — expected: MC.BO: the status answer listed slot 1 with power bank 1234567890; received: MR.BF (lend failed); the flow is valid, but the lend did not succeed']);
    const failing = await harness({ station: { returnFailureRate: 1 } });
    expect(failures(failing.result)).toEqual({
      6: ['return: return failed — expected: MC.RO after RQ.T for slot 1, power bank R1; received: MR.RF (return failed); the flow is valid, but the return did not succeed'],
    });
    const erratum = await harness({ station: { returnFailureRate: 1 }, client: { transform: (message) => (message.type === 'ReturnFailure' ? { ...message, type: 'LendFailure' } : message) } });
    expect(failures(erratum.result)[6]).toEqual([
      'return: wrong message — expected: after RQ.T (slot 1, power bank R1) the station reports MC.RO (returned) or MR.RF (return failed); received: MR.BF lend failed: slot 1, power bank R1 (the vendor text prints MR.BF for a failed return; it is MR.RF, PROTOCOL.md section 6, erratum 2)',
    ]);
    // A slot listed ER is neither lent from nor taken for an empty one.
    const faulty = await harness({ station: { faultySlots: [3], banks: [{ slot: 1, powerBankId: '1234567890' }] } });
    expect(failures(faulty.result)).toEqual({});
    const depleted = await harness({ station: { banks: [{ slot: 1, powerBankId: 'E1', charge: 'depleted' }], lendFailureRate: 1 } });
    expect(failures(depleted.result)).toEqual({});
    expect(depleted.result.steps[3]?.notes[0]).toContain('the station refused to lend E1, listed EM (no charge left)');
  });

  it('names mismatched answers and a report after a rejected return', async () => {
    const { result } = await harness({
      client: { transform: (message) => (message.type === 'LendSuccess' ? { ...message, powerBankId: '1234567899' } : message) },
      after: (received) => (received.type === 'OwnershipAnswer' && !received.belongs ? [{ ...received, type: 'ReturnSuccess' }] : []),
    }, { settle: 500 }); // time for the stray report to come before the run ends
    expect(failures(result)).toEqual({
      4: ['lend: powerBankId mismatch — expected: 1234567890, as in CC lend request: slot 1, power bank 1234567890; received: 1234567899 in MC.BO lent: slot 1, power bank 1234567899'],
      7: ['return: unexpected: no return is waiting for it — expected: first an MQ answered by RQ.T, not yet reported on; received: MC.RO returned: slot 3, power bank R2'],
    });
  });

  it('serves a station that brings lent banks back by itself, and says when nobody inserts one', async () => {
    const { result, log } = await harness({ client: { returnAfter: 10 } });
    expect(failures(result)).toEqual({});
    expect(result.steps[5]?.notes[0]).toBe('the station sent this MQ before being asked (slot 1, power bank 1234567890); it was answered RQ.T');
    expect(log.filter((line) => line.includes('OPERATOR'))).toHaveLength(1);
    // Every slot full again when step 5 asks: the harness lends a bank to empty one.
    const full = [1, 2, 3].map((slot) => ({ slot, powerBankId: `B${slot}` }));
    const refilled = await harness({ station: { banks: full }, client: { returnAfter: 10 }, noOperator: true });
    expect(failures(refilled.result)).toEqual({});
    expect(refilled.result.steps[4]?.notes).toContain('every slot was full: the harness lent power bank B2 from slot 2 to empty one');
    const alone = await harness({ noOperator: true }, { timeout: 300 });
    expect(kinds(alone.result)).toEqual({ 6: ['no answer'], 7: ['no answer'] });
  });

  it('writes the report as JSON and JUnit XML', async () => {
    const { result } = await harness({ station: { deviations: ['LOWERCASE_CRC'] } });
    const json = JSON.parse(JSON.stringify(jsonReport(result))) as Record<string, unknown> & { steps: Array<Record<string, unknown>> };
    expect(json).toMatchObject({ passed: false, station: { imei: IMEI }, frames: result.frames, duplicates: 0, latency: { count: 5, limitMs: FAST.maxLatency } });
    expect(json.steps.map((step) => step['status'])).toEqual(['passed', 'passed', 'passed', 'failed', 'failed', 'failed', 'failed', 'failed']);
    expect(json.steps[3]).toMatchObject({ number: 4, title: STEP_TITLES[3], latencies: [{ answer: 'MC.BO' }], problems: [{ kind: 'LOWERCASE_CRC' }] });
    expect(json['problemKinds']).toEqual([{ kind: 'LOWERCASE_CRC', count: expect.any(Number) }]);
    const xml = junitReport(result);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="powerbank-codec harness" tests="8" failures="5" skipped="0" time="')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(8);
    expect(xml.match(/<failure type="LOWERCASE_CRC" message="frame at byte \d+ \{&quot;860123456789014,/g)).toHaveLength(5);
    expect(xml).toContain('<testcase classname="harness" name="4. Lend: CC → MC.BO → AM.BO" time="');
  });
});

describe.concurrent('powerbank-codec harness (the built command)', { timeout: 30_000 }, () => {
  /** Short times for every run of the command. */
  const QUICK = ['--host', '127.0.0.1', '--timeout', '2', '--settle', '0.05', '--heartbeat-min', '0.001', '--heartbeat-max', '3', '--connect-timeout', '5'];

  /**
   * Runs the command; once it listens, a simulated station (unless `station` is null)
   * connects and plays the operator when asked. Resolves with the exit code and output.
   */
  async function command(args: readonly string[], station: Partial<StationSimulatorOptions> | null = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [CLI, 'harness', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out: string[] = [];
    const err: string[] = [];
    let client: StationClient | undefined;
    let inserted = 0;
    const onLine = (line: string) => {
      const listening = /^Listening on port (\d+) /.exec(line);
      if (listening !== null && station !== null) {
        const simulator = new StationSimulator({ imei: IMEI, heartbeatInterval: 200, banks: [{ slot: 1, powerBankId: 'A1' }], ...station });
        void connectStation(simulator, { port: Number(listening[1]), tickEvery: 20 }).then((connected) => void (client = connected));
      }
      if (line.includes('▶ OPERATOR')) setTimeout(() => client?.insert(client.station.emptySlots()[0]!, `R${++inserted}`), 20);
    };
    createInterface({ input: child.stdout }).on('line', (line) => (out.push(line), onLine(line)));
    createInterface({ input: child.stderr }).on('line', (line) => (err.push(line), onLine(line)));
    const [code] = (await once(child, 'close')) as [number | null];
    await client?.close();
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  it('prints its help', async () => {
    const { code, stdout } = await command(['--help'], null);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: powerbank-codec harness --port N \[options\]/);
    for (const option of ['--connect-timeout', '--run-timeout', '--max-latency', '--heartbeat-min', '--heartbeat-max', '--json', '--junit', '--slots']) expect(stdout).toContain(option);
  });

  it('exits 0 when every step passed; --json writes the report on stdout and the log on stderr; --junit a file', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'harness-')), 'report.xml');
    const { code, stdout, stderr } = await command(['--port', '0', ...QUICK, '--json', '--junit', junit]);
    expect(stderr).toContain('All 8 steps passed: the station follows the protocol.');
    const report = JSON.parse(stdout) as { passed: boolean; steps: Array<{ status: string }> };
    expect(report.passed).toBe(true);
    expect(report.steps.map((step) => step.status)).toEqual(Array(8).fill('passed'));
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="8" failures="0" skipped="0"');
    expect(code).toBe(0);
  });

  it('exits 1 when a step failed, naming the deviation', async () => {
    const { code, stdout } = await command(['--port', '0', ...QUICK], { deviations: ['LOWERCASE_CRC'] });
    expect(stdout).toContain('LOWERCASE_CRC — expected: the CRC in uppercase hex');
    expect(stdout).toContain('What to fix, by kind:\n  LOWERCASE_CRC: ');
    expect(code).toBe(1);
  });

  it('exits 1 with a report when no station connects within --connect-timeout', async () => {
    const { code, stdout } = await command(['--port', '0', '--host', '127.0.0.1', '--connect-timeout', '0.3', '--json'], null);
    const report = JSON.parse(stdout) as { passed: boolean; steps: Array<{ status: string; problems: Array<{ kind: string }> }> };
    expect(report.passed).toBe(false);
    expect(report.steps[0]).toMatchObject({ status: 'failed', problems: [{ kind: 'no connection' }] });
    expect(report.steps.slice(1).every((step) => step.status === 'skipped')).toBe(true);
    expect(code).toBe(1);
  });

  it('exits 2 when it cannot listen', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    const { code, stderr } = await command(['--port', String(port), '--host', '127.0.0.1'], null);
    taken.close();
    expect(stderr).toContain(`powerbank-codec: cannot listen on port ${port} of 127.0.0.1: listen EADDRINUSE`);
    expect(code).toBe(2);
  });

  it.each([
    [[], 'harness needs --port N'],
    [['--port', 'x'], '--port must be a whole number from 0 to 65535; got "x"'],
    [['--port', '9000', '--timeout=-1'], '--timeout must be a positive number of seconds; got "-1"'],
    [['--port', '9000', '--max-latency', '0'], '--max-latency must be a positive number of seconds; got "0"'],
    [['--port', '9000', '--slots', '0'], '--slots must be a whole number from 1 to 999; got "0"'],
    [['--port', '9000', '--crc', 'nope'], 'unknown CRC algorithm "nope"'],
    [['--bogus'], 'unknown option --bogus'],
    [['--port', '9000', '--junit', '/nonexistent/directory/report.xml'], 'cannot write the JUnit report to /nonexistent/directory/report.xml'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const { code, stderr } = await command(args, null);
    expect(stderr).toContain(message);
    expect(code).toBe(2);
  });
});
