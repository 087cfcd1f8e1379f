/**
 * What a step of the harness collects while it runs: notes, problems (each with its
 * kind, for the summary), the latency of each answer, and whether it passed, failed or
 * was not run.
 *
 * @module
 */

import type { Violation } from '../../testing.js';

/** One problem: its kind (`LOWERCASE_CRC`, `no answer`, `duplicate`…), and the sentence that says it. */
export interface Problem {
  readonly kind: string;
  readonly text: string;
}

/** How a step ended. */
export type StepStatus = 'passed' | 'failed' | 'skipped';

/** An answer the step waited for, and how long it took. */
export interface Latency {
  /** What answered, in wire notation: `AQ`, `MC.BO`, `MR.RF`… */
  readonly answer: string;
  readonly ms: number;
}

/** Problems kept in full per step; the rest are counted (a station that floods makes thousands). */
export const MAX_PROBLEMS = 25;

/** The kind of a tracker violation: its deviation or error code, or the head of its sentence. */
export function kindOf(violation: Violation): string {
  const { code } = violation;
  if (violation.violation === 'deviation' && code !== undefined) return code;
  if (violation.violation === 'decodeError' && code !== undefined) return `${code} error`;
  if (violation.violation === 'discarded' && code !== undefined) return `discarded ${code}`;
  const { description } = violation;
  const dash = description.indexOf(' — ');
  return dash < 0 ? description : description.slice(0, dash);
}

/** A step's record. */
export class StepRecord {
  readonly notes: string[] = [];
  /** The first {@link MAX_PROBLEMS} problems. */
  readonly problems: Problem[] = [];
  /** Problems beyond those kept. */
  moreProblems = 0;
  /** How many problems of each kind, all of them counted. */
  readonly kinds = new Map<string, number>();
  readonly latencies: Latency[] = [];
  /** Why the step was not run, if it was not. */
  skipped: string | undefined;
  startedAt: number | undefined;
  endedAt: number | undefined;

  constructor(
    readonly number: number,
    readonly title: string,
    /** Called with each problem as it is recorded (the live log). */
    private readonly onProblem: (text: string) => void = () => {},
  ) {}

  /** Records a problem: the step fails. */
  fail(kind: string, text: string): void {
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ kind, text });
    else this.moreProblems++;
    this.onProblem(text);
  }

  /** Records a tracker violation as a problem. */
  violation(violation: Violation, suffix = ''): void {
    this.fail(kindOf(violation), `${violation.description}${suffix}`);
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** Marks the step as not run, for `reason`. */
  skip(reason: string): void {
    this.skipped = reason;
  }

  get status(): StepStatus {
    if (this.problems.length > 0) return 'failed';
    return this.skipped === undefined ? 'passed' : 'skipped';
  }
}
