/**
 * `decode` on captures made by the real tools (test/fixtures/captures/make.sh: tcpdump,
 * tshark, editcap, mergecap), run as a user runs it: the built dist/cli.js as a child
 * process. What tshark reads in each capture (`*.tshark.txt`, made by the same script)
 * is the reference for the times and directions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { decode, jsonRows, type DecodeRow } from './support/runCli.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/captures/${name}`, import.meta.url));


/** tshark's packets with a TCP payload: epoch time (as printed) and source port. */
function tsharkPackets(name: string): Array<{ time: string; sourcePort: number }> {
  return readFileSync(fixture(`${name}.tshark.txt`), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [time = '', port = ''] = line.split('\t');
      return { time, sourcePort: Number(port) };
    });
}

/** An ISO time with its decimals as tshark prints epoch times: `1765054267.123456000`. */
function epochOf(iso: string): string {
  const [whole = '', fraction = ''] = iso.slice(0, -1).split('.');
  return `${Date.parse(`${whole}Z`) / 1000}.${fraction.padEnd(9, '0')}`;
}

const DEVICE = ['Heartbeat', 'StatusAnswer', 'OwnershipQuery', 'LendSuccess'];
const SERVER = ['StatusQuery', 'LendRequest', 'OwnershipAnswer', 'LendSuccessAck'];

describe('decode on captures made by tcpdump, tshark, editcap and mergecap', () => {
  const complete = ['lo.pcap', 'any-sll2.pcap', 'any-sll.pcap', 'ipv6.pcap', 'ipv6.pcapng', 'rawip.pcap', 'lossy.pcap', 'reordered.pcap', 'two-nano.pcap', 'two-nano.pcapng', 'two.pcapng'];
  for (const name of complete) {
    it(`${name}: every frame, in its connection, from its sender, at the time of a packet tshark shows from that side`, ({ expect }) => {
      const { status, stdout } = decode('--json', fixture(name));
      const rows = jsonRows(stdout);
      const messages = rows.filter((row) => row.kind === 'message');
      const connections = rows.filter((row) => row.kind === 'connection');
      expect(status).toBe(0);
      expect(connections.length).toBe(name.startsWith('two') ? 2 : 1);
      for (const connection of connections) expect(connection.roles).toBe('SYN');
      const byConnection = new Map<string, DecodeRow[]>();
      for (const row of messages) byConnection.set(row.connection!, [...(byConnection.get(row.connection!) ?? []), row]);
      expect(byConnection.size).toBe(connections.length * 2);
      const packets = tsharkPackets(name);
      // tcpdump writes microseconds unless told otherwise; dumpcap (tshark) nanoseconds.
      const decimals = name.includes('nano') || name === 'two.pcapng' ? 9 : 6;
      for (const [connection, list] of byConnection) {
        const sourcePort = Number(connection.split(' → ')[0]!.split(':').at(-1));
        const from = sourcePort === 9000 ? 'server' : 'device';
        expect(list.map((row) => row.type)).toEqual(from === 'device' ? DEVICE : SERVER);
        for (const row of list) {
          expect(row.from).toBe(from);
          expect(row.time!.split('.')[1]!.length).toBe(decimals + 1);
          expect(packets.some((packet) => packet.sourcePort === sourcePort && packet.time === epochOf(row.time!)), `${row.type} at ${row.time}`).toBe(true);
        }
      }
    });
  }

  it('prints a table with the time and the connection on each row, and a line per connection', ({ expect }) => {
    const { status, stdout } = decode(fixture('two.pcapng'));
    expect(status).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^time +connection +offset +from +type +crc +fields$/);
    expect(lines[1]).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z  127\.0\.0\.1:\d+ → 127\.0\.0\.1:9000 +0  device  Heartbeat +3FCE ok +imei=860123456789014$/);
    expect(lines.at(-3)).toMatch(/^connection 2 \(roles by SYN\): 127\.0\.0\.1:\d+ → 127\.0\.0\.1:9000 \(device\): 186 bytes, 4 frames; 127\.0\.0\.1:9000 → 127\.0\.0\.1:\d+ \(server\): 164 bytes, 4 frames$/);
    expect(lines.at(-2)).toBe('summary: 16 frames, 16 decoded, 0 errors, 0 noise bytes; 37 packets, 2 TCP connections');
  });

  it('counts what TCP sent again and out of order, and decodes each frame once', ({ expect }) => {
    expect(decode(fixture('lossy.pcap')).stdout).toMatch(/\(server\): 164 bytes, 4 frames, \d+ bytes sent again/);
    expect(decode(fixture('reordered.pcap')).stdout).toMatch(/\(device\): 186 bytes, 4 frames, 1 byte sent again, 3 segments out of order/);
  });

  it('reads a capture that starts mid-connection: no SYN, the roles by the frames, the first bytes as noise', ({ expect }) => {
    const { status, stdout } = decode('--json', fixture('mid.pcap'));
    const rows = jsonRows(stdout);
    expect(status).toBe(0);
    expect(rows.filter((row) => row.kind !== 'summary').map((row) => [row.kind, row.from, row.type, row.roles].filter((part) => part !== undefined).join(' '))).toEqual([
      'message server LendSuccessAck',
      'noise device',
      'connection frames',
    ]);
  });

  it('reports payloads cut by the snapshot length as gaps, never as frames, and exits 1', ({ expect }) => {
    const { status, stdout } = decode('--json', fixture('snap.pcap'));
    const rows = jsonRows(stdout);
    expect(status).toBe(1);
    expect(rows.filter((row) => row.kind === 'gap').length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.kind === 'message').every((row) => row.type === 'LendSuccess')).toBe(true);
    expect(rows.at(-1)!.errors!['GAP']).toBeGreaterThan(0);
  });

  it('reports a capture cut short, after every frame before the cut, and exits 1', ({ expect }) => {
    const { status, stdout } = decode(fixture('cut.pcap'));
    expect(status).toBe(1);
    expect(stdout).toMatch(/^capture: at byte \d+ of the file: the capture is cut short inside a record \(\d+ bytes left over\)$/m);
    expect(stdout).toMatch(/OwnershipAnswer/);
    expect(stdout).toMatch(/errors \(CAPTURE 1, TRUNCATED 1\)/);
  });

  it('takes the server port from --server-port, and refuses --from and --server-port where they do not apply', ({ expect }) => {
    const rows = jsonRows(decode('--json', '--server-port', '9000', fixture('lo.pcap')).stdout);
    expect(rows.filter((row) => row.kind === 'connection').map((row) => row.roles)).toEqual(['server port']);
    expect(decode('--from', 'device', fixture('lo.pcap'))).toMatchObject({ status: 2, stderr: expect.stringMatching(/--from does not apply to a pcap capture/) });
    expect(decode('--server-port', '9000', fixture('../session.bin'))).toMatchObject({ status: 2, stderr: expect.stringMatching(/--server-port applies to pcap and pcapng captures and to tshark follow output only/) });
  });
});

