/**
 * `tshark -q -z follow,tcp,hex,N` (and `follow,tcp,raw,N`) output, and Wireshark's
 * "Follow TCP Stream" saved as hex dump: both directions of a connection, each chunk as
 * it came, the second node's chunks indented (tshark: a TAB):
 *
 * ```
 * ===================================================================
 * Follow: tcp,hex
 * Filter: tcp.stream eq 0
 * Node 0: 127.0.0.1:37376
 * Node 1: 127.0.0.1:9000
 * 00000000  7b 22 38 36 30 31 32 33  34 35 36 37 38 39 30 31  {"860123 45678901
 * 	00000000  7b 22 38 36 30 31 32 33  34 35 36 37 38 39 30 31  {"860123 45678901
 * ===================================================================
 * ```
 *
 * Each node's offsets count its own bytes: an offset beyond them is a gap (bytes the
 * dump leaves out). Several `-z follow` sections in one output are several connections.
 * No times: tshark does not print them here.
 *
 * @module
 */

import { countHexDigits, isBlank } from '../text.js';
import { hexPairAt, LineReader, solidHex, type LogItem, type LogStream } from './records.js';

/** Where the hex of byte `i` of a hex line starts, after its eight-digit offset: two columns of eight. */
const hexColumn = (i: number) => 10 + 3 * i + (i >= 8 ? 1 : 0);

/** The offset and bytes of a data line of `follow,…,hex` (indent removed), else undefined. */
export function followHexLine(line: string): { offset: number; bytes: number[] } | undefined {
  if (countHexDigits(line, 0) !== 8 || line[8] !== ' ' || line[9] !== ' ') return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) {
    const at = hexColumn(i);
    const byte = hexPairAt(line, at);
    if (byte === undefined || (line[at + 2] !== undefined && line[at + 2] !== ' ')) break;
    bytes.push(byte);
  }
  return bytes.length === 0 ? undefined : { offset: Number.parseInt(line.slice(0, 8), 16), bytes };
}

export interface FollowOptions {
  /** The side on this TCP port is the server. */
  readonly serverPort: number | undefined;
}

export class TsharkFollowReader extends LineReader {
  private section = 0;
  private mode: 'hex' | 'raw' = 'hex';
  private nodes: [string, string] = ['node 0', 'node 1'];
  /** Bytes read from each node in this section. */
  private counts: [number, number] = [0, 0];

  constructor(private readonly options: FollowOptions) {
    super();
  }

  protected line(content: string): LogItem[] {
    if (content.startsWith('=====')) {
      this.section++;
      this.nodes = ['node 0', 'node 1'];
      this.counts = [0, 0];
      return [];
    }
    if (content.startsWith('Follow: ')) {
      const mode = content.slice(content.lastIndexOf(',') + 1).trim();
      if (mode !== 'hex' && mode !== 'raw') return [this.problem(`tshark followed the stream as ${mode}; use -z follow,tcp,hex (or raw)`)];
      this.mode = mode;
      return [];
    }
    if (content.startsWith('Filter: ') || content.trim() === '') return [];
    for (const node of [0, 1] as const) {
      if (content.startsWith(`Node ${node}: `)) {
        this.nodes[node] = content.slice(8).trim();
        return [];
      }
    }
    const node = isBlank(content[0]) ? 1 : 0;
    const line = content.trim();
    const read = this.mode === 'hex' ? followHexLine(line) : { offset: this.counts[node], bytes: solidHex(line) };
    if (read?.bytes === undefined) return [this.problem(`not a line of tshark -z follow,tcp,${this.mode} output`, 'a line that is not tshark follow output')];
    const missing = read.offset - this.counts[node];
    if (missing < 0) return [this.problem(`offset ${read.offset} of ${this.nodes[node]} comes after ${this.counts[node]} bytes of it: a line repeated or out of order`, 'an offset out of order')];
    this.counts[node] = read.offset + read.bytes.length;
    const record: LogItem = { kind: 'record', bytes: Uint8Array.from(read.bytes), time: undefined, stream: this.stream(node), ...(missing > 0 ? { missing } : {}) };
    return [record];
  }

  private stream(node: 0 | 1): LogStream {
    const [source, destination] = node === 0 ? this.nodes : [this.nodes[1], this.nodes[0]];
    const { serverPort } = this.options;
    const from = serverPort === undefined ? undefined : source.endsWith(`:${serverPort}`) ? 'server' : destination.endsWith(`:${serverPort}`) ? 'device' : undefined;
    return { label: `${source} → ${destination}`, conversation: String(this.section), from };
  }
}
