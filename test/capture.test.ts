/**
 * Capture files read by `decode`: the pcap and pcapng reader, the link layers, TCP
 * reassembly and the connections, on captures written by test/support/pcapWriter.ts
 * (the real-tool captures are in test/cli-capture.test.ts).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { createDecoder, type DecoderItem } from 'powerbank-codec';
import { arbNoisyStream } from 'powerbank-codec/arbitraries';
import { CaptureReader, formatTime, type CaptureEvent } from '../src/cli/capture/pcap.js';
import { ipv6Address } from '../src/cli/capture/packets.js';
import { DirectionStream } from '../src/cli/capture/reassembly.js';
import { CaptureSession, type CaptureRow } from '../src/cli/capture/session.js';
import { ipPacket, linkFrame, writePcap, writePcapng, type PacketSpec } from './support/pcapWriter.js';

const text = (value: string) => new TextEncoder().encode(value);
const DEVICE = { source: '10.0.0.2', destination: '10.0.0.1', sourcePort: 51234, destinationPort: 9000 };
const SERVER = { source: '10.0.0.1', destination: '10.0.0.2', sourcePort: 9000, destinationPort: 51234 };
const T0 = 1_765_000_000_000_000_000n;

/** Everything a session makes of a capture file, read in chunks of `chunk` bytes. */
function readCapture(file: Uint8Array, chunk = 1 << 16, serverPort?: number): { rows: CaptureRow[]; session: CaptureSession; problems: string[] } {
  const reader = new CaptureReader();
  const session = new CaptureSession({ decoder: {}, serverPort, strict: false });
  const rows: CaptureRow[] = [];
  const problems: string[] = [];
  const take = (events: CaptureEvent[]) => {
    for (const event of events) {
      if (event.kind === 'packet') rows.push(...session.packet(event));
      else problems.push(event.message);
    }
  };
  for (let at = 0; at < file.length; at += chunk) take(reader.push(file.subarray(at, at + chunk)));
  take(reader.end());
  rows.push(...session.end());
  return { rows, session, problems };
}

/** What a decoder item says, without its byte views. */
const essence = (item: DecoderItem | CaptureRow['row']) =>
  item.kind === 'message' ? `${item.offset} ${item.message.type}` : item.kind === 'error' ? `${item.offset} ${item.error.code}` : 'offset' in item ? `${item.offset} ${item.kind} ${item.length}` : item.kind;

const FRAMES = ['{"860123456789014,CH,,3FCE"}\r\n', '{"860123456789014,CQ,,AFC5"}\r\n', '{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n'];

