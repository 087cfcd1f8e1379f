/**
 * Writers of the log formats `decode` reads (src/cli/logs/), as the tools write them:
 * used by test/fixtures/logs/write-logs.ts to make the fixtures from a capture's
 * packets, and by test/logs.test.ts to write any byte stream in each format. Each takes
 * the log's entries (a time in nanoseconds since 1970, UTC, the direction, the bytes)
 * and returns the file's bytes.
 */

/** One record of a log: what a tool read or sent at one time. */
export interface LogEntry {
  readonly nanos: bigint;
  /** Received (the station's side, RX), else sent (TX). */
  readonly rx: boolean;
  readonly bytes: Uint8Array;
}

const CRLF = '\r\n';
const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const iso = (nanos: bigint) => new Date(Number(nanos / 1_000_000n)).toISOString();
/** `21:32:08` */
export const hms = (nanos: bigint) => iso(nanos).slice(11, 19);
/** `2026-12-06` */
export const ymd = (nanos: bigint) => iso(nanos).slice(0, 10);
/** `894` */
export const millis = (nanos: bigint) => pad(Number((nanos / 1_000_000n) % 1000n), 3);
/** `894958` */
export const micros = (nanos: bigint) => pad(Number((nanos / 1000n) % 1_000_000n), 6);
const latin1 = (bytes: Uint8Array) => Array.from(bytes, (byte) => String.fromCharCode(byte)).join('');
/** Text with one character per byte as its bytes. */
export const bytesOf = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
/** The UTF-8 bytes of `text`, one character per byte. */
const utf8 = (text: string) => latin1(new TextEncoder().encode(text));
/** `7B 22 38 ` (uppercase, a space after each byte, as SSCOM and Docklight write them). */
export const hexSpaced = (bytes: Uint8Array) => Array.from(bytes, (byte) => `${byte.toString(16).toUpperCase().padStart(2, '0')} `).join('');
const hexSolid = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** SSCOM, hex display, saved as UTF-8: a record a line, a box after what was sent. */
export function sscomHex(entries: readonly LogEntry[]): Uint8Array {
  return bytesOf(entries.map(({ nanos, rx, bytes }) => `[${hms(nanos)}.${millis(nanos)}]${utf8(rx ? '收←◆' : '发→◇')}${hexSpaced(bytes)}${rx ? '' : utf8('□')}${CRLF}`).join(''));
}

const GBK_RX = latin1(Uint8Array.of(0xca, 0xd5, 0xa1, 0xfb, 0xa1, 0xf4));
const GBK_TX = latin1(Uint8Array.of(0xb7, 0xa2, 0xa1, 0xfa, 0xa1, 0xf3));
const GBK_BOX = latin1(Uint8Array.of(0xa1, 0xf5));

/** SSCOM, text display, saved in the Windows code page (GBK): the bytes as received, then SSCOM's line break. */
export function sscomTextGbk(entries: readonly LogEntry[]): Uint8Array {
  return bytesOf(entries.map(({ nanos, rx, bytes }) => `[${hms(nanos)}.${millis(nanos)}]${rx ? GBK_RX : GBK_TX}${latin1(bytes)}${rx ? '' : GBK_BOX}${CRLF}`).join(''));
}

/** Docklight's date as Windows writes it in Germany (`06.12.2026`) or the UK (`06/12/2026`). */
const docklightDate = (nanos: bigint, separator: string) => ymd(nanos).split('-').reverse().join(separator);

/** Docklight, HEX log: the title line, a comment line, a comment after two spaces on the first record. */
export function docklightHex(entries: readonly LogEntry[]): Uint8Array {
  const start = entries[0]?.nanos ?? 0n;
  const title = `Docklight Log File (HEX) - Started ${docklightDate(start, '.')} ${hms(start)}.000 ${CRLF}${CRLF} station on COM3${CRLF}${CRLF}`;
  const records = entries.map(({ nanos, rx, bytes }, i) => `${docklightDate(nanos, '.')} ${hms(nanos)}.${millis(nanos)} [${rx ? 'RX' : 'TX'}] - ${hexSpaced(bytes)}${i === 0 ? ' first frame' : ''}${CRLF}`);
  return bytesOf(title + records.join(''));
}

const CONTROLS = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'HT', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];

/** Docklight, ASCII log (dates as in the UK): control characters as `<CR>`, a line break after each `<LF>`. */
export function docklightAscii(entries: readonly LogEntry[]): Uint8Array {
  const start = entries[0]?.nanos ?? 0n;
  const shown = (bytes: Uint8Array) => Array.from(bytes, (byte) => (byte < 32 ? `<${CONTROLS[byte]}>${byte === 10 ? CRLF : ''}` : byte === 127 ? '<DEL>' : String.fromCharCode(byte))).join('');
  const records = entries.map(({ nanos, rx, bytes }) => `${CRLF}${docklightDate(nanos, '/')} ${hms(nanos)}.${millis(nanos)} [${rx ? 'RX' : 'TX'}] - ${shown(bytes)}`);
  return bytesOf(`Docklight Log File (ASCII) - Started ${docklightDate(start, '/')} ${hms(start)}.000 ${CRLF}${CRLF}${records.join('')}${CRLF}`);
}

