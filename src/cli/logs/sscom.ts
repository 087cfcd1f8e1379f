/**
 * SSCOM (the Chinese serial terminal) logs with its time stamps on:
 *
 * ```
 * [17:03:01.003]收←◆7B 22 38 36 30 …           received, hex display
 * [17:03:01.105]发→◇7B 22 38 36 30 … □         sent, hex display
 * [17:03:02.210]收←◆{"860123456789014,CH,,3FCE"}   received, text display
 * [17:03:02.250]发→◇{"860123456789014,CQ,,AFC5"}
 * □
 * ```
 *
 * A record starts at a line `[time]` followed by 收←◆ (received) or 发→◇ (sent), in
 * UTF-8 or GBK (SSCOM saves in the Windows code page), and runs to the next such line:
 * in text display its text may span lines, and its line breaks are the bytes received.
 * SSCOM ends each record with a line break of its own (dropped), and a sent record with
 * a `□` (dropped). Hex display (`7B 22 38 `, groups of two digits and a space) or text
 * is told by the first record, as SSCOM shows a whole log one way.
 *
 * @module
 */

import { LineReader, latin1Bytes, spacedHex, type LogItem, type LogRecord } from './records.js';
import { LogClock, readStamp, type LogStamp } from './time.js';

/** The direction markers, as the bytes of their UTF-8 and GBK encodings (one character per byte). */
const RECEIVED = ['\xe6\x94\xb6\xe2\x86\x90\xe2\x97\x86', '\xca\xd5\xa1\xfb\xa1\xf4'];
const SENT = ['\xe5\x8f\x91\xe2\x86\x92\xe2\x97\x87', '\xb7\xa2\xa1\xfa\xa1\xf3'];
/** The box SSCOM writes after what it sent, UTF-8 and GBK. */
const SENT_END = ['\xe2\x96\xa1', '\xa1\xf5'];

/** A record's first line: its time, its direction and the text after the marker. */
export function sscomHeader(line: string): { stamp: LogStamp; sent: boolean; rest: string } | undefined {
  if (line[0] !== '[') return undefined;
  const read = readStamp(line, 1);
  if (read === undefined || line[read.end] !== ']') return undefined;
  const at = read.end + 1;
  for (const [markers, sent] of [[RECEIVED, false], [SENT, true]] as const) {
    const marker = markers.find((candidate) => line.startsWith(candidate, at));
    if (marker !== undefined) return { stamp: read.stamp, sent, rest: line.slice(at + marker.length) };
  }
  return undefined;
}

interface Pending {
  readonly stamp: LogStamp;
  readonly sent: boolean;
  readonly line: number;
  /** The record's text so far: its lines with their endings, the last one's ending apart. */
  text: string;
  lastEnding: string;
}

export class SscomReader extends LineReader {
  private readonly clock = new LogClock();
  private pending: Pending | undefined;
  private hex: boolean | undefined;

  protected line(content: string, ending: string): LogItem[] {
    const header = sscomHeader(content);
    if (header !== undefined) {
      const items = this.flush();
      this.pending = { stamp: header.stamp, sent: header.sent, line: this.lineNumber, text: header.rest, lastEnding: ending };
      return items;
    }
    if (this.pending !== undefined) {
      this.pending.text += this.pending.lastEnding + content;
      this.pending.lastEnding = ending;
      return [];
    }
    return content.trim() === '' ? [] : [this.problem('not an SSCOM record ([time]收←◆ or [time]发→◇ at the start of the line)', 'text before the first SSCOM record')];
  }

  protected override finish(): LogItem[] {
    return this.flush();
  }

  /** The record read so far, complete now that the next one starts (or the log ends). */
  private flush(): LogItem[] {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return [];
    let text = pending.text;
    const box = pending.sent ? SENT_END.find((end) => text.endsWith(end)) : undefined;
    if (box !== undefined) text = text.slice(0, -box.length);
    const hex = spacedHex(text.trim());
    this.hex ??= text.trim() === '' ? undefined : hex !== undefined;
    if (this.hex === true && hex === undefined && text.trim() !== '') return [this.problem('not hex like the records before it; SSCOM showed this log in hex', 'a record not in hex', pending.line)];
    const bytes = this.hex === true ? Uint8Array.from(hex ?? []) : latin1Bytes(text);
    if (bytes.length === 0) return [];
    const record: LogRecord = { kind: 'record', bytes, time: this.clock.time(pending.stamp), stream: { label: pending.sent ? 'TX' : 'RX', conversation: '' } };
    return [record];
  }
}