describe('capture files', () => {
  it('reads a frame split over segments, in either file format, byte order and time unit, read in any chunk size', ({ expect }) => {
    const frame = text(FRAMES[2]!);
    const packets: PacketSpec[] = [{ time: T0, data: ipPacket({ ...DEVICE, sequence: 99, syn: true, ack: false }) }];
    for (let at = 0; at < frame.length; at += 7) packets.push({ time: T0 + BigInt(at) * 1000n, data: ipPacket({ ...DEVICE, sequence: 100 + at, payload: frame.subarray(at, at + 7) }) });
    for (const write of [writePcap, writePcapng]) {
      for (const littleEndian of [true, false]) {
        for (const nano of [true, false]) {
          const file = write(packets.map(({ time, data }) => ({ time, data: linkFrame(1, data) })), { linkType: 1, littleEndian, nano });
          for (const chunk of [1, 5, 1 << 16]) {
            const { rows, problems } = readCapture(file, chunk);
            expect(problems).toEqual([]);
            expect(rows.map(({ row }) => essence(row))).toEqual(['0 LendSuccess']);
            expect(rows[0]).toMatchObject({ connection: '10.0.0.2:51234 → 10.0.0.1:9000', from: 'device' });
            expect(formatTime(rows[0]!.time)).toBe(nano ? '2025-12-06T05:46:40.000042000Z' : '2025-12-06T05:46:40.000042Z');
          }
        }
      }
    }
  });

  it('reads every link type: Ethernet, SLL, SLL2, BSD and OpenBSD loopback, raw IP; IPv4 and IPv6', ({ expect }) => {
    for (const linkType of [0, 1, 101, 108, 113, 228, 229, 276]) {
      for (const v6 of [false, true]) {
        if ((linkType === 228 && v6) || (linkType === 229 && !v6)) continue;
        const ends = v6 ? { ...DEVICE, source: 'fe80::1', destination: '2001:db8::42' } : DEVICE;
        const file = writePcap([{ time: T0, data: linkFrame(linkType, ipPacket({ ...ends, sequence: 1, payload: text(FRAMES[0]!) })) }], { linkType, littleEndian: true, nano: false });
        const { rows } = readCapture(file);
        expect(rows.map(({ row }) => essence(row)), `link type ${linkType}`).toEqual(['0 Heartbeat']);
        expect(rows[0]!.connection).toBe(v6 ? '[fe80::1]:51234 → [2001:db8::42]:9000' : '10.0.0.2:51234 → 10.0.0.1:9000');
      }
    }
  });

  it('writes IPv6 addresses as RFC 5952 does', ({ expect }) => {
    const bytes = (groups: number[]) => Uint8Array.from(groups.flatMap((group) => [group >> 8, group & 0xff]));
    expect(ipv6Address(bytes([0, 0, 0, 0, 0, 0, 0, 1]), 0)).toBe('::1');
    expect(ipv6Address(bytes([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), 0)).toBe('2001:db8::1:0:0:1');
    expect(ipv6Address(bytes([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]), 0)).toBe('2001:db8:0:1:1:1:1:1');
    expect(ipv6Address(bytes([1, 2, 3, 4, 5, 6, 7, 8]), 0)).toBe('1:2:3:4:5:6:7:8');
  });

  it('keeps two connections apart, and tells the station by the SYN, the server port, an earlier connection, or the frames', ({ expect }) => {
    const other = { ...DEVICE, source: '10.0.0.3', sourcePort: 40000 };
    const packets = [
      ipPacket({ ...DEVICE, sequence: 0, syn: true, ack: false }),
      ipPacket({ ...other, sequence: 500, payload: text(FRAMES[0]!.slice(0, 10)) }),
      ipPacket({ ...DEVICE, sequence: 1, payload: text(FRAMES[0]!.slice(0, 20)) }),
      ipPacket({ ...other, sequence: 510, payload: text(FRAMES[0]!.slice(10)) }),
      ipPacket({ ...DEVICE, sequence: 21, payload: text(FRAMES[0]!.slice(20)) }),
      ipPacket({ ...SERVER, sequence: 7000, payload: text(FRAMES[1]!) }),
    ].map((data, index) => ({ time: T0 + BigInt(index) * 1_000_000n, data }));
    const { rows, session } = readCapture(writePcap(packets, { linkType: 101, littleEndian: true, nano: false }));
    expect(rows.map(({ row, connection, from }) => `${connection} ${from} ${essence(row)}`)).toEqual([
      '10.0.0.3:40000 → 10.0.0.1:9000 device 0 Heartbeat',
      '10.0.0.2:51234 → 10.0.0.1:9000 device 0 Heartbeat',
      '10.0.0.1:9000 → 10.0.0.2:51234 server 0 StatusQuery',
    ]);
    expect(session.summaries().map(({ id, roles }) => `${id} ${roles}`)).toEqual(['1 SYN', '2 earlier connection']);
    // No SYN, no earlier connection: the frames tell; a server frame first makes the other side the station.
    const late = writePcap([ipPacket({ ...SERVER, sequence: 5, payload: text(FRAMES[1]!) }), ipPacket({ ...DEVICE, sequence: 9, payload: text(FRAMES[0]!) })].map((data) => ({ time: T0, data })), { linkType: 101, littleEndian: true, nano: false });
    const byFrames = readCapture(late);
    expect(byFrames.rows.map(({ from, row }) => `${from} ${essence(row)}`)).toEqual(['server 0 StatusQuery', 'device 0 Heartbeat']);
    expect(byFrames.session.summaries()[0]!.roles).toBe('frames');
    // --server-port wins over what the frames say: a station frame from the server is refused.
    const byPort = readCapture(writePcap([{ time: T0, data: ipPacket({ ...SERVER, sequence: 5, payload: text(FRAMES[0]!) }) }], { linkType: 101, littleEndian: true, nano: false }), 1 << 16, 9000);
    expect(byPort.rows.map(({ from, row }) => `${from} ${essence(row)}`)).toEqual(['server 0 DIRECTION']);
  });

  it('reports a gap where bytes never came, and does not join the frames around it', ({ expect }) => {
    const frames = text(FRAMES.join(''));
    const packets = [ipPacket({ ...DEVICE, sequence: 1, payload: frames.subarray(0, 40) }), ipPacket({ ...DEVICE, sequence: 51, payload: frames.subarray(50) })].map((data) => ({ time: T0, data }));
    const { rows } = readCapture(writePcap(packets, { linkType: 101, littleEndian: true, nano: false }));
    expect(rows.map(({ row }) => essence(row))).toEqual(['0 Heartbeat', '30 truncated 10', '40 gap 10', '50 noise 8', '60 LendSuccess']);
  });

  it('reports a file cut short or damaged, after what it could read', ({ expect }) => {
    const file = writePcap([0, 1].map((index) => ({ time: T0, data: ipPacket({ ...DEVICE, sequence: 1 + 30 * index, payload: text(FRAMES[0]!) }) })), { linkType: 101, littleEndian: true, nano: false });
    const cut = readCapture(file.subarray(0, file.length - 5));
    expect(cut.rows.map(({ row }) => essence(row))).toEqual(['0 Heartbeat']);
    expect(cut.problems).toEqual(['the capture is cut short inside a record (81 bytes left over)']);
    const damaged = file.slice();
    new DataView(damaged.buffer).setUint32(24 + 8, 0x7fffffff, true);
    expect(readCapture(damaged).problems).toEqual(['a record claims 2147483647 bytes, more than a pcap record holds: the file is damaged']);
    expect(readCapture(text('not a capture at all')).problems).toEqual(['not a pcap or pcapng file']);
  });

  it('reassembles out-of-order, retransmitted and overlapping segments, and wraps around the sequence space', ({ expect }) => {
    const stream = new DirectionStream();
    const bytes = text('0123456789');
    stream.syn(0xfffffffb);
    const delivered: string[] = [];
    const take = (pieces: ReturnType<DirectionStream['segment']>) => pieces.forEach((piece) => delivered.push(piece.kind === 'data' ? new TextDecoder().decode(piece.bytes) : `<gap ${piece.length}>`));
    take(stream.segment(0xfffffffe, bytes.subarray(2, 6), 0));
    take(stream.segment(0xfffffffc, bytes.subarray(0, 3), 0));
    take(stream.segment(0xfffffffc, bytes.subarray(0, 2), 0));
    take(stream.segment(2, bytes.subarray(6, 10), 0));
    expect(delivered).toEqual(['012', '345', '6789']);
    expect([stream.retransmittedBytes, stream.outOfOrderSegments]).toEqual([3, 1]);
  });
});

describe('capture property', () => {
  it('any byte stream cut into TCP segments, reordered within a window and partly sent again, as pcap and as pcapng, decodes as the stream itself', () => {
    const arbitrary = fc.record({
      stream: arbNoisyStream({ maxFrames: 6 }),
      cuts: fc.array(fc.nat(), { maxLength: 30 }),
      swaps: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 })), { maxLength: 10 }),
      again: fc.array(fc.nat(), { maxLength: 5 }),
      linkType: fc.constantFrom(0, 1, 101, 113, 276),
      v6: fc.boolean(),
      littleEndian: fc.boolean(),
      nano: fc.boolean(),
      start: fc.nat(),
    });
    fc.assert(
      fc.property(arbitrary, ({ stream, cuts, swaps, again, linkType, v6, littleEndian, nano, start }) => {
        const options = { dialect: stream.dialect, from: 'device' as const };
        const decoder = createDecoder(options);
        const expected = [...decoder.push(stream.bytes), ...decoder.end()].map(essence);
        const bytes = stream.bytes;
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...points, bytes.length].filter((point, index, list) => index === 0 || point > list[index - 1]!);
        const ends = v6 ? { ...DEVICE, source: '2001:db8::2', destination: '2001:db8::1' } : DEVICE;
        let segments = bounds.slice(1).map((end, index) => ({ from: bounds[index]!, end }));
        for (const [at, by] of segments.length < 2 ? [] : swaps) {
          const index = at % Math.max(1, segments.length);
          const other = Math.min(segments.length - 1, index + by);
          [segments[index], segments[other]] = [segments[other]!, segments[index]!];
        }
        segments = [...segments, ...again.filter(() => segments.length > 0).map((index) => segments[index % segments.length]!)];
        const packets = [ipPacket({ ...ends, sequence: start, syn: true, ack: false }), ...segments.map(({ from, end }) => ipPacket({ ...ends, sequence: (start + 1 + from) >>> 0, payload: bytes.subarray(from, end) }))];
        const specs = packets.map((data, index) => ({ time: T0 + BigInt(index) * 1_000n, data: linkFrame(linkType, data) }));
        for (const write of [writePcap, writePcapng]) {
          const { rows, problems } = readCapture(write(specs, { linkType, littleEndian, nano }));
          if (problems.length > 0) return false;
          const got = rows.map(({ row }) => essence(row));
          if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`got ${JSON.stringify(got)}\nexpected ${JSON.stringify(expected)}`);
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('damaged captures', () => {
  const files = ['lo.pcap', 'ipv6.pcapng', 'two.pcapng', 'any-sll2.pcap'].map((name) => new Uint8Array(readFileSync(new URL(`./fixtures/captures/${name}`, import.meta.url))));
  it('never throw: any bytes changed, cut or repeated, the reader and the session report and go on', () => {
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), fc.nat(), fc.nat({ max: 300 }), (which, changes, cut, chunk) => {
        const file = files[which]!.slice(0, files[which]!.length - (cut % 200));
        for (const [at, byte] of changes) file[at % file.length] = byte;
        readCapture(file, chunk + 1);
        readCapture(file, chunk + 1, 9000);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a connection that ends', () => {
  it('reports the frame the station left unfinished at its FIN, before what comes after', ({ expect }) => {
    const other = { ...DEVICE, source: '10.0.0.3' };
    const packets = [
      ipPacket({ ...DEVICE, sequence: 0, syn: true, ack: false }),
      ipPacket({ ...DEVICE, sequence: 1, payload: text(FRAMES[0]!.slice(0, 12)) }),
      ipPacket({ ...DEVICE, sequence: 13, fin: true }),
      ipPacket({ ...other, sequence: 0, syn: true, ack: false }),
      ipPacket({ ...other, sequence: 1, payload: text(FRAMES[0]!) }),
    ].map((data, index) => ({ time: T0 + BigInt(index) * 1_000_000n, data }));
    const { rows } = readCapture(writePcap(packets, { linkType: 101, littleEndian: true, nano: false }));
    expect(rows.map(({ row, connection, time }) => `${formatTime(time)} ${connection} ${essence(row)}`)).toEqual([
      '2025-12-06T05:46:40.002000Z 10.0.0.2:51234 → 10.0.0.1:9000 0 truncated 12',
      '2025-12-06T05:46:40.004000Z 10.0.0.3:51234 → 10.0.0.1:9000 0 Heartbeat',
    ]);
  });
});