/**
 * A RealTerm capture of what it received (the RX entries): a time stamp and the
 * delimiter at the start and before the first byte after each CR or LF; the bytes as
 * they are, or as two hex digits each (Capture as Hex).
 */
export function realterm(entries: readonly LogEntry[], stamp: (nanos: bigint) => string, delimiter: string, asHex: boolean): Uint8Array {
  let out = '';
  let stampNext = true;
  for (const { nanos, bytes } of entries.filter(({ rx }) => rx)) {
    for (const byte of bytes) {
      const lineEnd = byte === 0x0d || byte === 0x0a;
      if (stampNext && !lineEnd) {
        out += stamp(nanos) + delimiter;
        stampNext = false;
      }
      if (lineEnd) stampNext = true;
      out += asHex ? byte.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(byte);
    }
  }
  return bytesOf(out);
}

/** RealTerm's Unix stamp: seconds since 1970. */
export const unixStamp = (nanos: bigint) => String(nanos / 1_000_000_000n);
/** RealTerm's Matlab stamp: days since year 0, twelve digits. */
export const matlabStamp = (nanos: bigint) => (Number(nanos / 1_000_000n) / 86_400_000 + 719_529).toPrecision(12);

/** CoolTerm, what it received, with time stamps (SQL format) and the hex view layout: offset, TAB, hex, TAB, ASCII. */
export function cooltermHex(entries: readonly LogEntry[]): Uint8Array {
  let offset = 0;
  const lines: string[] = [];
  for (const { nanos, bytes } of entries.filter(({ rx }) => rx)) {
    for (let at = 0; at < bytes.length; at += 16) {
      const chunk = bytes.subarray(at, at + 16);
      const ascii = Array.from(chunk, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
      lines.push(`${ymd(nanos)} ${hms(nanos)}\t${offset.toString(16).toUpperCase().padStart(8, '0')}\t${hexSpaced(chunk).padEnd(48)}\t${ascii}${CRLF}`);
      offset += chunk.length;
    }
  }
  return bytesOf(lines.join(''));
}

/** CoolTerm, plain text with time stamps, split at CR LF (which it drops): a line a frame, at the time of its last byte. */
export function cooltermText(entries: readonly LogEntry[]): Uint8Array {
  let line = '';
  let text = '';
  for (const { nanos, bytes } of entries.filter(({ rx }) => rx)) {
    line += latin1(bytes);
    for (let end = line.indexOf(CRLF); end >= 0; end = line.indexOf(CRLF)) {
      text += `${ymd(nanos)} ${hms(nanos)}\t${line.slice(0, end)}${CRLF}`;
      line = line.slice(end + 2);
    }
  }
  return bytesOf(text);
}

/** A generic log: a date and a time with microseconds, RX or TX, hex. */
export function logRxTx(entries: readonly LogEntry[]): Uint8Array {
  return bytesOf(entries.map(({ nanos, rx, bytes }) => `${ymd(nanos)} ${hms(nanos)}.${micros(nanos)} ${rx ? 'RX' : 'TX'} ${hexSpaced(bytes).trimEnd()}\n`).join(''));
}

/** An application log: a level, a logger, arrows, unbroken hex, and other messages between. */
export function logApp(entries: readonly LogEntry[]): Uint8Array {
  const start = entries[0]?.nanos ?? 0n;
  const head = `${ymd(start)} ${hms(start)},000 INFO  hub - listening on :9000\n${ymd(start)} ${hms(start)},${millis(start)} INFO  hub - station connected\n`;
  return bytesOf(head + entries.map(({ nanos, rx, bytes }) => `${ymd(nanos)} ${hms(nanos)},${millis(nanos)} DEBUG hub.link - ${rx ? '<-' : '->'} ${hexSolid(bytes)}\n`).join(''));
}

/**
 * A log that writes text with escapes (`\r\n`, `\x00`, `\\`), the time of day and the
 * tag in brackets (a text that opens with `"` has it escaped: the reader takes a quoted
 * text for a JSON string).
 */
export function logText(entries: readonly LogEntry[]): Uint8Array {
  const escape = (byte: number, i: number) =>
    byte === 13 ? '\\r' : byte === 10 ? '\\n' : byte === 92 ? '\\\\' : byte === 34 && i === 0 ? '\\"' : byte < 32 || byte >= 127 ? `\\x${byte.toString(16).padStart(2, '0')}` : String.fromCharCode(byte);
  const escaped = (bytes: Uint8Array) => Array.from(bytes, escape).join('');
  return bytesOf(entries.map(({ nanos, rx, bytes }) => `[${hms(nanos)}.${millis(nanos)}] [${rx ? 'RX' : 'TX'}] ${escaped(bytes)}\n`).join(''));
}

/** A log with `rx:`/`tx:` and lower-case hex, saved by Windows Notepad as "Unicode": UTF-16 LE with its mark, CRLF. */
export function logUtf16(entries: readonly LogEntry[]): Uint8Array {
  const text = `\ufeff${entries.map(({ nanos, rx, bytes }) => `${hms(nanos)}.${millis(nanos)} ${rx ? 'rx' : 'tx'}: ${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ')}\r\n`).join('')}`;
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[2 * i] = text.charCodeAt(i) & 0xff;
    out[2 * i + 1] = text.charCodeAt(i) >> 8;
  }
  return out;
}

/** JSON Lines: an ISO time, the direction, the frame as an escaped string among other fields; a line without it at the end. */
export function jsonlText(entries: readonly LogEntry[]): Uint8Array {
  const lines = entries.map(({ nanos, rx, bytes }) => JSON.stringify({ time: `${ymd(nanos)}T${hms(nanos)}.${micros(nanos)}Z`, level: 'debug', dir: rx ? 'rx' : 'tx', msg: 'frame', raw: latin1(bytes) }));
  const last = entries.at(-1)?.nanos ?? 0n;
  lines.push(JSON.stringify({ time: `${ymd(last)}T${hms(last)}.999999Z`, level: 'info', msg: 'station closed' }));
  return bytesOf(lines.map((line) => `${line}\n`).join(''));
}

/** JSON Lines: seconds since 1970, the sender named, the frame in hex in a nested field. */
export function jsonlHex(entries: readonly LogEntry[]): Uint8Array {
  return bytesOf(entries.map(({ nanos, rx, bytes }) => `${JSON.stringify({ ts: Number(nanos / 1000n) / 1e6, from: rx ? 'device' : 'server', frame: { hex: hexSolid(bytes) } })}\n`).join(''));
}

/**
 * `tshark -z follow,tcp,hex` output: the header, then each entry's bytes in lines of
 * sixteen with the offset of its direction, the second node's (TX) indented by a TAB.
 */
export function tsharkFollowHex(entries: readonly LogEntry[], nodes: readonly [string, string]): Uint8Array {
  const counts = [0, 0];
  const lines = ['', '='.repeat(67), 'Follow: tcp,hex', 'Filter: tcp.stream eq 0', `Node 0: ${nodes[0]}`, `Node 1: ${nodes[1]}`];
  for (const { rx, bytes } of entries) {
    const node = rx ? 0 : 1;
    for (let at = 0; at < bytes.length; at += 16) {
      const chunk = bytes.subarray(at, at + 16);
      const hex = Array.from(chunk, (byte, i) => `${byte.toString(16).padStart(2, '0')} ${i === 7 ? ' ' : ''}`).join('');
      const ascii = Array.from(chunk, (byte, i) => `${byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.'}${i === 7 ? ' ' : ''}`).join('');
      lines.push(`${node === 1 ? '\t' : ''}${counts[node]!.toString(16).toUpperCase().padStart(8, '0')}  ${hex.padEnd(50)}${ascii}`);
      counts[node]! += chunk.length;
    }
  }
  lines.push('='.repeat(67));
  return bytesOf(lines.map((line) => `${line}\n`).join(''));
}

/** `od -A<radix> -tx1z`, with od's `*` for a line equal to the one before (as without -v). */
export function odHex(bytes: Uint8Array, radix: 8 | 10 | 16, width = 16): Uint8Array {
  const address = (at: number) => at.toString(radix).padStart(radix === 16 ? 6 : 7, '0');
  const lines: string[] = [];
  let previous = '';
  let starred = false;
  for (let at = 0; at < bytes.length; at += width) {
    const chunk = bytes.subarray(at, at + width);
    const cells = Array.from(chunk, (byte) => ` ${byte.toString(16).padStart(2, '0')}`).join('');
    const ascii = Array.from(chunk, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    if (cells === previous && chunk.length === width) {
      if (!starred) lines.push('*');
      starred = true;
      continue;
    }
    lines.push(`${address(at)}${cells.padEnd(3 * width)}  >${ascii}<`);
    previous = cells;
    starred = false;
  }
  lines.push(address(bytes.length));
  return bytesOf(lines.map((line) => `${line}\n`).join(''));
}

const OD_ESCAPES: Readonly<Record<number, string>> = { 0: '\\0', 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** `od -An -c` (C locale): a character, an escape, or three octal digits, in cells of four. */
export function odChars(bytes: Uint8Array, width = 16): Uint8Array {
  const cell = (byte: number) => (OD_ESCAPES[byte] ?? (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : byte.toString(8).padStart(3, '0'))).padStart(4);
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += width) lines.push(Array.from(bytes.subarray(at, at + width), cell).join(''));
  return bytesOf(lines.map((line) => `${line}\n`).join(''));
}
