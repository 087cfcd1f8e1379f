/**
 * The report for machines: one JSON object (`--json`), and JUnit XML with one testcase
 * per step (`--junit FILE`), which CI servers show as a test run.
 *
 * @module
 */

import { hintedCommand, latencyFigures, problemKinds } from './report.js';
import type { HarnessResult } from './run.js';

/** Milliseconds to a tenth. */
function ms(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 10) / 10;
}

/** The report as a plain object, ready for `JSON.stringify`; times in milliseconds. */
export function jsonReport(result: HarnessResult): Record<string, unknown> {
  const { settings } = result;
  const latency = latencyFigures(result);
  return {
    passed: result.passed,
    station: { imei: result.imei ?? null, address: result.address ?? null },
    port: result.port,
    durationMs: Math.round(result.durationMs),
    settings: {
      host: settings.host,
      dialect: settings.dialect,
      connectTimeoutMs: settings.connectTimeout,
      runTimeoutMs: settings.runTimeout,
      timeoutMs: settings.timeout,
      maxLatencyMs: settings.maxLatency,
      heartbeatMinMs: settings.heartbeatMin,
      heartbeatMaxMs: settings.heartbeatMax,
      settleMs: settings.settle,
    },
    steps: result.steps.map((step) => ({
      number: step.number,
      title: step.title,
      status: step.status,
      durationMs: step.startedAt === undefined || step.endedAt === undefined ? null : Math.round(step.endedAt - step.startedAt),
      skipped: step.skipped ?? null,
      notes: step.notes,
      latencies: step.latencies.map((latency) => ({ answer: latency.answer, ms: ms(latency.ms) })),
      problems: step.problems,
      moreProblems: step.moreProblems,
    })),
    latency: { count: latency.count, p50Ms: ms(latency.p50Ms), p90Ms: ms(latency.p90Ms), maxMs: ms(latency.maxMs), limitMs: latency.limitMs },
    heartbeats: result.heartbeats === undefined ? null : { count: result.heartbeats.count, averageGapMs: ms(result.heartbeats.averageGapMs), summary: result.heartbeats.summary },
    frames: result.frames,
    duplicates: result.duplicates,
    hints: result.hints.map(({ flags, frames, text }) => ({ flags, frames, text })),
    hintedCommand: hintedCommand(result) ?? null,
    problemKinds: problemKinds(result),
  };
}

/** `text` escaped for XML, characters XML 1.0 cannot hold dropped. */
function xml(text: string): string {
  let escaped = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') continue;
    if (char === '&') escaped += '&amp;';
    else if (char === '<') escaped += '&lt;';
    else if (char === '>') escaped += '&gt;';
    else if (char === '"') escaped += '&quot;';
    else escaped += char;
  }
  return escaped;
}

/** Milliseconds as JUnit's seconds. */
function time(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3);
}

/** The report as JUnit XML: a testsuite named after the station, one testcase per step. */
export function junitReport(result: HarnessResult): string {
  const failures = result.steps.filter((step) => step.status === 'failed').length;
  const skipped = result.steps.filter((step) => step.status === 'skipped').length;
  const name = `powerbank-codec harness${result.imei === undefined ? '' : `, station ${result.imei}`}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="powerbank-codec harness" tests="${result.steps.length}" failures="${failures}" skipped="${skipped}" time="${time(result.durationMs)}">`,
    `  <testsuite name="${xml(name)}" tests="${result.steps.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time(result.durationMs)}">`,
  ];
  for (const step of result.steps) {
    const duration = step.startedAt === undefined || step.endedAt === undefined ? 0 : step.endedAt - step.startedAt;
    lines.push(`    <testcase classname="harness" name="${xml(`${step.number}. ${step.title}`)}" time="${time(duration)}">`);
    if (step.status === 'failed') {
      const [first] = step.problems;
      const more = step.moreProblems > 0 ? [`… and ${step.moreProblems} more problems`] : [];
      const body = [...step.problems.map((problem) => problem.text), ...more].join('\n');
      lines.push(`      <failure type="${xml(first?.kind ?? '')}" message="${xml(first?.text ?? '')}">${xml(body)}</failure>`);
    }
    if (step.status === 'skipped') lines.push(`      <skipped message="${xml(step.skipped ?? '')}"/>`);
    const out = [...step.notes, ...step.latencies.map(({ answer, ms }) => `${answer} answered in ${time(ms)} s`)];
    if (out.length > 0) lines.push(`      <system-out>${xml(out.join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
