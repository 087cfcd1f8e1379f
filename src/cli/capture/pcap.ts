/**
 * Capture files: pcap (either byte order, microsecond or nanosecond timestamps) and
 * pcapng (sections of either byte order, interfaces with their link type, `if_tsresol`
 * and `if_tsoffset`; enhanced, simple and obsolete packet blocks), read as the bytes
 * arrive. Never throws on the file's content: what cannot be read is a problem event,
 * and everything read before it is kept.
 *
 * @module
 */

/**
 * A capture timestamp: nanoseconds since 1970 (UTC), and how many decimals the capture
 * has. A log's time is shown as the log wrote it (`text`); its `nanoseconds` then only
 * order times and measure between them (a log without a date or a zone counts from its
 * first day, as if in UTC).
 */
export interface CaptureTime {
  readonly nanoseconds: bigint;
  /** Decimals of a second the capture records: 6 for microseconds, 9 for nanoseconds. */
  readonly digits: number;
  /** The time as a log wrote it (`17:03:01.003`), shown instead of the UTC form. */
  readonly text?: string;
}

/** One packet record, numbered from 1 as Wireshark numbers frames. */
export interface CapturedPacket {
  readonly kind: 'packet';
  readonly number: number;
  readonly linkType: number;
  /** Undefined for a pcapng simple packet block, which has no timestamp. */
  readonly time: CaptureTime | undefined;
  /** The bytes captured (fewer than `originalLength` when the snapshot length cut it). */
  readonly data: Uint8Array;
  readonly originalLength: number;
}

/** Something the file got wrong, at a byte offset in the file. `fatal`: nothing after it can be read. */
export interface CaptureProblem {
  readonly kind: 'problem';
  readonly offset: number;
  readonly message: string;
  readonly fatal: boolean;
}

export type CaptureEvent = CapturedPacket | CaptureProblem;

export type CaptureFormat = 'pcap' | 'pcapng';

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const PCAPNG_SECTION = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
/** Larger records than these are taken for corruption, as Wireshark does. */
const MAX_PCAP_RECORD = 0x40000;
const MAX_PCAPNG_BLOCK = 16 * 1024 * 1024;

const u32 = (bytes: Uint8Array, at: number, little: boolean) => new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, little);
const u16 = (bytes: Uint8Array, at: number, little: boolean) => new DataView(bytes.buffer, bytes.byteOffset + at, 2).getUint16(0, little);

/**
 * The capture format whose magic numbers open `head` (its first 12 bytes), if any: the
 * pcap magic and version 2, or the pcapng section header type and byte-order magic (a
 * raw stream may well start with the section type, CR LF CR LF read backwards).
 */
export function captureFormatOf(head: Uint8Array): CaptureFormat | undefined {
  if (head.length < 4) return undefined;
  if (u32(head, 0, false) === PCAPNG_SECTION) {
    return head.length >= 12 && (u32(head, 8, true) === PCAPNG_BYTE_ORDER || u32(head, 8, false) === PCAPNG_BYTE_ORDER) ? 'pcapng' : undefined;
  }
  for (const little of [false, true]) {
    const value = u32(head, 0, little);
    // The pcap magic is no text: a file cut before its version is still a capture (cut short).
    if ((value === PCAP_MICRO || value === PCAP_NANO) && (head.length < 6 || u16(head, 4, little) === 2)) return 'pcap';
  }
  return undefined;
}

/** `time` as ISO-8601 UTC with the capture's decimals: `2026-12-06T21:04:20.123456Z` (a log's time as the log wrote it). */
export function formatTime(time: CaptureTime | undefined): string {
  if (time === undefined) return '-';
  if (time.text !== undefined) return time.text;
  const { nanoseconds, digits } = time;
  const seconds = nanoseconds / 1_000_000_000n - (nanoseconds < 0n && nanoseconds % 1_000_000_000n !== 0n ? 1n : 0n);
  const fraction = nanoseconds - seconds * 1_000_000_000n;
  const milliseconds = Number(seconds) * 1000;
  if (!(Math.abs(milliseconds) <= 8.64e15)) return `${seconds}.${fraction.toString().padStart(9, '0').slice(0, digits)}s`;
  const whole = new Date(milliseconds).toISOString().slice(0, 19);
  return digits === 0 ? `${whole}Z` : `${whole}.${fraction.toString().padStart(9, '0').slice(0, digits)}Z`;
}

