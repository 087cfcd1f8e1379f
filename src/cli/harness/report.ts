/**
 * The report at the end of a run, as text: one line per step, PASS, FAIL or SKIP, with
 * its notes, latencies and problems; then the answers' latencies, the heartbeats, the
 * dialect hints with the command line to test that dialect, what to fix by kind, and
 * the verdict. And the figures the text, the JSON and the JUnit share.
 *
 * @module
 */

import { canonicalDialect, type Dialect } from '../../index.js';
import { plural, shellQuote } from '../format.js';
import type { Style } from '../style.js';
import { dialectFlags } from './hints.js';
import type { HarnessResult } from './run.js';
import { seconds } from './words.js';

/** The `fraction` percentile (0..1) of `values`, by nearest rank; `undefined` for none. */
export function percentile(values: readonly number[], fraction: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** The latencies of every answer of the run: how many, the median, the 90th percentile, the slowest. */
export function latencyFigures(result: HarnessResult): { count: number; p50Ms: number | undefined; p90Ms: number | undefined; maxMs: number | undefined; limitMs: number } {
  const values = result.steps.flatMap((step) => step.latencies.map((latency) => latency.ms));
  return { count: values.length, p50Ms: percentile(values, 0.5), p90Ms: percentile(values, 0.9), maxMs: percentile(values, 1), limitMs: result.settings.maxLatency };
}

/** Every kind of problem of the run, with how many times it came, most frequent first. */
export function problemKinds(result: HarnessResult): Array<{ kind: string; count: number }> {
  const kinds = new Map<string, number>();
  for (const step of result.steps) for (const [kind, count] of step.kinds) kinds.set(kind, (kinds.get(kind) ?? 0) + count);
  return [...kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count);
}

/** The dialect the hints point at: the one tested with every hint's changes. */
function hintedDialect(result: HarnessResult): Dialect {
  return result.hints.reduce<Dialect>((dialect, hint) => ({ ...dialect, ...hint.changes }), result.settings.dialect);
}

/** The command that runs the harness again in the dialect the hints point at, or `undefined` without hints. */
export function hintedCommand(result: HarnessResult): string | undefined {
  if (result.hints.length === 0) return undefined;
  const { settings } = result;
  const words = ['powerbank-codec', 'harness', '--port', String(settings.port === 0 ? result.port : settings.port)];
  if (settings.host !== '0.0.0.0') words.push('--host', settings.host);
  words.push(...dialectFlags(canonicalDialect, hintedDialect(result)));
  return words.map(shellQuote).join(' ');
}

/** The report as lines of text. */
export function textReport(result: HarnessResult, style: Style): string[] {
  const station = result.imei ?? (result.address === undefined ? '(none connected)' : '(unknown: no frame from it decoded)');
  const lines = ['', style.bold(`━━ Report for station ${station}${result.address === undefined ? '' : ` at ${result.address}`}, ${seconds(result.durationMs)}`)];
  for (const step of result.steps) {
    const heading = `${step.number}. ${step.title}`;
    if (step.status === 'passed') lines.push(style.ok(`  PASS  ${heading}`));
    else if (step.status === 'failed') lines.push(style.bad(`  FAIL  ${heading}`));
    else lines.push(style.warn(`  SKIP  ${heading}`), style.dim(`          ${step.skipped ?? ''}`));
    for (const note of step.notes) lines.push(style.dim(`          ${note}`));
    for (const { answer, ms } of step.latencies) lines.push(style.dim(`          ${answer} answered in ${seconds(ms, 3)}`));
    for (const problem of step.problems) lines.push(style.bad(`          ✗ ${problem.text}`));
    if (step.moreProblems > 0) lines.push(style.bad(`          ✗ … and ${plural(step.moreProblems, 'more problem')}`));
  }
  lines.push('');
  const latency = latencyFigures(result);
  if (latency.count > 0) {
    const limit = `limit ${seconds(latency.limitMs)} (--max-latency)`;
    lines.push(`Answers: ${latency.count}; latency median ${seconds(latency.p50Ms!, 3)}, 90th percentile ${seconds(latency.p90Ms!, 3)}, slowest ${seconds(latency.maxMs!, 3)}; ${limit}`);
  }
  if (result.heartbeats !== undefined) lines.push(`Heartbeats: ${result.heartbeats.summary}`);
  if (result.frames > 0) lines.push(`Frames from the station: ${result.frames}${result.duplicates > 0 ? `, ${result.duplicates} of them repeating the one before` : ''}`);
  const command = hintedCommand(result);
  if (command !== undefined) {
    lines.push('', style.bold('Dialect: the frames point at another dialect than the one tested:'));
    for (const hint of result.hints) lines.push(`  ${hint.text}`);
    lines.push('If that is the dialect the station is meant to speak, test it in that dialect:', `  ${style.bold(command)}`);
  }
  const kinds = problemKinds(result);
  if (kinds.length > 0) {
    lines.push('', style.bold('What to fix, by kind:'));
    for (const { kind, count } of kinds) lines.push(style.bad(`  ${kind}: ${plural(count, 'time')}`));
  }
  const passed = result.steps.filter((step) => step.status === 'passed').length;
  lines.push('');
  lines.push(
    result.passed
      ? style.ok(style.bold(`All ${result.steps.length} steps passed: the station follows the protocol.`))
      : style.bad(style.bold(`${passed} of ${result.steps.length} steps passed: the station departs from the protocol.`)),
  );
  return lines;
}
