/**
 * The heartbeat rate: every heartbeat frame's arrival (whether it decoded or not), the
 * gaps between them measured against the limits, and the problems they make:
 *
 * ```
 * CH CH ......... CH CH ........   a gap under the minimum between two normal gaps: sent twice (duplicate)
 * CHCHCHCHCHCHCH ...............   two or more such gaps in a row: a storm (too fast)
 * CH .................. CH          a gap over the maximum: too slow
 * ```
 *
 * @module
 */

import { plural } from '../format.js';
import { seconds, sentence } from './words.js';

/** A problem with the heartbeats: its kind and sentence. */
export interface HeartbeatProblem {
  readonly kind: 'heartbeat too fast' | 'heartbeat too slow' | 'duplicate' | 'no heartbeat';
  readonly text: string;
}

/** Gaps over the maximum listed in full; more are counted. */
const MAX_SLOW_GAPS = 5;

/** The heartbeats of one connection. */
export class HeartbeatLog {
  count = 0;
  first: number | undefined;
  last: number | undefined;
  shortestGap = Infinity;
  longestGap = 0;
  /** Heartbeats that came twice: a short gap between two normal ones. */
  private pairs = 0;
  private pairGap = Infinity;
  /** Runs of two or more short gaps in a row, and how many heartbeats they hold. */
  private bursts = 0;
  private burstBeats = 0;
  /** Short gaps in a row so far, and the first of them. */
  private run = 0;
  private runGap = Infinity;
  private readonly slowGaps: Array<{ readonly from: number; readonly gap: number }> = [];
  private slowGapCount = 0;
  /** The arrivals of the last second (from `windowStart` on), for the busiest second. */
  private readonly window: number[] = [];
  private windowStart = 0;
  busiestSecond = 0;

  constructor(
    /** Heartbeats closer than this are too fast, ms. */
    readonly minGap: number,
    /** A gap longer than this is too slow, ms. */
    readonly maxGap: number,
  ) {}

  /** A heartbeat arrived at `at`. */
  beat(at: number): void {
    if (this.last !== undefined) this.gap(at - this.last, this.last);
    this.first ??= at;
    this.last = at;
    this.count++;
    this.window.push(at);
    while (this.window[this.windowStart]! <= at - 1_000) this.windowStart++;
    if (this.windowStart > 1_024) this.window.splice(0, this.windowStart), (this.windowStart = 0);
    this.busiestSecond = Math.max(this.busiestSecond, this.window.length - this.windowStart);
  }

  /** The average time between heartbeats, when there were two or more. */
  get averageGap(): number | undefined {
    return this.count < 2 ? undefined : (this.last! - this.first!) / (this.count - 1);
  }

  /** What is wrong with the heartbeats seen by `now`, the connection having opened at `openedAt`. */
  problems(openedAt: number, now: number): HeartbeatProblem[] {
    const pairs = this.pairs + (this.run === 1 ? 1 : 0);
    const pairGap = this.run === 1 ? Math.min(this.pairGap, this.runGap) : this.pairGap;
    const bursts = this.bursts + (this.run > 1 ? 1 : 0);
    const burstBeats = this.burstBeats + (this.run > 1 ? this.run + 1 : 0);
    const problems: HeartbeatProblem[] = [];
    const max = seconds(this.maxGap);
    if (this.last === undefined) {
      if (now - openedAt >= this.maxGap) {
        problems.push({ kind: 'no heartbeat', text: `heartbeat: none — expected: a heartbeat (CH) within ${max} (--heartbeat-max); received: nothing in ${seconds(now - openedAt)} since the connection opened` });
      }
      return problems;
    }
    if (this.first! - openedAt > this.maxGap) {
      problems.push({ kind: 'heartbeat too slow', text: `heartbeat: too slow — expected: a heartbeat (CH) within ${max} of the connection (--heartbeat-max); received: the first one after ${seconds(this.first! - openedAt)}` });
    }
    for (const { from, gap } of this.slowGaps) {
      problems.push({ kind: 'heartbeat too slow', text: `heartbeat: too slow — expected: a heartbeat (CH) at least every ${max} (--heartbeat-max); received: ${seconds(gap)} between the one at ${seconds(from)} and the next` });
    }
    if (this.slowGapCount > this.slowGaps.length) {
      const more = `${plural(this.slowGapCount - this.slowGaps.length, 'more gap')} longer than that`;
      problems.push({ kind: 'heartbeat too slow', text: sentence('heartbeat', 'too slow', `a heartbeat (CH) at least every ${max} (--heartbeat-max)`, more) });
    }
    if (now - this.last >= this.maxGap) {
      problems.push({ kind: 'heartbeat too slow', text: `heartbeat: too slow — expected: a heartbeat (CH) at least every ${max} (--heartbeat-max); received: none since the one at ${seconds(this.last)}, ${seconds(now - this.last)} before the check` });
    }
    if (bursts > 0) {
      problems.push({
        kind: 'heartbeat too fast',
        text: `heartbeat: too fast — expected: at least ${seconds(this.minGap, 3)} between heartbeats (--heartbeat-min); received: ${burstBeats} heartbeats in ${plural(bursts, 'burst')}, the closest ${seconds(this.shortestGap, 3)} apart, up to ${this.busiestSecond} within one second`,
      });
    }
    if (pairs > 0) {
      problems.push({
        kind: 'duplicate',
        text: `heartbeat: duplicate — expected: each heartbeat sent once; received: ${pairs === 1 ? 'a heartbeat' : `${pairs} heartbeats`} sent twice, the copies ${seconds(pairGap, 3)} apart or less`,
      });
    }
    return problems;
  }

  /** One line on the rate, for the report. */
  summary(): string {
    if (this.count === 0) return 'no heartbeat';
    const average = this.averageGap;
    if (average === undefined) return `1 heartbeat, at ${seconds(this.first!)}`;
    return `${this.count} heartbeats, every ${seconds(average, 3)} on average (the closest ${seconds(this.shortestGap, 3)} apart, the farthest ${seconds(this.longestGap, 3)})`;
  }

  private gap(gap: number, from: number): void {
    this.shortestGap = Math.min(this.shortestGap, gap);
    this.longestGap = Math.max(this.longestGap, gap);
    if (gap > this.maxGap) {
      this.slowGapCount++;
      if (this.slowGaps.length < MAX_SLOW_GAPS) this.slowGaps.push({ from, gap });
    }
    if (gap < this.minGap) {
      if (++this.run === 1) this.runGap = gap;
      return;
    }
    // A normal gap closes a run of short ones: one is a heartbeat sent twice, more a storm.
    if (this.run === 1) {
      this.pairs++;
      this.pairGap = Math.min(this.pairGap, this.runGap);
    } else if (this.run > 1) {
      this.bursts++;
      this.burstBeats += this.run + 1;
    }
    this.run = 0;
  }
}
