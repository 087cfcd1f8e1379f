/**
 * How `decode --flows` prints: per station, per connection (or, in a byte stream, per
 * station alone), one line per flow with its result, its steps and the time between
 * them, each violation under the flow it broke, then a summary; or JSON Lines.
 *
 * @module
 */

import { describeSlots, slotAndBank } from '../flows/describe.js';
import type { StreamDecoderOptions } from '../index.js';
import type { Violation } from '../testing.js';
import type { OptionValues } from './args.js';
import { formatTime, type CaptureTime } from './capture/pcap.js';
import { FlowsView, type Conversation, type Entry, type FlowEntry, type FlowResult, type Seen } from './flows.js';
import { plural } from './format.js';
import { styleFor, type Style } from './style.js';
import { UsageError } from './usage.js';

const RESULT_WORDS: Readonly<Record<FlowResult, string>> = {
  lent: 'lent',
  lendFailed: 'lend failed',
  returned: 'returned',
  returnRejected: 'return rejected',
  returnFailed: 'return failed',
  statusAnswered: 'answered',
  timeout: 'no answer',
  wrongMessage: 'wrong message',
  unfinished: 'unfinished',
};

const VIOLATION_WORDS: Readonly<Record<Violation['violation'], string>> = {
  unexpected: 'unexpected',
  mismatch: 'mismatch',
  timeout: 'no answer',
  heartbeatGap: 'heartbeat gap',
  deviation: 'deviation',
  decodeError: 'decode error',
  discarded: 'discarded',
};

/** `22:39:09.585453`: the time of day of a capture time (UTC), with the capture's decimals. */
function timeOfDay(time: CaptureTime): string {
  const text = formatTime(time);
  return text.length > 20 && text[10] === 'T' ? text.slice(11, -1) : text;
}

/** Where a row was: its time of day, or `@offset` in a stream without times. */
function when(seen: Seen): string {
  return seen.time === undefined ? `@${seen.offset ?? '?'}` : timeOfDay(seen.time);
}

