/**
 * From a captured packet to its TCP segment: the link layer (Ethernet with VLAN tags,
 * Linux cooked SLL and SLL2, BSD loopback, raw IP), then IPv4 or IPv6, then TCP. Never
 * throws: a packet that is not TCP is skipped, one that cannot be read says why.
 *
 * @module
 */

/** One end of a connection. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** A TCP segment: its ends, sequence number, flags and payload. */
export interface TcpSegment {
  readonly kind: 'segment';
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly sequence: number;
  readonly syn: boolean;
  readonly ack: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
  /** The payload bytes captured. */
  readonly payload: Uint8Array;
  /** Payload bytes the packet carried but the capture cut off (snapshot length). */
  readonly missing: number;
}

/** A packet with no TCP segment in it: `problem` when it should have had one but could not be read. */
export interface NotTcp {
  readonly kind: 'notTcp';
  readonly problem: boolean;
  readonly reason: string;
}

/** Link types (www.tcpdump.org/linktypes.html) this reader knows. */
export const LINK_TYPES: Readonly<Record<number, string>> = {
  0: 'BSD loopback',
  1: 'Ethernet',
  12: 'raw IP',
  14: 'raw IP',
  101: 'raw IP',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  228: 'raw IPv4',
  229: 'raw IPv6',
  276: 'Linux cooked v2 (SLL2)',
};

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
const TCP = 6;

const be16 = (bytes: Uint8Array, at: number) => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
const be32 = (bytes: Uint8Array, at: number) => ((be16(bytes, at) << 16) | be16(bytes, at + 2)) >>> 0;

const skip = (reason: string): NotTcp => ({ kind: 'notTcp', problem: false, reason });
const fail = (reason: string): NotTcp => ({ kind: 'notTcp', problem: true, reason });

/** The IP packet inside a link-layer frame, and its IP version by the link layer (0: read it from the packet). */
function ipOf(linkType: number, data: Uint8Array): { ip: Uint8Array; version: number } | NotTcp {
  const byEthertype = (type: number, at: number) =>
    type === ETHERTYPE_IPV4 ? { ip: data.subarray(at), version: 4 } : type === ETHERTYPE_IPV6 ? { ip: data.subarray(at), version: 6 } : skip(`ethertype 0x${type.toString(16).padStart(4, '0')}`);
  switch (linkType) {
    case 0:
    case 108: {
      if (data.length < 4) return fail('a loopback header is cut short');
      // DLT_NULL writes the address family in the capturing host's byte order.
      const family = linkType === 108 ? be32(data, 0) : data[0] === 0 && data[1] === 0 ? be32(data, 0) : (data[0] ?? 0) | ((data[1] ?? 0) << 8);
      if (family === 2) return { ip: data.subarray(4), version: 4 };
      if (family === 24 || family === 28 || family === 30 || family === 10) return { ip: data.subarray(4), version: 6 };
      return skip(`address family ${family}`);
    }
    case 1: {
      let at = 12;
      if (data.length < 14) return fail('an Ethernet header is cut short');
      while (VLAN_TAGS.has(be16(data, at)) && at + 6 <= data.length) at += 4;
      return byEthertype(be16(data, at), at + 2);
    }
    case 113:
      return data.length < 16 ? fail('a Linux cooked (SLL) header is cut short') : byEthertype(be16(data, 14), 16);
    case 276:
      return data.length < 20 ? fail('a Linux cooked (SLL2) header is cut short') : byEthertype(be16(data, 0), 20);
    case 12:
    case 14:
    case 101:
      return { ip: data, version: 0 };
    case 228:
      return { ip: data, version: 4 };
    case 229:
      return { ip: data, version: 6 };
    default:
      return fail(`link type ${linkType} is not one this tool reads (${[...new Set(Object.values(LINK_TYPES))].join(', ')})`);
  }
}

function ipv4Address(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** An IPv6 address as RFC 5952 writes it: lower case, the longest run of zero groups as `::`. */
export function ipv6Address(bytes: Uint8Array, at: number): string {
  const groups = Array.from({ length: 8 }, (_, index) => be16(bytes, at + 2 * index));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end === start ? start + 1 : end;
  }
  const hex = (list: number[]) => list.map((group) => group.toString(16)).join(':');
  return bestStart < 0 ? hex(groups) : `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** The TCP segment of a captured packet, or why there is none. */
export function tcpSegmentOf(linkType: number, data: Uint8Array): TcpSegment | NotTcp {
  const link = ipOf(linkType, data);
  if ('kind' in link) return link;
  const { ip } = link;
  if (ip.length < 1) return fail('the IP header is cut short');
  const version = (ip[0] ?? 0) >> 4;
  if (link.version !== 0 && version !== link.version) return fail(`the link layer announces IPv${link.version} but the packet is IPv${version}`);
  let protocol: number;
  let header: number;
  let claimed: number;
  let source: string;
  let destination: string;
  if (version === 4) {
    header = ((ip[0] ?? 0) & 0x0f) * 4;
    if (ip.length < 20 || header < 20 || ip.length < header) return fail('an IPv4 header is cut short');
    const fragment = be16(ip, 6);
    protocol = ip[9] ?? 0;
    if (protocol !== TCP) return skip(`IP protocol ${protocol}`);
    if ((fragment & 0x3fff) !== 0) return fail('an IPv4 fragment (fragments are not reassembled)');
    claimed = be16(ip, 2);
    source = ipv4Address(ip, 12);
    destination = ipv4Address(ip, 16);
  } else if (version === 6) {
    if (ip.length < 40) return fail('an IPv6 header is cut short');
    claimed = 40 + be16(ip, 4);
    source = `[${ipv6Address(ip, 8)}]`;
    destination = `[${ipv6Address(ip, 24)}]`;
    protocol = ip[6] ?? 0;
    header = 40;
    // Hop-by-hop, routing and destination options headers come before TCP.
    while (protocol === 0 || protocol === 43 || protocol === 60) {
      if (ip.length < header + 8) return fail('an IPv6 extension header is cut short');
      protocol = ip[header] ?? 0;
      header += ((ip[header + 1] ?? 0) + 1) * 8;
    }
    if (protocol === 44) return fail('an IPv6 fragment (fragments are not reassembled)');
    if (protocol !== TCP) return skip(`IP next header ${protocol}`);
  } else {
    return fail(`IP version ${version}`);
  }
  // Ethernet pads short frames: the IP length says where the packet ends.
  const end = Math.min(ip.length, claimed);
  if (claimed < header) return fail('an IP length shorter than its header');
  const tcp = ip.subarray(header, end);
  if (tcp.length < 20) return fail('a TCP header is cut short');
  const tcpHeader = ((tcp[12] ?? 0) >> 4) * 4;
  if (tcpHeader < 20 || tcpHeader > tcp.length) return fail('a TCP header is cut short');
  const flags = tcp[13] ?? 0;
  return {
    kind: 'segment',
    source: { address: source, port: be16(tcp, 0) },
    destination: { address: destination, port: be16(tcp, 2) },
    sequence: be32(tcp, 4),
    fin: (flags & 0x01) !== 0,
    syn: (flags & 0x02) !== 0,
    rst: (flags & 0x04) !== 0,
    ack: (flags & 0x10) !== 0,
    payload: tcp.subarray(tcpHeader),
    missing: Math.max(0, claimed - ip.length),
  };
}
