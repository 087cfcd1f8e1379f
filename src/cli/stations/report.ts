/**
 * The report at the end of a `stations` run: what the fleet did, how fast the server
 * answered each kind of request, and each way the server broke the protocol, with how
 * often and a first example. As text for a person, or as one JSON object.
 *
 * @module
 */

import type { Style } from '../style.js';
import { PROBLEMS, REQUEST_KINDS, REQUEST_NAMES, type Example, type ProblemKind, type RequestKind } from './findings.js';
import type { FleetOptions, FleetRun } from './fleet.js';
import { formatMs, type LatencySummary } from './latency.js';

/** The report as JSON: every count, every latency in milliseconds, every problem with its first example. */
export interface StationsReport {
  /** Whether the server followed the protocol: no problem at all. */
  readonly ok: boolean;
  readonly server: string;
  readonly stations: number;
  /** How long the run lasted, in seconds, the wait for the last answers included. */
  readonly seconds: number;
  readonly interrupted: boolean;
  readonly settings: {
    readonly durationSeconds: number;
    readonly ramp: number;
    readonly heartbeatSeconds: number;
    readonly returnEverySeconds: number;
    readonly answerTimeoutSeconds: number;
    readonly seed: number;
    readonly slots: number;
    readonly lendFailureRate: number;
    readonly returnFailureRate: number;
    readonly deviations: readonly string[];
    readonly reconnect: boolean;
  };
  readonly connections: {
    readonly established: number;
    readonly reconnections: number;
    readonly peakOpen: number;
    readonly neverConnected: number;
    /** Seconds until every station had connected once; `null` if some never did. */
    readonly rampSeconds: number | null;
  };
  readonly frames: {
    readonly sent: number;
    readonly received: number;
    readonly perSecond: number;
    readonly bytesSent: number;
    readonly bytesReceived: number;
    /** Frames sent, by wire name. */
    readonly sentByName: Readonly<Record<string, number>>;
    /** Frames received that decoded, by wire name. */
    readonly receivedByName: Readonly<Record<string, number>>;
  };
  readonly requests: { readonly [K in RequestKind]: { readonly sent: number; readonly answered: number; readonly late: number; readonly latencyMs: Omit<LatencySummary, 'count'> } };
  /** Returns a station could not start (no empty slot). */
  readonly returnsSkipped: number;
  /** Requests sent again on a new connection. */
  readonly resent: number;
  /** Requests still within their answer timeout when the run ended (not counted as unanswered). */
  readonly cutShort: number;
  readonly problems: ReadonlyArray<{ readonly kind: ProblemKind; readonly title: string; readonly count: number; readonly example: ProblemExample }>;
}

/** The first occurrence of a problem: which station, when (seconds since the start), what, and the frame if there is one. */
export type ProblemExample = Omit<Example, 'at'> & { readonly atSeconds: number };

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** The report of `run`. */
export function buildReport(options: FleetOptions, run: FleetRun): StationsReport {
  const { findings } = run;
  const { settings } = options;
  const seconds = run.ended / 1000;
  const requests = Object.fromEntries(
    REQUEST_KINDS.map((kind) => {
      const { sent, answered, late, latency } = findings.requests[kind];
      const { p50, p90, p99, max } = latency.summary();
      return [kind, { sent, answered, late, latencyMs: { p50: round(p50), p90: round(p90), p99: round(p99), max: round(max) } }];
    }),
  ) as StationsReport['requests'];
  const problems = (Object.keys(PROBLEMS) as ProblemKind[]).flatMap((kind) => {
    const tally = findings.problems.get(kind);
    if (tally === undefined) return [];
    const { at, ...example } = tally.example;
    return [{ kind, title: PROBLEMS[kind], count: tally.count, example: { ...example, atSeconds: round(at / 1000) } }];
  });
  return {
    ok: problems.length === 0,
    server: `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`,
    stations: options.count,
    seconds: round(seconds),
    interrupted: run.interrupted,
    settings: {
      durationSeconds: options.duration / 1000,
      ramp: options.ramp,
      heartbeatSeconds: settings.heartbeat / 1000,
      returnEverySeconds: settings.returnEvery / 1000,
      answerTimeoutSeconds: settings.answerTimeout / 1000,
      seed: settings.seed,
      slots: settings.slotCount,
      lendFailureRate: settings.lendFailureRate,
      returnFailureRate: settings.returnFailureRate,
      deviations: settings.deviations,
      reconnect: options.reconnect,
    },
    connections: {
      established: findings.connections.established,
      reconnections: findings.connections.reconnects,
      peakOpen: findings.connections.peakOpen,
      neverConnected: run.neverConnected,
      rampSeconds: run.rampDone === undefined ? null : round(run.rampDone / 1000),
    },
    frames: {
      sent: findings.framesSent,
      received: findings.framesReceived,
      perSecond: round((findings.framesSent + findings.framesReceived) / Math.max(seconds, 0.001), 1),
      bytesSent: findings.bytesSent,
      bytesReceived: findings.bytesReceived,
      sentByName: Object.fromEntries(findings.sent),
      receivedByName: Object.fromEntries(findings.received),
    },
    requests,
    returnsSkipped: findings.returnsSkipped,
    resent: findings.resent,
    cutShort: findings.cutShort,
    problems,
  };
}

