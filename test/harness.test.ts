/**
 * The conformance harness (examples/harness.ts) against simulated stations over real
 * loopback sockets: a correct one must pass every step; each deviation of a deviating
 * one must be named, in the step where it happened.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { encode, type DeviationCode, type Message } from 'powerbank-codec';
import { StationSimulator, type StationSimulatorOptions } from 'powerbank-codec/testing';
import { runHarness, type HarnessResult } from '../examples/lib/harness.js';
import { connectStation, type StationClient, type StationClientOptions } from '../examples/lib/station-client.js';

const imei = '860123456789014';

interface Misbehaviour {
  readonly station?: Partial<StationSimulatorOptions>;
  readonly transform?: StationClientOptions['transform'];
  readonly client?: Partial<StationClientOptions>;
  /** What the station sends besides its answers after receiving a message: messages, or raw bytes. */
  readonly after?: (received: Message, station: StationSimulator) => Array<Message | Uint8Array>;
}

/** Runs the harness against a simulated station; the simulated operator inserts a power bank when asked. */
async function harness(misbehaviour: Misbehaviour = {}): Promise<{ result: HarnessResult; output: string[] }> {
  const output: string[] = [];
  let client: StationClient | undefined;
  let connecting: Promise<void> | undefined;
  let inserted = 0;
  const result = await runHarness({
    port: 0,
    host: '127.0.0.1',
    timeout: 1_500,
    settle: 100,
    print: (line) => output.push(line),
    onListening: (port) => {
      const station = new StationSimulator({
        imei,
        banks: [
          { slot: 1, powerBankId: '1234567890' },
          { slot: 2, powerBankId: '123456789012', charge: 'notFull' },
        ],
        heartbeatInterval: 150,
        ...misbehaviour.station,
      });
      connecting = connectStation(station, {
        port,
        tickEvery: 25,
        ...(misbehaviour.transform === undefined ? {} : { transform: misbehaviour.transform }),
        ...misbehaviour.client,
        onTraffic: (traffic) => {
          if (traffic.direction === 'received' && traffic.item.kind === 'message') {
            for (const extra of misbehaviour.after?.(traffic.item.message, station) ?? []) {
              if (extra instanceof Uint8Array) client?.sendRaw(extra);
              else client?.send(extra);
            }
          }
        },
      }).then((connected) => {
        client = connected;
      });
    },
    onOperatorRequest: () => {
      setTimeout(() => {
        const slot = client!.station.emptySlots()[0];
        if (slot !== undefined) client!.insert(slot, `R${++inserted}`);
      }, 20);
    },
  });
  await connecting;
  await client?.close();
  return { result, output };
}

/** The problems of each failed step, by step number. */
function failures(result: HarnessResult): Record<number, string[]> {
  return Object.fromEntries(result.steps.filter((step) => !step.passed).map((step) => [step.number, [...step.problems]]));
}

