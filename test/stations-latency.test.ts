/** The answer-time histogram of `stations` (src/cli/stations/latency.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMs, LatencyHistogram } from '../src/cli/stations/latency.js';

describe('LatencyHistogram', () => {
  it('reads every quantile to within 2% of the exact one, never above the largest time', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), (times, q) => {
        const histogram = new LatencyHistogram();
        for (const ms of times) histogram.record(ms);
        const sorted = [...times].sort((a, b) => a - b);
        const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
        const read = histogram.quantile(q);
        expect(read).toBeGreaterThanOrEqual(exact * 0.98 - 1e-9);
        expect(read).toBeLessThanOrEqual(Math.min(exact * 1.02 + 1e-9, sorted.at(-1)!));
        expect(histogram.max).toBe(sorted.at(-1));
        expect(histogram.count).toBe(times.length);
      }),
    );
  });

  it('sums two histograms, and is empty after clear', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1);
    b.record(100);
    b.record(0);
    a.add(b);
    expect(a.summary()).toMatchObject({ count: 3, max: 100 });
    expect(a.quantile(0)).toBe(0.01);
    a.clear();
    expect(a.summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});

describe('formatMs', () => {
  it.for([
    [0.4217, '0.42 ms'],
    [3.14, '3.1 ms'],
    [12.6, '13 ms'],
    [3_400, '3.4 s'],
    [42_000, '42 s'],
  ] as const)('%s ms reads %s', ([ms, text]) => {
    expect(formatMs(ms)).toBe(text);
  });
});
