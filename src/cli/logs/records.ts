/**
 * What a log reader makes of its text: records (bytes, with the time and the direction
 * the log gives them) and problems (a line it cannot read). Readers take the input as
 * text with one character per byte (latin1), so that any byte survives, whatever the
 * log's encoding: markers such as SSCOM's arrows are matched as the bytes of their
 * UTF-8 or GBK encodings.
 *
 * @module
 */

import type { Sender } from '../../index.js';
import type { CaptureTime } from '../capture/pcap.js';
import { isHexDigit } from '../text.js';

/** One direction of a log: what rows show as their connection, and the conversation it belongs to. */
export interface LogStream {
  /** The direction as the log names it (`RX`, `TX`, `->`), or `sender → receiver`. */
  readonly label: string;
  /** The conversation: the (at most two) streams that share it are its two directions. */
  readonly conversation: string;
  /** The side that sends it, when the log says. */
  readonly from?: Sender | undefined;
}

/** Bytes of the log, with the time and the direction the log gives them. */
export interface LogRecord {
  readonly kind: 'record';
  readonly bytes: Uint8Array;
  readonly time: CaptureTime | undefined;
  /** Undefined for a log of one stream that names no direction. */
  readonly stream: LogStream | undefined;
  /** Bytes of the stream the log leaves out before these (a hole in a dump's offsets). */
  readonly missing?: number;
}

/** A line the reader cannot read. */
export interface LogProblem {
  readonly kind: 'problem';
  readonly message: string;
  /** What kind of problem: the first of each kind is shown, the others counted. */
  readonly reason: string;
}

export type LogItem = LogRecord | LogProblem;

/** A log reader: text in (one character per byte), in pieces of any size; records and problems out. */
export interface LogReader {
  push(text: string): LogItem[];
  end(): LogItem[];
  /** For the end: the lines it skipped as the log's other messages, if any. */
  skipped?(): string | undefined;
}

/** Lines a reader skips as the log's other messages: how many, and the first one. */
export class SkippedLines {
  private count = 0;
  private first = 0;

  constructor(private readonly what: string) {}

  add(line: number): void {
    this.count++;
    if (this.first === 0) this.first = line;
  }

  /** A line for stderr, when lines were skipped. */
  note(): string | undefined {
    return this.count === 0 ? undefined : `${this.count} line${this.count === 1 ? '' : 's'} ${this.what} skipped (the first: line ${this.first})`;
  }
}

/** The bytes of text with one character per byte. */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** The byte written by the two hex digits at `at`, or undefined. */
export function hexPairAt(text: string, at: number): number | undefined {
  return isHexDigit(text[at]) && isHexDigit(text[at + 1]) ? Number.parseInt(text.slice(at, at + 2), 16) : undefined;
}

/**
 * The bytes of `text` when it is two-digit hex groups separated by single spaces
 * (`7B 22 38`, a space after the last allowed), else undefined.
 */
export function spacedHex(text: string): number[] | undefined {
  const bytes: number[] = [];
  let at = 0;
  while (at < text.length) {
    const byte = hexPairAt(text, at);
    if (byte === undefined || (at + 2 < text.length && text[at + 2] !== ' ')) return undefined;
    bytes.push(byte);
    at += 3;
  }
  return bytes.length > 0 ? bytes : undefined;
}

/** The bytes of `text` when it is an unbroken run of hex digits of even length, else undefined. */
export function solidHex(text: string): number[] | undefined {
  if (text.length === 0 || text.length % 2 !== 0) return undefined;
  const bytes: number[] = [];
  for (let at = 0; at < text.length; at += 2) {
    const byte = hexPairAt(text, at);
    if (byte === undefined) return undefined;
    bytes.push(byte);
  }
  return bytes;
}

/**
 * A reader of lines: splits the text at LF (a CR before it is part of the line ending)
 * and hands each line over with its number and ending.
 */
export abstract class LineReader implements LogReader {
  private partial = '';
  /** The number of the line being read, from 1. */
  protected lineNumber = 0;

  push(text: string): LogItem[] {
    const pieces = (this.partial + text).split('\n');
    this.partial = pieces.pop() ?? '';
    const items: LogItem[] = [];
    for (const piece of pieces) {
      this.lineNumber++;
      const cr = piece.endsWith('\r');
      items.push(...this.line(cr ? piece.slice(0, -1) : piece, cr ? '\r\n' : '\n'));
    }
    return items;
  }

  end(): LogItem[] {
    const items: LogItem[] = [];
    if (this.partial !== '') {
      this.lineNumber++;
      items.push(...this.line(this.partial, ''));
      this.partial = '';
    }
    items.push(...this.finish());
    return items;
  }

  /** A line, without its ending (`\r\n`, `\n`, or `''` for a last line without one). */
  protected abstract line(content: string, ending: string): LogItem[];

  /** The end of the text: what the reader still holds. */
  protected finish(): LogItem[] {
    return [];
  }

  /** A problem on the current line (or on line `line`). */
  protected problem(message: string, reason = message, line = this.lineNumber): LogProblem {
    return { kind: 'problem', message: `line ${line}: ${message}`, reason };
  }
}
