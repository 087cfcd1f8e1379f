/** The bench's printed output: the table of timings, the allocations and the targets. */
import type { Timing } from './measure.js';
import type { MemoryFigures } from './memory.js';
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

export function formatMemory(memory: MemoryFigures): string {
  return `\n${table(
    ['memory retained per connection\'s decoder', 'bytes'],
    [
      ['idle', fixed(memory.idle, 0)],
      ['holding half a status answer', fixed(memory.halfFrame, 0)],
    ],
  )}`;
}

/** Stations, and how often each sends a heartbeat and a status answer. */
const STATIONS = 100_000;
const HEARTBEATS_PER_SECOND = STATIONS / 30;
const STATUS_ANSWERS_PER_SECOND = STATIONS / 60;

/**
 * What the timings mean for 100,000 stations: the share of one core spent on their
 * frames, the garbage made, and the memory their decoders keep.
 */
export function formatDeployment(timings: ReadonlyMap<string, Timing>, allocations: readonly { label: string; bytes: number }[], memory: MemoryFigures): string {
  const ns = (id: string) => timings.get(id)?.nsPerUnit;
  const heartbeat = ns('decode.CH');
  const statusAnswer = ns('decode.AQ');
  const stream = ns('stream.connections');
  const query = ns('encode.CH');
  if (heartbeat === undefined || statusAnswer === undefined || stream === undefined || query === undefined) return '';
  const frames = HEARTBEATS_PER_SECOND + STATUS_ANSWERS_PER_SECOND;
  const decodeNs = HEARTBEATS_PER_SECOND * heartbeat + STATUS_ANSWERS_PER_SECOND * statusAnswer;
  const streamNs = frames * stream;
  const encodeNs = STATUS_ANSWERS_PER_SECOND * query;
  const share = (nanoseconds: number) => `${fixed(nanoseconds / 1e6, 2)} ms per second, ${fixed(nanoseconds / 1e7, 2)}% of one core`;
  const allocated = (label: string) => allocations.find((entry) => entry.label === label)?.bytes ?? 0;
  const garbage = HEARTBEATS_PER_SECOND * allocated('decode heartbeat') + STATUS_ANSWERS_PER_SECOND * allocated('decode status answer');
  return [
    `\n${STATIONS.toLocaleString('en-US')} stations, a heartbeat every 30 s and a status answer every minute: ${fixed(frames, 0)} frames/s`,
    `  decode:                          ${share(decodeNs)}`,
    `  a decoder per connection:        ${share(streamNs)}`,
    `  encode a query each minute:      ${share(encodeNs)}`,
    `  heap allocated by decode:        ${fixed(garbage / 1e6, 2)} MB per second`,
    `  memory of 100,000 idle decoders: ${fixed((memory.idle * STATIONS) / 1e6, 1)} MB`,
    `  stations one core could serve (a decoder per connection): ${fixed((1e9 / streamNs) * STATIONS, 0)}`,
  ].join('\n');
}
