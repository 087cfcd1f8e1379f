/**
 * `powerbank-codec stations`, run the way a user runs it (the built dist/cli.js as a child
 * process) against servers on loopback: the example server, which follows the protocol,
 * and servers on the station hub broken on purpose, one way each. Short runs (1 to 2 s)
 * of 20 to 30 stations; every test is bounded in time.
 */
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodeToString, type LendOutcome, type Message, type StationHub } from 'powerbank-codec';
import { problemCounts, runStations, startExampleServer, startHubServer, type Breakage } from './support/stations.js';

/** A child process and a server on a busy machine: a hang guard, not a timing assertion. */
const SLOW = 30_000;

/** A short run: 20 stations for 1.5 s, a return each every 0.4 s, answers awaited 0.5 s. */
const SHORT = ['--count', '20', '--duration', '1.5', '--return-every', '0.4', '--heartbeat', '0.5', '--answer-timeout', '0.5', '--json'];

const target = (port: number) => ['--connect', `127.0.0.1:${port}`];

describe.concurrent('powerbank-codec stations against a server that follows the protocol', { timeout: SLOW }, () => {
  it('the example server: every station connects, every ownership query is answered, exit 0', async () => {
    const server = await startExampleServer();
    try {
      const { status, report, stderr } = await runStations([...target(server.port), '--count', '30', '--duration', '1.5', '--return-every', '0.3', '--heartbeat', '0.5', '--json']);
      expect({ status, stderr, problems: report?.problems }).toEqual({ status: 0, stderr: '', problems: [] });
      expect(report).toMatchObject({ ok: true, stations: 30, connections: { established: 30, reconnections: 0, peakOpen: 30, neverConnected: 0 } });
      // The server asks each station's status as it comes online; every bank is foreign to it, so every return is refused.
      expect(report!.frames.receivedByName).toMatchObject({ CQ: 30, 'RQ.F': report!.requests.ownership.sent });
      expect(report!.frames.sentByName).toMatchObject({ AQ: 30, MQ: report!.requests.ownership.sent });
      expect(report!.frames.sentByName['CH']).toBeGreaterThanOrEqual(30);
      expect(report!.requests.ownership.sent).toBeGreaterThanOrEqual(30);
      expect(report!.requests.ownership.answered).toBe(report!.requests.ownership.sent);
      expect(report!.requests.ownership.latencyMs.p50).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });

  it('a server that lends through the hub gets each lend answered, lent or failed, and the lent banks come back', async () => {
    const lends: Array<Promise<LendOutcome>> = [];
    const online: string[] = [];
    let hub: StationHub | undefined;
    const server = await startHubServer({
      onEvent(event) {
        if (event.type !== 'online') return;
        online.push(event.imei);
        queueMicrotask(() => {
          lends.push(hub!.queryStatus(event.imei, { now: Date.now() }).then(() => hub!.lend(event.imei, 1, { now: Date.now() })));
        });
      },
    });
    hub = server.hub;
    try {
      const { status, report } = await runStations([...target(server.port), '--count', '20', '--duration', '1.5', '--return-every', '0.5', '--lend-failure-rate', '0.5', '--json']);
      expect({ status, problems: report?.problems }).toEqual({ status: 0, problems: [] });
      const outcomes = (await Promise.all(lends)).map((lend) => lend.outcome);
      expect(outcomes).toHaveLength(20);
      expect(new Set(outcomes)).toEqual(new Set(['lent', 'failed']));
      const lent = outcomes.filter((outcome) => outcome === 'lent').length;
      expect(report!.frames.sentByName).toMatchObject({ 'MC.BO': lent, 'MR.BF': 20 - lent });
      expect(report!.requests.lendReport).toMatchObject({ sent: 20, answered: 20 });
      // A lent bank is the first to come back (accepted: the hub's ownership says yes to all).
      expect(report!.frames.sentByName['MC.RO']).toBeGreaterThan(0);
      expect(server.events.filter((event) => event.type === 'returned').length).toBe(report!.frames.sentByName['MC.RO']);
      // Twenty valid, distinct IMEIs.
      expect(new Set(online).size).toBe(20);
      for (const imei of online) expect(decode(encodeToString({ type: 'Heartbeat', imei }), { checkImei: 'luhn' }).ok).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('draws the same IMEIs from the same seed, others from another', async () => {
    const imeisOf = async (seed: string) => {
      const server = await startHubServer();
      try {
        await runStations([...target(server.port), '--count', '3', '--duration', '0.3', '--seed', seed]);
        return server.events.flatMap((event) => (event.type === 'online' ? [event.imei] : [])).sort();
      } finally {
        await server.stop();
      }
    };
    const [first, again, other] = await Promise.all([imeisOf('7'), imeisOf('7'), imeisOf('8')]);
    expect(first).toHaveLength(3);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});

/** The hub's frame, with `change` applied to its message. */
const altered = (change: (message: Message) => Message) => (message: Message) => encode(change(message));

const BROKEN: ReadonlyArray<[string, Partial<Parameters<typeof startHubServer>[0]> & Breakage, string, RegExp]> = [
  ['never acknowledges a return (no AM.RO)', { alter: (message, bytes) => (message.type === 'ReturnSuccessAck' ? undefined : bytes) }, 'unanswered', /,MC,RO\./],
  [
    'acknowledges a return naming another slot',
    { alter: (message, bytes) => (message.type === 'ReturnSuccessAck' ? altered((ack) => ({ ...ack, slot: 1 }) as Message)(message) : bytes) },
    'wrongSlot',
    /,AM,RO\.1\./,
  ],
  ['never answers an ownership query (no RQ)', { ownership: () => new Promise<boolean>(() => {}) }, 'unanswered', /,MQ,3\./],
  [
    'acknowledges a return naming slot 99, which the station does not have',
    { alter: (message, bytes) => (message.type === 'ReturnSuccessAck' ? encode({ ...message, slot: 99 }, { dialect: { slotCount: 999 } }) : bytes) },
    'wrongSlot',
    /,AM,RO\.99\./,
  ],
  [
    "acknowledges a return on another station's connection",
    { alter: (message, bytes) => (message.type === 'ReturnSuccessAck' ? altered((ack) => ({ ...ack, imei: '860123456789014' }))(message) : bytes) },
    'wrongImei',
    /^\{"860123456789014,AM,RO\./,
  ],
  ['answers ownership queries after the station gave up', { ownership: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 700)) }, 'unanswered', /,MQ,3\./],
  [
    'sends garbage and a frame with a bad CRC',
    { onConnection: (socket) => void socket.write('AT+CIPSEND\r\n{"860123456789014,CQ,,0000"}\r\n') },
    'undecodable',
    /^AT\+CIPSEND$/,
  ],
  ['drops every connection after 300 ms', { onConnection: (socket) => void setTimeout(() => socket.destroy(), 300) }, 'dropped', /^$/],
];

/** The breakage of the row of BROKEN that starts with `name`. */
const broken = (name: string) => BROKEN.find(([description]) => description.startsWith(name))![1];

describe.concurrent('powerbank-codec stations against a server that breaks the protocol', { timeout: SLOW }, () => {
  it.for(BROKEN)('names a server that %s, with an example, and exits 1', async ([, breakage, kind, frame]) => {
    const server = await startHubServer(breakage);
    try {
      const { status, report } = await runStations([...target(server.port), ...SHORT]);
      expect(status).toBe(1);
      expect(report!.ok).toBe(false);
      const problem = report!.problems.find((each) => each.kind === kind);
      expect(problem, JSON.stringify(report!.problems)).toBeDefined();
      expect(problem!.count).toBeGreaterThan(0);
      expect(problem!.example.frame ?? '').toMatch(frame);
    } finally {
      await server.stop();
    }
  });

  it('names requests for a slot the station does not have (slot 99), which it leaves unanswered', async () => {
    let hub: StationHub | undefined;
    const server = await startHubServer({
      dialect: { slotCount: 999 },
      onEvent: (event) => void (event.type === 'online' && queueMicrotask(() => void hub!.lend(event.imei, 99, { now: Date.now(), powerBankId: '1234567890', timeoutMs: 300 }))),
    });
    hub = server.hub;
    try {
      const { status, report } = await runStations([...target(server.port), ...SHORT]);
      expect(status).toBe(1);
      expect(problemCounts(report)).toEqual({ unknownSlot: 20 });
      expect(report!.problems[0]!.example).toMatchObject({ description: 'CC lend request: slot 99, power bank 1234567890: the station has 3 slots', frame: expect.stringMatching(/,CC,BW\.99\.1234567890,/) });
      expect(server.events.flatMap((event) => (event.type === 'settled' ? [event.result.outcome] : []))).toEqual(Array(20).fill('timeout'));
    } finally {
      await server.stop();
    }
  });

  it('prints each problem as text: what, how many times, a first example with its frame', async () => {
    const server = await startHubServer(broken('acknowledges a return naming another slot'));
    try {
      const { status, stdout } = await runStations([...target(server.port), ...SHORT.filter((arg) => arg !== '--json')]);
      expect(status).toBe(1);
      expect(stdout).toMatch(/^20 simulated stations against 127\.0\.0\.1:\d+ for \d+\.\d s\n/);
      expect(stdout).toContain('✗ The server broke the protocol (one way):');
      expect(stdout).toMatch(/ {2}✗ answers naming another slot than the request: \d+\n {6}e\.g\. station \d{15} at \d+\.\d s: return: slot mismatch — expected: 3, as in MC\.RO returned: slot 3, power bank \w+; received: 1 in AM\.RO return acknowledged: slot 1, power bank \w+\n {6}frame: \{"\d{15},AM,RO\.1\.\w+,[0-9A-F]{4}"\}\n/);
    } finally {
      await server.stop();
    }
  });

  it('with --no-reconnect, leaves a dropped connection closed', async () => {
    const server = await startHubServer(broken('drops every connection'));
    try {
      const { status, report } = await runStations([...target(server.port), ...SHORT, '--no-reconnect']);
      expect(status).toBe(1);
      expect(problemCounts(report)).toEqual({ dropped: 20 });
      expect(report!.connections).toMatchObject({ established: 20, reconnections: 0 });
    } finally {
      await server.stop();
    }
  });

  it('reconnects a dropped station after a delay, and sends its unanswered requests again', async () => {
    const server = await startHubServer({ onConnection: (socket) => void setTimeout(() => socket.destroy(), 200), ownership: () => new Promise<boolean>(() => {}) });
    try {
      const { report } = await runStations([...target(server.port), '--count', '5', '--duration', '2', '--return-every', '0.1', '--answer-timeout', '0.5', '--json']);
      expect(report!.connections.reconnections).toBeGreaterThan(0);
      expect(report!.resent).toBeGreaterThan(0);
      expect(problemCounts(report)['dropped']).toBe(report!.connections.established);
    } finally {
      await server.stop();
    }
  });
});

describe.concurrent('powerbank-codec stations: usage and setup errors exit 2 with one line', { timeout: SLOW }, () => {
  it.for([
    [[], 'stations needs the server: --connect HOST:PORT, e.g. --connect 127.0.0.1:9000 (see: powerbank-codec stations --help)'],
    [['--connect', 'localhost'], '--connect must be HOST:PORT, e.g. 127.0.0.1:9000; got "localhost"'],
    [['--connect', '127.0.0.1:9000', '--count', '0'], '--count must be a whole number from 1 to 100000; got "0"'],
    [['--connect', '127.0.0.1:9000', '--duration', '0'], '--duration must be a number from 0.1 to 1000000; got "0"'],
    [['--connect', '127.0.0.1:9000', '--heartbeat', '1e3'], '--heartbeat must be a number from 0.1 to 1000000; got "1e3"'],
    [['--connect', '127.0.0.1:9000', '--lend-failure-rate', '2'], '--lend-failure-rate must be a number from 0 to 1; got "2"'],
    [['--connect', '127.0.0.1:9000', '--count', '5000', '--duration', '5'], '--count 5000 at --ramp 500 a second takes 10.0 s to connect, longer than --duration 5; raise --ramp or --duration'],
    [['--connect', '127.0.0.1:9000', '--deviation', 'NOPE'], '--deviation[0] is "NOPE", not a deviation code (QUOTES, LINE_ENDING, SEPARATOR, LOWERCASE_CRC, MISSING_SEMICOLON, UNKNOWN_STATUS)'],
  ] as const)('%j', async ([args, message]) => {
    const { status, stdout, stderr } = await runStations(args);
    expect({ status, stdout, stderr }).toEqual({ status: 2, stdout: '', stderr: `powerbank-codec: ${message}\n` });
  });

  it('names a server that nobody listens on', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const { status, stderr } = await runStations([...target(port), '--count', '3', '--duration', '1']);
    expect({ status, stderr }).toEqual({ status: 2, stderr: `powerbank-codec: cannot connect to 127.0.0.1:${port}: ECONNREFUSED (is the server running, on that port?)\n` });
  });

  it('says when the open-files limit (ulimit -n) is too low for --count', async () => {
    const { status, stderr } = await runStations(['--connect', '127.0.0.1:9', '--count', '500', '--duration', '5'], 'ulimit -n 256');
    expect({ status, stderr }).toEqual({
      status: 2,
      stderr: 'powerbank-codec: --count 500 needs about 564 open files (a socket each), but this shell allows 256 (ulimit -n): raise it first, e.g. ulimit -n 1000 (the server needs as many on its side)\n',
    });
  });
});

describe('powerbank-codec stations and Ctrl-C', () => {
  it('ends the run early and prints the report', { timeout: SLOW }, async () => {
    const server = await startHubServer();
    try {
      const { spawn } = await import('node:child_process');
      const child = spawn(process.execPath, ['dist/cli.js', 'stations', ...target(server.port), '--count', '5', '--duration', '60']);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      for (let waited = 0; server.events.filter((event) => event.type === 'online').length < 5; waited += 20) {
        if (waited > 10_000) throw new Error('the stations did not connect');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGINT');
      const [status] = (await once(child, 'close')) as [number | null];
      expect(status).toBe(0);
      expect(stdout).toMatch(/^5 simulated stations against 127\.0\.0\.1:\d+ for \d+\.\d s \(stopped by Ctrl-C\)\n/);
      expect(stdout).toContain('✓ The server followed the protocol.');
    } finally {
      await server.stop();
    }
  });
});
