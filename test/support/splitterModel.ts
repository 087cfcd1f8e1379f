/**
 * A reference model of the frame splitter: the rules of the streaming issue applied to
 * the whole stream at once, written for obviousness rather than speed.
 */
import type { SplitterEvent } from 'powerbank-codec';

const LEFT = 0x7b;
const RIGHT = 0x7d;
const CR = 0x0d;
const LF = 0x0a;

export function splitWhole(bytes: Uint8Array, maxFrameLength = 1024, lineEnding: '\r\n' | '\n' | '' = '\r\n'): SplitterEvent[] {
  const events: SplitterEvent[] = [];
  const n = bytes.length;
  const preview = (start: number, end: number) => bytes.slice(start, Math.min(end, start + 64));
  let i = 0;
  while (i < n) {
    const byte = bytes[i]!;
    if (byte === CR || byte === LF) {
      i++;
      continue;
    }
    if (byte !== LEFT) {
      let j = i;
      while (j < n && bytes[j] !== CR && bytes[j] !== LF && bytes[j] !== LEFT) j++;
      events.push({ kind: 'noise', offset: i, length: j - i, preview: preview(i, j) });
      i = j;
      continue;
    }
    // A frame starts at i.
    let k = i + 1;
    while (k < n && k - i + 1 <= maxFrameLength && bytes[k] !== LEFT && bytes[k] !== RIGHT) k++;
    if (k === n) {
      events.push({ kind: 'truncated', offset: i, length: n - i, preview: preview(i, n) });
      i = n;
    } else if (k - i + 1 > maxFrameLength) {
      let m = k;
      while (m < n && bytes[m] !== LEFT && bytes[m] !== RIGHT) m++;
      const end = m < n && bytes[m] === RIGHT ? m + 1 : m;
      events.push({ kind: 'tooLong', offset: i, length: end - i, preview: preview(i, end) });
      i = end;
    } else if (bytes[k] === LEFT) {
      events.push({ kind: 'truncated', offset: i, length: k - i, preview: preview(i, k) });
      i = k;
    } else {
      events.push({ kind: 'frame', offset: i, length: k + 1 - i, bytes: bytes.slice(i, k + 1) });
      const seen = bytes[k + 1] === CR ? (bytes[k + 2] === LF ? '\r\n' : '\r') : bytes[k + 1] === LF ? '\n' : '';
      if (seen !== '' && seen !== lineEnding) events.push({ kind: 'lineEnding', offset: k + 1, length: seen.length, seen, expected: lineEnding });
      i = k + 1;
    }
  }
  return events;
}
