/**
 * A small pcap and pcapng writer for tests: TCP segments over IPv4 or IPv6 in any of the
 * link types the CLI reads, in either byte order, with microsecond or nanosecond times.
 * Real tools on loopback never reorder or lose segments; this writer does what a lossy
 * network would.
 */

import { concat } from './streams.js';

export interface TcpSpec {
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly sequence: number;
  readonly syn?: boolean;
  readonly ack?: boolean;
  readonly fin?: boolean;
  readonly payload?: Uint8Array;
}

export interface PacketSpec {
  /** Nanoseconds since 1970. */
  readonly time: bigint;
  readonly data: Uint8Array;
}

function addressBytes(address: string): Uint8Array {
  if (!address.includes(':')) return Uint8Array.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((group) => Number.parseInt(group, 16)));
  const front = groups(head);
  const back = address.includes('::') ? groups(tail) : [];
  const all = [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return Uint8Array.from(all.flatMap((group) => [group >> 8, group & 0xff]));
}

/** An IP packet (v4 or v6 by the addresses) holding one TCP segment. */
export function ipPacket(spec: TcpSpec): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  const tcp = new Uint8Array(20 + payload.length);
  const view = new DataView(tcp.buffer);
  view.setUint16(0, spec.sourcePort);
  view.setUint16(2, spec.destinationPort);
  view.setUint32(4, spec.sequence >>> 0);
  tcp[12] = 5 << 4;
  tcp[13] = (spec.fin ? 1 : 0) | (spec.syn ? 2 : 0) | (spec.ack ?? true ? 0x10 : 0) | (payload.length > 0 ? 8 : 0);
  view.setUint16(14, 65535);
  tcp.set(payload, 20);
  const source = addressBytes(spec.source);
  const destination = addressBytes(spec.destination);
  if (source.length === 4) {
    const header = new Uint8Array(20);
    const ip = new DataView(header.buffer);
    header[0] = 0x45;
    ip.setUint16(2, 20 + tcp.length);
    header[8] = 64;
    header[9] = 6;
    header.set(source, 12);
    header.set(destination, 16);
    return concat([header, tcp]);
  }
  const header = new Uint8Array(40);
  const ip = new DataView(header.buffer);
  header[0] = 0x60;
  ip.setUint16(4, tcp.length);
  header[6] = 6;
  header[7] = 64;
  header.set(source, 8);
  header.set(destination, 24);
  return concat([header, tcp]);
}

/** The link-layer frame of `ip` for `linkType` (0, 1, 101, 108, 113, 228, 229, 276). */
export function linkFrame(linkType: number, ip: Uint8Array): Uint8Array {
  const v6 = ip[0]! >> 4 === 6;
  const ethertype = v6 ? [0x86, 0xdd] : [0x08, 0x00];
  switch (linkType) {
    case 0:
      return concat([Uint8Array.of(v6 ? 30 : 2, 0, 0, 0), ip]);
    case 108:
      return concat([Uint8Array.of(0, 0, 0, v6 ? 24 : 2), ip]);
    case 1:
      return concat([new Uint8Array(12), Uint8Array.of(...ethertype), ip]);
    case 113:
      return concat([Uint8Array.of(0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...ethertype), ip]);
    case 276:
      return concat([Uint8Array.of(...ethertype, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0), ip]);
    default:
      return ip;
  }
}

export interface FileOptions {
  readonly linkType: number;
  readonly littleEndian: boolean;
  /** Nanosecond timestamps (pcap magic a1b23c4d, pcapng if_tsresol 9); microseconds otherwise. */
  readonly nano: boolean;
}

export function writePcap(packets: readonly PacketSpec[], options: FileOptions): Uint8Array {
  const { littleEndian: le, nano } = options;
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4, le);
  header.setUint16(4, 2, le);
  header.setUint16(6, 4, le);
  header.setUint32(16, 262144, le);
  header.setUint32(20, options.linkType, le);
  const records = packets.map(({ time, data }) => {
    const record = new DataView(new ArrayBuffer(16));
    record.setUint32(0, Number(time / 1_000_000_000n), le);
    record.setUint32(4, Number(nano ? time % 1_000_000_000n : (time % 1_000_000_000n) / 1000n), le);
    record.setUint32(8, data.length, le);
    record.setUint32(12, data.length, le);
    return concat([new Uint8Array(record.buffer), data]);
  });
  return concat([new Uint8Array(header.buffer), ...records]);
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = new Uint8Array(Math.ceil(body.length / 4) * 4);
  padded.set(body);
  const length = 12 + padded.length;
  const head = new DataView(new ArrayBuffer(8));
  head.setUint32(0, type, le);
  head.setUint32(4, length, le);
  const tail = new DataView(new ArrayBuffer(4));
  tail.setUint32(0, length, le);
  return concat([new Uint8Array(head.buffer), padded, new Uint8Array(tail.buffer)]);
}

export function writePcapng(packets: readonly PacketSpec[], options: FileOptions): Uint8Array {
  const { littleEndian: le, nano } = options;
  const section = new DataView(new ArrayBuffer(16));
  section.setUint32(0, 0x1a2b3c4d, le);
  section.setUint16(4, 1, le);
  section.setBigInt64(8, -1n, le);
  const iface = new DataView(new ArrayBuffer(16));
  iface.setUint16(0, options.linkType, le);
  iface.setUint32(4, 262144, le);
  // if_tsresol (9), one byte, padded; then opt_endofopt.
  iface.setUint16(8, 9, le);
  iface.setUint16(10, 1, le);
  iface.setUint8(12, nano ? 9 : 6);
  const blocks = packets.map(({ time, data }) => {
    const units = nano ? time : time / 1000n;
    const head = new DataView(new ArrayBuffer(20));
    head.setUint32(4, Number(units >> 32n), le);
    head.setUint32(8, Number(units & 0xffffffffn), le);
    head.setUint32(12, data.length, le);
    head.setUint32(16, data.length, le);
    return block(6, concat([new Uint8Array(head.buffer), data]), le);
  });
  return concat([block(0x0a0d0d0a, new Uint8Array(section.buffer), le), block(1, new Uint8Array(iface.buffer), le), ...blocks]);
}