/** `+401 ms`, `+2.50 s`, `+3 min 20 s`: from one time to another. */
function elapsed(from: CaptureTime, to: CaptureTime): string {
  const ms = Number(to.nanoseconds - from.nanoseconds) / 1e6;
  if (ms < 1) return `+${ms.toFixed(3)} ms`;
  if (ms < 1000) return `+${ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(2)} s`;
  return `+${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `CC → MC.BO +401 ms → AM.BO +15.1 ms`; without times, the byte offsets: `CC → MC.BO @188`. */
function stepsText(entry: FlowEntry): string {
  return entry.steps
    .map((step, index) => {
      if (index === 0) return step.move;
      const previous = entry.steps[index - 1]!.seen;
      const gap = previous.time !== undefined && step.seen.time !== undefined ? elapsed(previous.time, step.seen.time) : `@${step.seen.offset ?? '?'}`;
      return `${step.move} ${gap}`;
    })
    .join(' → ');
}

/** What the flow was about: the slot and power bank of its last message, or the slots a status answer listed. */
function about(entry: FlowEntry): string {
  const last = entry.steps.at(-1)!.message;
  if ('slot' in last) return slotAndBank(last.slot, last.powerBankId);
  return last.type === 'StatusAnswer' ? describeSlots(last.slots) : '';
}

/** A violation's description without the flow it begins with, where the line already names the flow. */
function withoutFlow(violation: Violation): string {
  const head = `${violation.flow ?? ''}: `;
  return violation.description.startsWith(head) ? violation.description.slice(head.length) : violation.description;
}

/** The entries of a conversation in the order they began. */
function inOrder(conversation: Conversation): Entry[] {
  const start = (entry: Entry) => (entry.kind === 'flow' ? entry.steps[0]!.seen.order : entry.seen.order);
  return [...conversation.entries].sort((a, b) => start(a) - start(b));
}

/** The entries in the order they began; runs of heartbeats as one. */
function linesOf(conversation: Conversation): Array<Entry | { kind: 'heartbeats'; first: Seen; last: Seen; count: number }> {
  const sorted = inOrder(conversation);
  const lines: Array<Entry | { kind: 'heartbeats'; first: Seen; last: Seen; count: number }> = [];
  for (const entry of sorted) {
    const previous = lines.at(-1);
    if (entry.kind === 'heartbeat' && previous?.kind === 'heartbeats') {
      previous.last = entry.seen;
      previous.count++;
    } else lines.push(entry.kind === 'heartbeat' ? { kind: 'heartbeats', first: entry.seen, last: entry.seen, count: 1 } : entry);
  }
  return lines;
}

function heartbeatText(run: { first: Seen; last: Seen; count: number }): string {
  if (run.count === 1) return 'CH';
  const { first, last } = run;
  if (first.time === undefined || last.time === undefined) return `CH ×${run.count}`;
  const every = Number(last.time.nanoseconds - first.time.nanoseconds) / 1e9 / (run.count - 1);
  return `CH ×${run.count}, to ${timeOfDay(last.time)}, every ${every.toFixed(1)} s on average`;
}

/** The text of one conversation: its heading, then a line per flow, heartbeat run, lone violation or gap. */
function conversationText(conversation: Conversation, style: Style): string[] {
  const lines = linesOf(conversation);
  const width = Math.max(4, ...lines.map((line) => when(line.kind === 'flow' ? line.steps[0]!.seen : line.kind === 'heartbeats' ? line.first : line.seen).length));
  const stepsWidth = Math.max(0, ...lines.map((line) => (line.kind === 'flow' ? stepsText(line).length : 0)));
  const indent = '    ';
  const under = `${indent}${' '.repeat(width)}  `;
  const row = (seen: Seen, flow: string, mark: string, result: string, rest: string) => `${indent}${style.dim(when(seen).padEnd(width))}  ${flow.padEnd(9)}  ${mark} ${result.padEnd(15)}  ${rest}`.trimEnd();
  const text: string[] = [];
  for (const line of lines) {
    switch (line.kind) {
      case 'heartbeats':
        text.push(row(line.first, 'heartbeat', style.ok('✓'), '', heartbeatText(line)));
        break;
      case 'flow': {
        const mark = line.violations.length > 0 ? style.bad('✗') : line.result === 'unfinished' ? style.warn('…') : style.ok('✓');
        text.push(row(line.steps[0]!.seen, line.flow, mark, RESULT_WORDS[line.result], `${stepsText(line).padEnd(stepsWidth)}  ${about(line)}`));
        for (const { violation, seen } of line.violations) text.push(`${under}${style.bad('✗')} ${style.dim(when(seen))} ${withoutFlow(violation)}`);
        if (line.expected !== undefined) text.push(`${under}${style.warn('…')} still waiting at the end: ${line.expected}`);
        break;
      }
      case 'violation':
        text.push(row(line.seen, line.violation.flow ?? '-', style.bad('✗'), VIOLATION_WORDS[line.violation.violation], withoutFlow(line.violation)));
        break;
      case 'gap':
        text.push(row(line.seen, '-', style.bad('✗'), 'gap', `${plural(line.length, 'byte')} of the stream are not in the capture (or, with --strict, CR and LF bytes outside any frame)`));
        break;
    }
  }
  return text;
}

/** `connection 1  10.0.0.2:51234 → 10.0.0.1:9000  2026-12-06 22:39:09.585453 to 22:39:13.825292 UTC`, a log's span as it wrote its times, or the span of a byte stream. */
function conversationHeading({ connectionId, connection, first, last }: Conversation): string {
  let span = `bytes ${first?.offset ?? 0} to ${last?.offset ?? 0}`;
  if (first?.time !== undefined && last?.time !== undefined) {
    // A log's times are shown as it wrote them, with no zone; a capture's in UTC.
    span =
      first.time.text !== undefined
        ? `${formatTime(first.time)} to ${formatTime(last.time)}`
        : `${formatTime(first.time).slice(0, 10)} ${timeOfDay(first.time)} to ${timeOfDay(last.time)} UTC`;
  }
  return connectionId === undefined ? `  ${span}` : `  connection ${connectionId}  ${connection ?? ''}  ${span}`;
}

/** The conversations grouped by station, in the order the stations first appear. */
function byStation(view: FlowsView): Array<[string, Conversation[]]> {
  const stations = new Map<string, Conversation[]>();
  for (const conversation of view.conversations) {
    const key = conversation.imei ?? 'unknown (no frame names it)';
    stations.set(key, [...(stations.get(key) ?? []), conversation]);
  }
  return [...stations];
}

/** What the view found, counted. */
function counts(view: FlowsView) {
  const results = new Map<string, number>();
  const violations = new Map<string, number>();
  let heartbeats = 0;
  let gaps = 0;
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const { entries } of view.conversations) {
    for (const entry of entries) {
      if (entry.kind === 'flow') {
        count(results, entry.result);
        for (const { violation } of entry.violations) count(violations, violation.violation);
      } else if (entry.kind === 'violation') count(violations, entry.violation.violation);
      else if (entry.kind === 'heartbeat') heartbeats++;
      else gaps++;
    }
  }
  return { results, violations, heartbeats, gaps };
}

/** Whether the capture broke any rule: a violation, a gap, a damaged file. */
export function flowsFailed(view: FlowsView): boolean {
  const { violations, gaps } = counts(view);
  return violations.size > 0 || gaps > 0 || view.problems.length > 0;
}

/** The whole view as text, ending with a summary line. */
export function flowsText(view: FlowsView, style: Style): string {
  const lines: string[] = [];
  for (const [imei, conversations] of byStation(view)) {
    lines.push(style.bold(`station ${imei}`));
    for (const conversation of conversations) lines.push(conversationHeading(conversation), ...conversationText(conversation, style));
  }
  for (const problem of view.problems) lines.push(`${style.bad('capture:')} ${problem}`);
  const { results, violations, heartbeats, gaps } = counts(view);
  const flows = [...results.values()].reduce((sum, count) => sum + count, 0);
  const byKind = (map: Map<string, number>, words: Readonly<Record<string, string>>) => [...map].map(([key, count]) => `${words[key]} ${count}`).join(', ');
  const violationCount = [...violations.values()].reduce((sum, count) => sum + count, 0);
  const parts = [
    `${plural(byStation(view).length, 'station')}, ${plural(view.conversations.length, view.conversations.some((c) => c.connectionId !== undefined) ? 'connection' : 'conversation')}`,
    `${plural(flows, 'flow')}${flows > 0 ? ` (${byKind(results, RESULT_WORDS)})` : ''}`,
    violationCount === 0 ? style.ok('0 violations') : style.bad(`${plural(violationCount, 'violation')} (${byKind(violations, VIOLATION_WORDS)})`),
    plural(heartbeats, 'heartbeat'),
    ...(gaps > 0 ? [style.bad(plural(gaps, 'gap'))] : []),
  ];
  lines.push(style.bold(`summary: ${parts.join('; ')}`));
  return lines.join('\n');
}

/** A violation as JSON: what it says, its time, not the tracker's clock. */
function violationJson(violation: Violation, seen: Seen): Record<string, unknown> {
  const { kind: _kind, at: _at, steps: _steps, imei: _imei, ...rest } = violation;
  return { ...rest, time: seen.time === undefined ? null : formatTime(seen.time), offset: violation.offset ?? seen.offset ?? null };
}

/** The whole view as JSON Lines: a line per flow, heartbeat, lone violation and gap, then the summary. */
export function flowsJson(view: FlowsView): string {
  const lines: string[] = [];
  const time = (seen: Seen) => (seen.time === undefined ? null : formatTime(seen.time));
  for (const [, conversations] of byStation(view)) {
    for (const conversation of conversations) {
      const where = { station: conversation.imei ?? null, connectionId: conversation.connectionId ?? null, connection: conversation.connection ?? null };
      for (const entry of inOrder(conversation)) {
        if (entry.kind === 'flow') {
          const steps = entry.steps.map(({ move, from, message, seen }) => ({ move, from, time: time(seen), offset: seen.offset ?? null, message }));
          const violations = entry.violations.map(({ violation, seen }) => violationJson(violation, seen));
          lines.push(JSON.stringify({ kind: 'flow', ...where, flow: entry.flow, result: entry.result, steps, violations, ...(entry.expected === undefined ? {} : { expected: entry.expected }) }));
        } else if (entry.kind === 'violation') lines.push(JSON.stringify({ kind: 'violation', ...where, ...violationJson(entry.violation, entry.seen) }));
        else lines.push(JSON.stringify({ kind: entry.kind, ...where, time: time(entry.seen), offset: entry.seen.offset ?? null, ...(entry.kind === 'gap' ? { length: entry.length } : {}) }));
      }
    }
  }
  for (const problem of view.problems) lines.push(JSON.stringify({ kind: 'capture', message: problem }));
  const { results, violations, heartbeats, gaps } = counts(view);
  lines.push(
    JSON.stringify({
      kind: 'summary',
      stations: byStation(view).length,
      conversations: view.conversations.length,
      flows: Object.fromEntries(results),
      violations: Object.fromEntries(violations),
      heartbeats,
      gaps,
    }),
  );
  return lines.join('\n');
}

/** A number of seconds given to `--name`, as milliseconds. */
function secondsFlag(name: string, text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !(seconds > 0 && seconds <= 86_400 * 365)) throw new UsageError(`--${name} must be a number of seconds above 0, such as 30 or 2.5; got "${text}"`);
  return seconds * 1000;
}

/** The flows view that `decode --flows` asks for, or undefined without --flows. */
export function flowsViewFor(values: OptionValues, settings: StreamDecoderOptions): FlowsView | undefined {
  const timeout = values['answer-timeout'];
  const gap = values['heartbeat-gap'];
  if (values['flows'] !== true) {
    const stray = ['answer-timeout', 'heartbeat-gap'].find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} applies to --flows only`);
    return undefined;
  }
  return new FlowsView({
    answerTimeout: typeof timeout === 'string' ? secondsFlag('answer-timeout', timeout) : 30_000,
    heartbeatGap: typeof gap === 'string' ? secondsFlag('heartbeat-gap', gap) : undefined,
    dialect: settings.dialect ?? {},
    from: settings.from,
  });
}

/** Prints the flows view (text or JSON Lines); returns the exit status: 1 when anything broke a rule. */
export function writeFlows(view: FlowsView, json: boolean): number {
  view.end();
  process.stdout.write(`${json ? flowsJson(view) : flowsText(view, styleFor(process.stdout))}\n`);
  return flowsFailed(view) ? 1 : 0;
}