describe.concurrent('the conformance harness', () => {
  it('passes a correct station on every step, and prints the report', async () => {
    const { result, output } = await harness();
    expect(failures(result)).toEqual({});
    expect(result).toMatchObject({ passed: true, imei });
    expect(result.steps.map((step) => step.title)).toEqual([
      'The station names itself: its first frame carries its IMEI',
      'Status: CQ → AQ',
      'Lend: CC → MC.BO → AM.BO',
      'Lend from an empty slot must fail: CQ → AQ to find one, then CC → MR.BF → AR.BF',
      'Return, accepted: MQ → RQ.T → MC.RO → AM.RO',
      'Return, rejected: MQ → RQ.F, then nothing more',
      'Heartbeat: CH, not answered (every heartbeat of the session is checked here)',
    ]);
    expect(result.steps[2]?.notes).toEqual(['lent slot 1, power bank 1234567890']);
    expect(result.steps[3]?.notes).toEqual(['slot 1 is empty and the station said so']);
    expect(output.filter((line) => line.includes('OPERATOR'))).toHaveLength(2);
    expect(output.at(-1)).toBe('All 7 steps passed: the station follows the protocol.');
  });

  it.each<[DeviationCode, number[]]>([
    ['QUOTES', [2, 3, 4, 5, 6, 7]],
    ['LINE_ENDING', [2, 3, 4, 5, 6, 7]],
    ['SEPARATOR', [2, 3, 4, 5, 6, 7]],
    // Only CRCs with a letter can be lowercase: step 2's frame (AQ …,0C52) has none.
    ['LOWERCASE_CRC', [3, 4, 5, 6, 7]],
    ['MISSING_SEMICOLON', [2, 4]],
    ['UNKNOWN_STATUS', [2, 4]],
  ])('names the deviation %s in every step whose frames have it, and still follows the flows', async (code, steps) => {
    const { result, output } = await harness({ station: { deviations: [code] } });
    const failed = failures(result);
    expect(Object.keys(failed).map(Number)).toEqual(steps);
    for (const problems of Object.values(failed)) {
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem).toContain(`: ${code} — expected: `);
    }
    // Refused in strict mode, the frames were still followed: every flow completed.
    expect(output.filter((line) => line.includes('✓ lent:'))).toHaveLength(1);
    expect(output.filter((line) => line.includes('✓ returned:'))).toHaveLength(1);
    expect(output.join('\n')).toContain(`What to fix, by kind:\n  ${code}: `);
  });

  it('names frames sent without a line ending', async () => {
    const { result } = await harness({ station: { dialect: { lineEnding: '' } } });
    const problems = Object.values(failures(result)).flat();
    expect(problems.length).toBeGreaterThan(5);
    for (const problem of problems) expect(problem).toMatch(/^line ending at byte \d+: LINE_ENDING — expected: "\\r\\n"; received: nothing: the next bytes follow the \} directly$/);
  });

  it('names a lend answered with another power bank id', async () => {
    const { result } = await harness({ transform: (message) => (message.type === 'LendSuccess' ? { ...message, powerBankId: '1234567899' } : message) });
    expect(failures(result)).toEqual({
      3: [
        'lend: powerBankId mismatch — expected: 1234567890, as in CC lend request: slot 1, power bank 1234567890; received: 1234567899 in MC.BO lent: slot 1, power bank 1234567899',
      ],
    });
  });

  it('names a lend answered for another slot', async () => {
    const { result } = await harness({ transform: (message) => (message.type === 'LendFailure' ? { ...message, slot: 2 } : message) });
    expect(failures(result)).toEqual({
      4: ['lend: slot mismatch — expected: 1, as in CC lend request: slot 1, power bank 1234567890; received: 2 in MR.BF lend failed: slot 2, power bank 1234567890'],
    });
  });

  it('names the vendor erratum: a failed return reported as MR.BF', async () => {
    const { result } = await harness({
      station: { returnFailureRate: 1 },
      transform: (message) => (message.type === 'ReturnFailure' ? { ...message, type: 'LendFailure' } : message),
    });
    expect(failures(result)).toEqual({
      5: [
        'return: wrong message — expected: after RQ.T (slot 1, power bank R1) the station reports MC.RO (returned) or MR.RF (return failed); received: MR.BF lend failed: slot 1, power bank R1 (the vendor text prints MR.BF for a failed return; it is MR.RF, PROTOCOL.md section 6, erratum 2)',
      ],
    });
  });

  it('fails a valid return failure where a return was expected to succeed, saying why', async () => {
    const { result } = await harness({ station: { returnFailureRate: 1 } });
    expect(failures(result)).toEqual({
      5: ['expected MC.RO after RQ.T for slot 1, power bank R1; received MR.RF (return failed) — the flow is valid, but the return did not succeed'],
    });
  });

  it('fails a lend the station refuses, and a lend it claims from an empty slot', async () => {
    const refusing = await harness({ station: { lendFailureRate: 1 } });
    expect(failures(refusing.result)[3]).toEqual([
      'expected MC.BO: the status answer listed slot 1 with power bank 1234567890; received MR.BF (lend failed) — the flow is valid, but the lend did not succeed',
    ]);
    const lying = await harness({ transform: (message) => (message.type === 'LendFailure' ? { ...message, type: 'LendSuccess' } : message) });
    expect(failures(lying.result)).toEqual({ 4: ['expected MR.BF: slot 1 is empty; received MC.BO (lent) — a station must not report a lend from an empty slot'] });
  });

  it('names a missing status answer, and says why the lend could not run', async () => {
    const { result } = await harness({ transform: (message) => (message.type === 'StatusAnswer' ? undefined : message) });
    const failed = failures(result);
    expect(failed[2]).toEqual(['status: no answer within 1.5 s — expected: the station answers CQ with AQ; received: nothing']);
    expect(failed[3]).toEqual([
      'expected the status answer to list a power bank to lend (FU, NF or EM); received no status answer. Put a charged power bank in and run again',
    ]);
  });

  it('says a status answer came but did not decode, and does not guess an empty slot without one', async () => {
    const fourSlots = encode(
      { type: 'StatusAnswer', imei, slots: [{ slot: 4, status: 'full', code: 'FU', powerBankId: '4444' }] },
      { dialect: { slotCount: 4 } },
    );
    const { result } = await harness({
      transform: (message) => (message.type === 'StatusAnswer' ? undefined : message),
      after: (received) => (received.type === 'StatusQuery' ? [fourSlots] : []),
    });
    // Where in the stream the frames lie depends on how many heartbeats came before them.
    const failed = Object.fromEntries(Object.entries(failures(result)).map(([step, problems]) => [step, problems.map((problem) => problem.replace(/^frame at byte \d+/, 'frame at byte N'))]));
    const refused =
      'frame at byte N {"860123456789014,AQ,4.FU.4444;,6A11"}: DATA error — expected: a frame that decodes; received: AQ data: slot 4 at byte 21 is outside 1..3';
    const timeout = 'status: no answer within 1.5 s — expected: the station answers CQ with AQ; received: nothing that decoded (a frame that did not: see their decodeError)';
    expect(failed[2]).toEqual([refused, timeout]);
    expect(failed[3]).toEqual([
      'expected the status answer to list a power bank to lend (FU, NF or EM); received no status answer. Put a charged power bank in and run again',
    ]);
    // Not "slot 1 is empty; received MC.BO": without a status answer, no slot is known to be empty.
    expect(failed[4]).toEqual(['not run: no status answer decoded, so the harness cannot tell which slot is empty', refused, timeout]);
  });

  it('names a report after a rejected return, and does not acknowledge it', async () => {
    const { result, output } = await harness({
      after: (received) => (received.type === 'OwnershipAnswer' && !received.belongs ? [{ ...received, type: 'ReturnSuccess' }] : []),
    });
    expect(failures(result)).toEqual({
      6: [
        'return: unexpected: no return is waiting for it — expected: first an MQ answered by RQ.T, not yet reported on; received: MC.RO returned: slot 3, power bank R2',
      ],
    });
    expect(output.some((line) => line.includes('AM.RO return acknowledged: slot 3, power bank R2'))).toBe(false);
  });

  it('names a heartbeat with another IMEI, and a lend left unanswered', async () => {
    let heartbeats = 0;
    const { result } = await harness({
      transform: (message) => {
        if (message.type === 'Heartbeat' && ++heartbeats > 1) return { ...message, imei: '860123456789022' };
        return message.type === 'LendFailure' ? undefined : message;
      },
    });
    const failed = failures(result);
    expect(failed[7]?.[0]).toBe('heartbeat: imei mismatch — expected: 860123456789014, the station\'s IMEI; received: 860123456789022 in CH heartbeat');
    expect(failed[4]).toEqual(['lend: no answer within 1.5 s — expected: the station answers CC (slot 1, power bank 1234567890) with MC.BO (lent) or MR.BF (lend failed); received: nothing']);
  });

  it('names noise and a frame with a bad CRC sent where an answer was due', async () => {
    const { result } = await harness({
      transform: (message) => (message.type === 'LendSuccess' ? undefined : message),
      after: (received, station) => (received.type === 'LendRequest' && received.slot === 1 ? [station.malformedFrame('noise'), station.malformedFrame('badCrc')] : []),
    });
    const lend = failures(result)[3]!;
    expect(lend.map((problem) => problem.replace(/ at byte \d+/, ' at byte N'))).toEqual([
      '23 bytes at byte N: discarded, noise — expected: complete frames, nothing between them but line endings; received: "AT+CSQ\\r\\n+CSQ: 23,99\\r\\nOK"',
      'frame at byte N {"860123456789014,CH,,3FCF"}: CRC error — expected: a frame that decodes; received: CRC 3FCF at byte 22 does not match 3FCE, the CRC-16/MODBUS of bytes 2..20',
      'lend: no answer within 1.5 s — expected: the station answers CC (slot 1, power bank 1234567890) with MC.BO (lent) or MR.BF (lend failed); received: nothing that decoded (a frame that did not: see their decodeError)',
    ]);
  });

  it('serves a station that brings lent banks back by itself, before the operator is asked', async () => {
    const { result, output } = await harness({ client: { returnAfter: 10 } });
    expect(failures(result)).toEqual({});
    expect(result.steps[4]?.notes[0]).toBe('the station sent this MQ before being asked (slot 1, power bank 1234567890); it was answered RQ.T');
    expect(output.filter((line) => line.includes('OPERATOR'))).toHaveLength(1);
  });

  it('names another CRC variant, and follows the flows anyway', async () => {
    const { result, output } = await harness({ station: { dialect: { crc: 'CRC-16/XMODEM' } } });
    const failed = failures(result);
    expect(Object.keys(failed).map(Number)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(failed[3]).toEqual([
      "the CRC is CRC-16/XMODEM over the fields; the protocol's is CRC-16/MODBUS over the fields (the harness followed such frames as if their CRC were right)",
      expect.stringMatching(/^frame at byte \d+ \{"860123456789014,MC,BO\.1\.1234567890,[0-9A-F]{4}"\}: CRC error — expected: a frame that decodes; received: CRC [0-9A-F]{4} at byte 37 does not match [0-9A-F]{4}, the CRC-16\/MODBUS of bytes 2\.\.35$/),
    ]);
    expect(output.filter((line) => line.includes('✓ lent:'))).toHaveLength(1);
  });

  it('accepts a refused lend of a bank with no charge left, saying the success path was not tested', async () => {
    const { result } = await harness({ station: { banks: [{ slot: 1, powerBankId: 'E1', charge: 'depleted' }], lendFailureRate: 1 } });
    expect(failures(result)).toEqual({});
    expect(result.steps[2]?.notes[0]).toContain('the station refused to lend E1, listed EM (no charge left)');
  });

  it('fails every step when the station says nothing', async () => {
    const { result } = await harness({ transform: () => undefined });
    expect(result.passed).toBe(false);
    expect(failures(result)[1]).toEqual(["expected a first frame carrying the station's IMEI within 1.5 s; received nothing"]);
    expect(result.steps.slice(1).every((step) => step.problems[0] === 'not run: the station never named itself')).toBe(true);
  });
});