interface FlowRow {
  kind: string;
  station?: string | null;
  connectionId?: number | null;
  flow?: string;
  result?: string;
  time?: string | null;
  steps?: Array<{ move: string; from: string; time: string | null; offset: number | null }>;
  violations?: Array<{ violation: string; field?: string; time: string | null; offset: number | null; description: string }>;
  violation?: string;
  expected?: string;
  flows?: Record<string, number>;
  violations_?: never;
}

/** The milliseconds from one ISO time to another (to the microsecond). */
const between = (from: string, to: string) => Number((BigInt(epochOf(to).replace('.', '')) - BigInt(epochOf(from).replace('.', ''))) / 1000n) / 1000;

describe('decode --flows on captures made by tcpdump', () => {
  // flows.pcap (talk.mjs, scenario flows): on connection 1 the station answers a lend for
  // slot 2 with slot 3, the server never acknowledges a return report, and the station
  // answers a status query 2.5 s late; it then reconnects (connection 2) and fails a lend.
  it('lists each connection\'s flows with their steps and times, and every violation; exit 1', ({ expect }) => {
    const { status, stdout } = decode('--flows', '--json', fixture('flows.pcap'));
    expect(status).toBe(1);
    const rows = jsonRows(stdout) as FlowRow[];
    const summary = rows.at(-1)!;
    expect(summary).toEqual({ kind: 'summary', stations: 1, conversations: 2, flows: { statusAnswered: 2, lent: 1, unfinished: 1, lendFailed: 1 }, violations: { mismatch: 1 }, heartbeats: 2, gaps: 0 });
    const flows = rows.filter((row) => row.kind === 'flow');
    expect(flows.map((row) => `${row.connectionId} ${row.flow} ${row.result} ${row.steps!.map((step) => step.move).join(' ')}`)).toEqual([
      '1 status statusAnswered CQ AQ',
      '1 lend lent CC MC.BO AM.BO',
      '1 return unfinished MQ RQ.T MC.RO',
      '1 status statusAnswered CQ AQ',
      '2 lend lendFailed CC MR.BF AR.BF',
    ]);
    expect(rows.every((row) => row.kind === 'summary' || row.station === '860123456789014')).toBe(true);
    const lend = flows[1]!;
    expect(lend.violations).toMatchObject([{ violation: 'mismatch', field: 'slot', time: lend.steps![1]!.time }]);
    // Every step is at the time of a packet from its sender, as tshark shows them.
    const packets = tsharkPackets('flows.pcap');
    for (const step of flows.flatMap((row) => row.steps!)) {
      expect(packets.some((packet) => (packet.sourcePort === 9000) === (step.from === 'server') && packet.time === epochOf(step.time!))).toBe(true);
    }
    // The late status answer: 2.5 s after its query.
    const late = flows[3]!.steps!;
    expect(between(late[0]!.time!, late[1]!.time!)).toBeGreaterThan(2_400);
    expect(flows[2]).toMatchObject({ expected: 'the server acknowledges MC.RO (slot 1, power bank A7X93) with AM.RO' });
  });

  it('reports answers later than --answer-timeout at their deadline, and the late answer as unexpected', ({ expect }) => {
    const { status, stdout } = decode('--flows', '--json', '--answer-timeout', '2', fixture('flows.pcap'));
    expect(status).toBe(1);
    const rows = jsonRows(stdout) as FlowRow[];
    expect(rows.at(-1)).toMatchObject({ flows: { statusAnswered: 1, lent: 1, timeout: 2, lendFailed: 1 }, violations: { mismatch: 1, timeout: 2, unexpected: 1 } });
    const timedOut = rows.filter((row) => row.result === 'timeout');
    for (const flow of timedOut) {
      const [violation] = flow.violations!;
      expect(violation).toMatchObject({ violation: 'timeout', offset: null });
      expect(between(flow.steps!.at(-1)!.time!, violation!.time!)).toBe(2_000);
    }
    expect(rows.find((row) => row.kind === 'violation')).toMatchObject({ violation: 'unexpected', flow: 'status', connectionId: 1 });
  });

  it('prints a line per flow, each violation under its flow, and a summary', ({ expect }) => {
    const { stdout } = decode('--flows', '--answer-timeout', '2', '--heartbeat-gap', '3', fixture('flows.pcap'));
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('station 860123456789014');
    expect(lines[1]).toMatch(/^  connection 1  127\.0\.0\.1:\d+ → 127\.0\.0\.1:9000  2026-12-06 22:39:09\.585453 to 22:39:13\.825292 UTC$/);
    expect(stdout).toMatch(/^ {4}22:39:09\.751283 {2}lend {7}✗ lent {13}CC → MC\.BO \+401 ms → AM\.BO \+15\.1 ms {2}slot 3, power bank 1234567890$/m);
    expect(stdout).toMatch(/^ {21}✗ 22:39:10\.152355 slot mismatch — expected: 2, as in CC lend request: slot 2, power bank 1234567890; received: 3 in MC\.BO lent: slot 3, power bank 1234567890$/m);
    expect(stdout).toMatch(/^ {21}✗ 22:39:13\.121143 no answer within 2\.0 s — expected: the server acknowledges MC\.RO/m);
    expect(stdout).toMatch(/^ {4}22:39:12\.585453 {2}heartbeat {2}✗ heartbeat gap {4}heartbeat gap — expected: a heartbeat \(CH\) at least every 3\.0 s; received: nothing for /m);
    expect(lines.at(-2)).toBe('summary: 1 station, 2 connections; 5 flows (answered 1, lent 1, no answer 2, lend failed 1); 5 violations (mismatch 1, no answer 2, heartbeat gap 1, unexpected 1); 2 heartbeats');
  });

  it('keeps two connections of one station apart, and exits 0 when no rule is broken', ({ expect }) => {
    const { status, stdout } = decode('--flows', '--json', fixture('two.pcapng'));
    expect(status).toBe(0);
    const rows = jsonRows(stdout) as FlowRow[];
    expect(rows.at(-1)).toMatchObject({ stations: 1, conversations: 2, violations: {} });
    expect(new Set(rows.filter((row) => row.kind === 'flow').map((row) => row.connectionId))).toEqual(new Set([1, 2]));
  });

  it('reports the bytes a capture lacks as gaps in the flows of their connection', ({ expect }) => {
    const { status, stdout } = decode('--flows', '--json', fixture('snap.pcap'));
    expect(status).toBe(1);
    expect((jsonRows(stdout) as FlowRow[]).at(-1)!).toMatchObject({ kind: 'summary' });
    expect(jsonRows(stdout).filter((row) => row.kind === 'gap').length).toBeGreaterThan(0);
  });
});

