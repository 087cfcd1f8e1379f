/**
 * The live progress line of a `stations` run, on a terminal only: rewritten in place
 * about once a second on stderr, cleared before the report.
 *
 * ```
 * 12.0 s / 60 s  stations 4,998 of 5,000 connected  812 frames/s  answers p50 3.1 ms p99 12 ms  0 problems
 * ```
 *
 * @module
 */

import type { Style } from '../style.js';
import type { Progress } from './fleet.js';
import { formatMs } from './latency.js';

/** Writes the progress line to a terminal. */
export class ProgressLine {
  private lastFrames = 0;
  private lastAt = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly style: Style,
    private readonly count: number,
    private readonly duration: number,
  ) {}

  /** Shows `progress` in place of the previous line. */
  update({ now, phase, findings }: Progress): void {
    const frames = findings.framesSent + findings.framesReceived;
    const perSecond = now > this.lastAt ? ((frames - this.lastFrames) * 1000) / (now - this.lastAt) : 0;
    this.lastFrames = frames;
    this.lastAt = now;
    const latency = findings.recentLatency;
    const answers = latency.count === 0 ? 'answers -' : `answers p50 ${formatMs(latency.quantile(0.5))} p99 ${formatMs(latency.quantile(0.99))}`;
    latency.clear();
    const problems = findings.problemCount();
    const parts = [
      phase === 'draining' ? 'waiting for the last answers' : `${(now / 1000).toFixed(0)} s / ${this.duration / 1000} s`,
      `stations ${findings.connections.open.toLocaleString('en-US')} of ${this.count.toLocaleString('en-US')} connected`,
      `${Math.round(perSecond).toLocaleString('en-US')} frames/s`,
      answers,
      problems === 0 ? this.style.ok('0 problems') : this.style.bad(`${problems.toLocaleString('en-US')} problems`),
    ];
    const line = parts.join('  ');
    const width = this.stream.columns ?? 0;
    this.stream.write(`\r\x1b[K${width > 0 && line.length > width ? line.slice(0, width - 1) : line}`);
    this.shown = true;
  }

  /** Removes the line. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
