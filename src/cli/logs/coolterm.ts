/**
 * CoolTerm captures (Connection > Capture to Text/Binary File). Each line may start with
 * a time stamp and a TAB (Capture options: add timestamps; the SQL format
 * `2026-12-06 21:32:08`, the computer's own date format, or the time since the capture
 * started, `00:00:01.234`), then holds, as the capture format says:
 *
 * ```
 * 00000000	7B 22 38 36 30 31 32 33 34 35 36 37 38 39 30 31	{"86012345678901      hex, formatted as the hex view
 * 7B 22 38 36 30 31 32 33 34 35 36 37 38 39 30 31 34 2C               hex, not formatted
 * {"860123456789014,CH,,3FCE"}                                        plain text
 * ```
 *
 * In the hex view layout the offset is followed by a TAB, and the ASCII column by a TAB
 * or two spaces. Plain text lines hold the bytes received up to CoolTerm's termination
 * string (which it keeps or drops as set): the line break after them is CoolTerm's. The
 * first line tells which of the three a capture is. A capture holds what CoolTerm
 * received (and, when set, the local echo of what it sent, unmarked): one stream.
 *
 * @module
 */

import { countHexDigits } from '../text.js';
import { LineReader, latin1Bytes, spacedHex, type LogItem } from './records.js';
import { LogClock, readStamp, type LogStamp } from './time.js';

type Layout = 'dump' | 'hex' | 'text';

/** A line's time stamp (followed by a TAB) and the rest. */
export function cooltermLine(line: string): { stamp: LogStamp | undefined; content: string } {
  const read = readStamp(line, 0);
  return read !== undefined && line[read.end] === '\t' ? { stamp: read.stamp, content: line.slice(read.end + 1) } : { stamp: undefined, content: line };
}

/** The bytes of a line in the hex view layout (offset, TAB, hex, then the ASCII column), else undefined. */
export function hexViewBytes(content: string): number[] | undefined {
  const digits = countHexDigits(content, 0);
  if (digits < 4 || digits > 8 || content[digits] !== '\t') return undefined;
  const rest = content.slice(digits + 1);
  const tab = rest.indexOf('\t');
  const gap = rest.indexOf('  ');
  const end = Math.min(tab < 0 ? rest.length : tab, gap < 0 ? rest.length : gap);
  return spacedHex(rest.slice(0, end).trimEnd());
}

/** Which layout a line's content has. */
function layoutOf(content: string): Layout {
  if (hexViewBytes(content) !== undefined) return 'dump';
  return spacedHex(content.trimEnd()) === undefined ? 'text' : 'hex';
}

export class CooltermReader extends LineReader {
  private readonly clock = new LogClock();
  private layout: Layout | undefined;

  protected line(line: string): LogItem[] {
    const { stamp, content } = cooltermLine(line);
    if (content.trim() === '' && (this.layout !== 'text' || stamp === undefined)) return [];
    this.layout ??= layoutOf(content);
    const hex = this.layout === 'dump' ? hexViewBytes(content) : this.layout === 'hex' ? spacedHex(content.trimEnd()) : undefined;
    if (this.layout !== 'text' && hex === undefined) return [this.problem(`not ${this.layout === 'dump' ? 'an offset, a TAB and hex bytes' : 'hex bytes'} like the lines before it`, 'a line unlike the ones before it')];
    const bytes = hex === undefined ? latin1Bytes(content) : Uint8Array.from(hex);
    return bytes.length === 0 ? [] : [{ kind: 'record', bytes, time: stamp === undefined ? undefined : this.clock.time(stamp), stream: undefined }];
  }
}