const number = (value: number) => value.toLocaleString('en-US');

/** `CH 1,000, MQ 980`: counts by wire name, largest first. */
function byName(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${number(count)}`).join(', ');
}

/** The report as text for a person. */
export function reportText(report: StationsReport, style: Style): string {
  const { settings, connections, frames } = report;
  const lines = [
    style.bold(`${number(report.stations)} simulated stations against ${report.server} for ${report.seconds.toFixed(1)} s${report.interrupted ? ' (stopped by Ctrl-C)' : ''}`),
    style.dim(
      `seed ${settings.seed}, ${settings.slots} slots, a heartbeat every ${settings.heartbeatSeconds} s, ` +
        `${settings.returnEverySeconds === 0 ? 'no returns' : `a return every ${settings.returnEverySeconds} s`}, answers awaited ${settings.answerTimeoutSeconds} s` +
        `${settings.deviations.length === 0 ? '' : `, deviations ${settings.deviations.join(' ')}`}`,
    ),
    '',
    `connections  ${number(connections.established)} established${connections.rampSeconds === null ? '' : `, every station within ${connections.rampSeconds.toFixed(1)} s (ramp ${number(settings.ramp)}/s)`}; ` +
      `at most ${number(connections.peakOpen)} open at once; ${number(connections.reconnections)} reconnections` +
      (connections.neverConnected === 0 ? '' : `; ${number(connections.neverConnected)} stations never connected`),
    `frames       ${number(frames.sent)} sent (${byName(frames.sentByName)})`,
    `             ${number(frames.received)} received (${byName(frames.receivedByName)}); ${number(frames.perSecond)} frames/s both ways`,
    '',
    `${'answers'.padEnd(45)}${'sent'.padStart(8)}${'answered'.padStart(10)}${'p50'.padStart(9)}${'p90'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}`,
    ...REQUEST_KINDS.map((kind) => {
      const { sent, answered, late, latencyMs } = report.requests[kind];
      const times = answered === 0 ? '' : [latencyMs.p50, latencyMs.p90, latencyMs.p99, latencyMs.max].map((ms) => formatMs(ms).padStart(9)).join('');
      return `  ${REQUEST_NAMES[kind].padEnd(43)}${number(sent).padStart(8)}${number(answered).padStart(10)}${times}${late === 0 ? '' : `  (${number(late)} late)`}`;
    }),
  ];
  const notes = [
    report.returnsSkipped === 0 ? '' : `${number(report.returnsSkipped)} returns skipped: the station had no empty slot`,
    report.resent === 0 ? '' : `${number(report.resent)} requests sent again on a new connection`,
    report.cutShort === 0 ? '' : `${number(report.cutShort)} requests still within their answer timeout when the run ended (not counted)`,
  ].filter((note) => note !== '');
  if (notes.length > 0) lines.push('', ...notes.map((note) => style.dim(note)));
  lines.push('');
  if (report.ok) {
    lines.push(style.ok('✓ The server followed the protocol.'));
    return `${lines.join('\n')}\n`;
  }
  lines.push(style.bad(`✗ The server broke the protocol (${report.problems.length === 1 ? 'one way' : `${report.problems.length} ways`}):`));
  for (const { title, count, example } of report.problems) {
    lines.push(`  ${style.bad('✗')} ${title}: ${number(count)}`);
    lines.push(`      e.g. station ${example.imei} at ${example.atSeconds.toFixed(1)} s: ${example.description}`);
    if (example.frame !== undefined) lines.push(`      frame: ${example.frame}`);
  }
  return `${lines.join('\n')}\n`;
}
