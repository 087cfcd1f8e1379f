/** The bench's printed output: the table of timings, the allocations and the targets. */
import type { Timing } from './measure.js';
import type { TargetResult } from './targets.js';

function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** One row per case. An "op" is one frame (one sentence, one packet) whatever the case. */
export function formatTable(timings: readonly Timing[]): string {
  return table(
    ['case', 'ops/s', 'ns/op', '± spread', 'ns/byte', 'MB/s', 'samples'],
    timings.map((timing) => [
      timing.case.label,
      fixed(timing.unitsPerSecond, 0),
      fixed(timing.nsPerUnit, 1),
      `±${fixed(timing.spread * 100, 1)}%`,
      fixed(timing.nsPerByte, 2),
      fixed(timing.megabytesPerSecond, 1),
      String(timing.samples.length),
    ]),
  );
}

export function formatAllocations(allocations: readonly { label: string; bytes: number }[]): string {
  return `\n${table(
    ['heap allocated per decoded frame', 'bytes'],
    allocations.map(({ label, bytes }) => [label, fixed(bytes, 0)]),
  )}`;
}

export function formatTargets(results: readonly TargetResult[]): string {
  return `\n${table(
    ['target', 'ratio', 'rounds', 'needed', 'result'],
    results.map(({ target, ratio, lowest, highest, pass }) => [
      target.label,
      `${fixed(ratio, 2)}×`,
      `${fixed(lowest, 2)}–${fixed(highest, 2)}`,
      target.atLeast === undefined ? `≤ ${target.atMost}×` : `≥ ${target.atLeast}×`,
      pass ? 'PASS' : 'FAIL',
    ]),
  )}`;
}
