/**
 * A reference model of the frame splitter: its rules applied to the whole stream at
 * once, written for obviousness rather than speed. First the stream is cut into parts
 * (frames, and the bytes each rule throws away), then the discarded parts between two
 * frames are put together into runs, cut into pieces of about `maxFrameLength` bytes.
 */
import type { SplitterEvent } from 'powerbank-codec';

const LEFT = 0x7b;
const RIGHT = 0x7d;
const CR = 0x0d;
const LF = 0x0a;
const MIN_FRAME_LENGTH = 21;

type RunKind = 'noise' | 'truncated' | 'tooLong';
type Part =
  | { readonly kind: 'frame'; readonly start: number; readonly end: number }
  | { readonly kind: 'lineEnding'; readonly start: number; readonly seen: '\r\n' | '\n' | '\r' }
  | { readonly kind: 'gap' }
  | { readonly kind: RunKind; readonly start: number; readonly end: number; readonly reportNow: boolean };

const RANK: Record<RunKind, number> = { noise: 0, truncated: 1, tooLong: 2 };

function partsOf(bytes: Uint8Array, maxFrameLength: number, ended: boolean): Part[] {
  const parts: Part[] = [];
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const byte = bytes[i]!;
    if (byte !== LEFT) {
      parts.push(byte === CR || byte === LF ? { kind: 'gap' } : { kind: 'noise', start: i, end: i + 1, reportNow: false });
      i++;
      continue;
    }
    // A frame starts at i: it ends at its '}', at the next '{', or when it grows too long.
    let k = i + 1;
    while (k < n && k - i < maxFrameLength && bytes[k] !== LEFT && bytes[k] !== RIGHT) k++;
    if (k === n) {
      if (ended) parts.push({ kind: 'truncated', start: i, end: n, reportNow: false });
      i = n;
    } else if (k - i === maxFrameLength) {
      // Reported at once; then every byte up to its '}' (included) or the next '{'.
      parts.push({ kind: 'tooLong', start: i, end: k, reportNow: true });
      while (k < n && bytes[k] !== LEFT) {
        parts.push({ kind: 'tooLong', start: k, end: k + 1, reportNow: false });
        if (bytes[k++] === RIGHT) break;
      }
      i = k;
    } else if (bytes[k] === LEFT) {
      parts.push({ kind: 'truncated', start: i, end: k, reportNow: false });
      i = k;
    } else if (k + 1 - i < MIN_FRAME_LENGTH) {
      parts.push({ kind: 'noise', start: i, end: k + 1, reportNow: false });
      i = k + 1;
    } else {
      parts.push({ kind: 'frame', start: i, end: k + 1 });
      const seen = bytes[k + 1] === CR ? (bytes[k + 2] === LF ? '\r\n' : '\r') : bytes[k + 1] === LF ? '\n' : undefined;
      if (seen !== undefined && (ended || seen !== '\r' || k + 2 < n)) parts.push({ kind: 'lineEnding', start: k + 1, seen });
      i = k + 1;
    }
  }
  return parts;
}

/**
 * The events of `bytes` as a whole stream; with `ended` false, only those that no later
 * byte can change (no last run, no frame still open, no lone CR at the very end).
 */
export function splitWhole(bytes: Uint8Array, maxFrameLength = 1024, lineEnding: '\r\n' | '\n' | '' = '\r\n', ended = true): SplitterEvent[] {
  const events: SplitterEvent[] = [];
  let run: { start: number; end: number; kind: RunKind } | undefined;
  const report = () => {
    if (run === undefined) return;
    events.push({ kind: run.kind, offset: run.start, length: run.end - run.start, preview: bytes.slice(run.start, Math.min(run.end, run.start + 64)) });
    run = undefined;
  };
  for (const part of partsOf(bytes, maxFrameLength, ended)) {
    if (part.kind === 'gap') continue;
    if (part.kind === 'frame') {
      report();
      events.push({ kind: 'frame', offset: part.start, length: part.end - part.start, bytes: bytes.slice(part.start, part.end) });
    } else if (part.kind === 'lineEnding') {
      // The expected line ending is not reported; any other one is.
      if (part.seen !== lineEnding) events.push({ kind: 'lineEnding', offset: part.start, length: part.seen.length, seen: part.seen, expected: lineEnding });
    } else {
      run ??= { start: part.start, end: part.end, kind: part.kind };
      run.end = part.end;
      if (RANK[part.kind] > RANK[run.kind]) run.kind = part.kind;
      if (part.reportNow || run.end - run.start > maxFrameLength) report();
    }
  }
  if (ended) report();
  return events;
}
