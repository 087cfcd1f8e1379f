/**
 * Docklight log files (plain text), HEX or ASCII:
 *
 * ```
 * Docklight Log File (HEX) - Started 06.12.2026 17:03:00.100
 * 06.12.2026 17:03:01.003 [RX] - 7B 22 38 36 30 … 0D 0A
 * 06.12.2026 17:03:01.105 [TX] - 7B 22 38 36 30 … 0D 0A  a comment after two spaces
 *
 * Docklight Log File (ASCII) - Started 06.12.2026 17:03:00.100
 * 06.12.2026 17:03:01.003 [RX] - {"860123456789014,CH,,3FCE"}<CR><LF>
 * ```
 *
 * A record is a line `date time [channel] - data`; the date is the one Windows shows
 * (`06.12.2026`, `12/6/2026`, `2026-12-06`). The channel is RX or TX, or the name given
 * to it in Docklight. HEX records are one line, and text after two spaces is a comment.
 * ASCII records show control characters as `<CR>`, `<LF>`, `<NUL>`, …; Docklight breaks
 * the line after each `<LF>`, so an ASCII record runs on until a blank line, a comment
 * line (starting with a space) or the next record. Which of the two a log is comes from
 * its first line, else from its first record.
 *
 * @module
 */

import { LineReader, latin1Bytes, spacedHex, type LogItem } from './records.js';
import { LogClock, readStamp, type LogStamp } from './time.js';

const CONTROL_NAMES = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'HT', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];
const CONTROLS: ReadonlyMap<string, number> = new Map([...CONTROL_NAMES.map((name, code) => [name, code] as const), ['TAB', 9], ['DEL', 0x7f]]);

/** The text of an ASCII record with its `<CR>`, `<LF>`, … turned back into bytes. */
function asciiBytes(text: string): Uint8Array {
  let out = '';
  for (let at = 0; at < text.length; at++) {
    const close = text[at] === '<' ? text.indexOf('>', at) : -1;
    const code = close > at ? CONTROLS.get(text.slice(at + 1, close)) : undefined;
    if (code === undefined) out += text[at];
    else {
      out += String.fromCharCode(code);
      at = close;
    }
  }
  return latin1Bytes(out);
}

/** A record line: its time, channel and data text. */
export function docklightRecord(line: string): { stamp: LogStamp; channel: string; data: string } | undefined {
  const read = readStamp(line, 0);
  if (read === undefined || !line.startsWith(' [', read.end)) return undefined;
  const close = line.indexOf('] - ', read.end + 2);
  if (close < 0) return undefined;
  const channel = line.slice(read.end + 2, close);
  if (channel === '' || channel.length > 32 || channel.includes('[')) return undefined;
  return { stamp: read.stamp, channel, data: line.slice(close + 4) };
}

/** The first line of a Docklight log names its display: `Docklight Log File (HEX) - Started …`. */
export function docklightTitle(line: string): string | undefined {
  const prefix = 'Docklight Log File (';
  if (!line.startsWith(prefix)) return undefined;
  const close = line.indexOf(')', prefix.length);
  return close < 0 ? undefined : line.slice(prefix.length, close);
}

export class DocklightReader extends LineReader {
  private readonly clock = new LogClock();
  private hex: boolean | undefined;
  private ascii: { stamp: LogStamp; channel: string; text: string } | undefined;

  protected line(content: string): LogItem[] {
    const title = this.lineNumber === 1 ? docklightTitle(content) : undefined;
    if (title !== undefined) {
      if (title !== 'HEX' && title !== 'ASCII') return [this.problem(`a ${title} log; save it as HEX or ASCII`)];
      this.hex = title === 'HEX';
      return [];
    }
    const record = docklightRecord(content);
    const comment = content.trim() === '' || content.startsWith(' ');
    if (record === undefined && this.ascii !== undefined && !comment) {
      this.ascii.text += content;
      return [];
    }
    const items = this.flush();
    if (record === undefined) {
      if (!comment) items.push(this.problem('not a Docklight record (date time [RX] - data)', 'a line that is not a Docklight record'));
      return items;
    }
    const hexData = record.data.split('  ')[0]!.trimEnd();
    this.hex ??= spacedHex(hexData) !== undefined;
    if (!this.hex) {
      this.ascii = { stamp: record.stamp, channel: record.channel, text: record.data };
      return items;
    }
    const bytes = spacedHex(hexData);
    if (bytes === undefined) return [...items, this.problem('not hex like a Docklight HEX log', 'a record not in hex')];
    return [...items, { kind: 'record', bytes: Uint8Array.from(bytes), time: this.clock.time(record.stamp), stream: { label: record.channel, conversation: '' } }];
  }

  protected override finish(): LogItem[] {
    return this.flush();
  }

  /** The ASCII record read so far, complete now. */
  private flush(): LogItem[] {
    const ascii = this.ascii;
    this.ascii = undefined;
    if (ascii === undefined) return [];
    const bytes = asciiBytes(ascii.text);
    return bytes.length === 0 ? [] : [{ kind: 'record', bytes, time: this.clock.time(ascii.stamp), stream: { label: ascii.channel, conversation: '' } }];
  }
}
