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