describe('npm run harness (the command line)', () => {
  /** Runs the harness command, plays a station (correct or not) against it, and returns its exit code and output. */
  async function command(args: string[], deviations: DeviationCode[] = []): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/harness.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let client: StationClient | undefined;
    let inserted = 0;
    createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const listening = /^Listening on port (\d+)\./.exec(line);
      if (listening !== null) {
        const station = new StationSimulator({ imei, heartbeatInterval: 200, deviations, banks: [{ slot: 1, powerBankId: 'A1' }] });
        void connectStation(station, { port: Number(listening[1]), tickEvery: 50 }).then((connected) => (client = connected));
      }
      if (line.includes('OPERATOR')) setTimeout(() => client?.insert(client.station.emptySlots()[0]!, `R${++inserted}`), 50);
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    await client?.close();
    return { code, output: lines.join('\n') };
  }

  it('exits 0 when every step passed', { timeout: 30_000 }, async () => {
    const { code, output } = await command(['--port', '0', '--timeout', '3', '--settle', '0.05']);
    expect(output).toContain('All 7 steps passed');
    expect(code).toBe(0);
  });

  it('exits 1 when a step failed, naming the deviation', { timeout: 30_000 }, async () => {
    const { code, output } = await command(['--port', '0', '--timeout', '3', '--settle', '0.05'], ['LOWERCASE_CRC']);
    expect(output).toContain('LOWERCASE_CRC — expected: the CRC in uppercase hex');
    expect(code).toBe(1);
  });

  it('exits 2 when it cannot listen', { timeout: 30_000 }, async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    const { code, output } = await command(['--port', String(port), '--host', '127.0.0.1']);
    taken.close();
    expect(output).toContain(`cannot listen on port ${port}: listen EADDRINUSE`);
    expect(code).toBe(2);
  });

  it('exits 2 on a usage error', { timeout: 30_000 }, async () => {
    for (const args of [[], ['--port', 'x'], ['--port', '9000', '--timeout', '-1'], ['--bogus']]) {
      const { code, output } = await command(args);
      expect(output).toContain('usage: npm run harness -- --port N');
      expect(code).toBe(2);
    }
  });
});