/** A pcapng interface: its link type, snapshot length and timestamp units. */
interface Interface {
  readonly linkType: number;
  readonly snapLength: number;
  /** Timestamp units per second as a power: base 10 or 2, and the exponent. */
  readonly base: 10 | 2;
  readonly exponent: number;
  /** Seconds added to every timestamp (`if_tsoffset`). */
  readonly offset: bigint;
}

function interfaceTime(iface: Interface, units: bigint): CaptureTime {
  const { base, exponent } = iface;
  let nanoseconds: bigint;
  if (base === 10) nanoseconds = exponent <= 9 ? units * 10n ** BigInt(9 - exponent) : units / 10n ** BigInt(exponent - 9);
  else nanoseconds = (units * 1_000_000_000n) >> BigInt(exponent);
  const digits = Math.min(9, base === 10 ? exponent : Math.ceil(exponent * Math.LOG10E * Math.LN2));
  return { nanoseconds: nanoseconds + iface.offset * 1_000_000_000n, digits };
}

/**
 * Reads a pcap or pcapng file pushed chunk by chunk: `push` returns the packets (and
 * problems) that the chunk completes; `end` reports a file cut short.
 */
export class CaptureReader {
  private buffer: Uint8Array = new Uint8Array(0);
  /** File offset of `buffer[0]`. */
  private base = 0;
  private format: CaptureFormat | undefined;
  private stopped = false;
  private packets = 0;
  // pcap
  private pcapLittle = false;
  private pcapNano = false;
  private pcapLinkType: number | undefined;
  // pcapng: the current section's byte order and interfaces
  private sectionLittle = false;
  private interfaces: Interface[] = [];

  push(chunk: Uint8Array): CaptureEvent[] {
    if (this.stopped) return [];
    if (this.buffer.length === 0) this.buffer = chunk;
    else {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
    }
    const events: CaptureEvent[] = [];
    let used = 0;
    while (!this.stopped) {
      const step = this.step(this.buffer.subarray(used), this.base + used, events);
      if (step === 0) break;
      used += step;
    }
    this.buffer = this.stopped ? new Uint8Array(0) : this.buffer.subarray(used);
    this.base += used;
    return events;
  }

  /** The end of the file: a problem if it stops inside a header or a record. */
  end(): CaptureEvent[] {
    if (this.stopped || this.buffer.length === 0) return [];
    const left = this.buffer.length;
    this.stopped = true;
    const what = this.format === undefined || (this.format === 'pcap' && this.pcapLinkType === undefined) ? 'inside the file header' : 'inside a record';
    return [{ kind: 'problem', offset: this.base, message: `the capture is cut short ${what} (${left} byte${left === 1 ? '' : 's'} left over)`, fatal: true }];
  }

  private stop(events: CaptureEvent[], offset: number, message: string): number {
    events.push({ kind: 'problem', offset, message, fatal: true });
    this.stopped = true;
    return 0;
  }

  /** Reads one header, record or block from the start of `bytes`; returns the bytes used (0: need more). */
  private step(bytes: Uint8Array, offset: number, events: CaptureEvent[]): number {
    if (this.format === undefined) {
      if (bytes.length < 12) return 0;
      this.format = captureFormatOf(bytes.subarray(0, 12));
      if (this.format === undefined) return this.stop(events, offset, 'not a pcap or pcapng file');
    }
    return this.format === 'pcap' ? this.pcapStep(bytes, offset, events) : this.pcapngStep(bytes, offset, events);
  }

  private pcapStep(bytes: Uint8Array, offset: number, events: CaptureEvent[]): number {
    if (this.pcapLinkType === undefined) {
      if (bytes.length < 24) return 0;
      this.pcapLittle = u32(bytes, 0, true) === PCAP_MICRO || u32(bytes, 0, true) === PCAP_NANO;
      this.pcapNano = u32(bytes, 0, this.pcapLittle) === PCAP_NANO;
      const major = u16(bytes, 4, this.pcapLittle);
      if (major !== 2) return this.stop(events, offset, `pcap version ${major} is not 2`);
      this.pcapLinkType = u32(bytes, 20, this.pcapLittle) & 0xffff;
      return 24;
    }
    if (bytes.length < 16) return 0;
    const little = this.pcapLittle;
    const captured = u32(bytes, 8, little);
    if (captured > MAX_PCAP_RECORD) return this.stop(events, offset, `a record claims ${captured} bytes, more than a pcap record holds: the file is damaged`);
    if (bytes.length < 16 + captured) return 0;
    const seconds = BigInt(u32(bytes, 0, little));
    const fraction = BigInt(u32(bytes, 4, little));
    const time = { nanoseconds: seconds * 1_000_000_000n + (this.pcapNano ? fraction : fraction * 1000n), digits: this.pcapNano ? 9 : 6 };
    events.push({ kind: 'packet', number: ++this.packets, linkType: this.pcapLinkType, time, data: bytes.subarray(16, 16 + captured), originalLength: u32(bytes, 12, little) });
    return 16 + captured;
  }

