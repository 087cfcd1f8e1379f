/**
 * Answer times, in a histogram of fixed size: buckets 2% wide from 10 µs up, so a run of
 * any length keeps about 1,000 numbers per histogram and reads quantiles to within 2%.
 *
 * @module
 */

/** Smallest time told apart, in milliseconds; anything shorter falls in the first bucket. */
const FLOOR_MS = 0.01;
/** Each bucket is this many times wider than the one before. */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Buckets up to about 10⁶ s; anything longer falls in the last. */
const BUCKETS = Math.ceil(Math.log(1e9 / FLOOR_MS) / LOG_GROWTH);

/** Quantiles of a set of answer times, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** A histogram of answer times in milliseconds. */
export class LatencyHistogram {
  private readonly buckets = new Float64Array(BUCKETS);
  count = 0;
  max = 0;

  record(ms: number): void {
    const index = ms <= FLOOR_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / FLOOR_MS) / LOG_GROWTH));
    this.buckets[index]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** Adds every time of `other`. */
  add(other: LatencyHistogram): void {
    for (let index = 0; index < BUCKETS; index++) this.buckets[index]! += other.buckets[index]!;
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  clear(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.max = 0;
  }

  /** The time below which a share `q` (0..1) of the answers came: the upper edge of its bucket, never above the largest time; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.buckets[index]!;
      if (seen >= rank) return Math.min(this.max, FLOOR_MS * GROWTH ** index);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { count: this.count, p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99), max: this.max };
  }
}

/** A time in milliseconds for a person: `0.42 ms`, `12 ms`, `3.4 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