  private pcapngStep(bytes: Uint8Array, offset: number, events: CaptureEvent[]): number {
    if (bytes.length < 12) return 0;
    let little = this.sectionLittle;
    if (u32(bytes, 0, false) === PCAPNG_SECTION) {
      const order = u32(bytes, 8, true);
      if (order !== PCAPNG_BYTE_ORDER && u32(bytes, 8, false) !== PCAPNG_BYTE_ORDER) return this.stop(events, offset, 'a pcapng section header has no byte-order magic: the file is damaged');
      little = order === PCAPNG_BYTE_ORDER;
    }
    const type = u32(bytes, 0, little);
    const length = u32(bytes, 4, little);
    if (length < 12 || length % 4 !== 0 || length > MAX_PCAPNG_BLOCK) return this.stop(events, offset, `a pcapng block of type 0x${type.toString(16)} claims ${length} bytes: the file is damaged`);
    if (bytes.length < length) return 0;
    if (u32(bytes, length - 4, little) !== length) return this.stop(events, offset, `a pcapng block of type 0x${type.toString(16)} ends with a length other than its own: the file is damaged`);
    const block = bytes.subarray(0, length - 4);
    const problem = (message: string) => events.push({ kind: 'problem', offset, message, fatal: false });
    switch (type) {
      case PCAPNG_SECTION:
        this.sectionLittle = little;
        this.interfaces = [];
        break;
      case 1:
        if (block.length < 16) problem('an interface description block is too short: its packets are skipped');
        this.interfaces.push(block.length < 16 ? { linkType: -1, snapLength: 0, base: 10, exponent: 6, offset: 0n } : this.interfaceOf(block, little));
        break;
      case 6:
      case 2: {
        if (block.length < 28) {
          problem('a packet block is too short: skipped');
          break;
        }
        const id = type === 6 ? u32(block, 8, little) : u16(block, 8, little);
        const captured = u32(block, 20, little);
        const iface = this.interfaces[id];
        const number = ++this.packets;
        if (iface === undefined || iface.linkType < 0) problem(`packet ${number} names interface ${id}, which the section does not describe: skipped`);
        else if (28 + captured > block.length) problem(`packet ${number} claims ${captured} bytes, more than its block holds: skipped`);
        else {
          const units = (BigInt(u32(block, 12, little)) << 32n) | BigInt(u32(block, 16, little));
          events.push({ kind: 'packet', number, linkType: iface.linkType, time: interfaceTime(iface, units), data: block.subarray(28, 28 + captured), originalLength: u32(block, 24, little) });
        }
        break;
      }
      case 3: {
        const iface = this.interfaces[0];
        const number = ++this.packets;
        if (iface === undefined || iface.linkType < 0) problem(`packet ${number} (a simple packet block) comes before any interface description: skipped`);
        else {
          const original = u32(block, 8, little);
          let captured = Math.min(original, block.length - 12);
          if (iface.snapLength > 0) captured = Math.min(captured, iface.snapLength);
          events.push({ kind: 'packet', number, linkType: iface.linkType, time: undefined, data: block.subarray(12, 12 + captured), originalLength: original });
        }
        break;
      }
      default:
        // Name resolution, statistics, decryption secrets, custom blocks: nothing to decode.
        break;
    }
    return length;
  }

  private interfaceOf(block: Uint8Array, little: boolean): Interface {
    let base: 10 | 2 = 10;
    let exponent = 6;
    let offset = 0n;
    for (let at = 16; at + 4 <= block.length; ) {
      const code = u16(block, at, little);
      const size = u16(block, at + 2, little);
      if (code === 0 || at + 4 + size > block.length) break;
      if (code === 9 && size >= 1) {
        const resolution = block[at + 4] ?? 6;
        base = resolution & 0x80 ? 2 : 10;
        exponent = resolution & 0x7f;
      }
      if (code === 14 && size >= 8) offset = new DataView(block.buffer, block.byteOffset + at + 4, 8).getBigInt64(0, little);
      at += 4 + size + ((4 - (size % 4)) % 4);
    }
    return { linkType: u16(block, 8, little), snapLength: u32(block, 12, little), base, exponent, offset };
  }
}
