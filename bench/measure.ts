/**
 * Timing and allocation, on top of mitata: after two untimed warm-up passes over every
 * case, each case runs in many short rounds (all cases once per round, so that a burst
 * of load on a shared machine hits neighbouring cases alike), each round a full GC, one
 * untimed call, then a series of samples.
 */
import { do_not_optimize, measure } from 'mitata';

/**
 * One contestant: a call that does `units` items of work (frames, sentences, packets)
 * over `bytes` bytes. A call should take tens of microseconds at least, so that the
 * clock's own cost (tens of nanoseconds) is lost in it.
 */
export interface Case {
  readonly id: string;
  readonly label: string;
  /** Frames (or sentences, packets) handled by one call. */
  readonly units: number;
  /** Input bytes handled by one call. */
  readonly bytes: number;
  readonly run: () => unknown;
}

/** The timing of one case: nanoseconds per call, sorted, pooled over the rounds. */
export interface Timing {
  readonly case: Case;
  readonly samples: number[];
  /** Median nanoseconds per unit (frame, sentence, packet). */
  readonly nsPerUnit: number;
  /** Half the interquartile range, relative to the median: the "±" of the table. */
  readonly spread: number;
  readonly unitsPerSecond: number;
  readonly nsPerByte: number;
  /** Megabytes (10^6 bytes) per second. */
  readonly megabytesPerSecond: number;
  /** The median nanoseconds per call of each round, for ratios taken round by round. */
  readonly roundMedians: number[];
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run node with --expose-gc (npm run bench does)');
  gc();
}

export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** Times every case `rounds` times, interleaved; `onRound` hears when each round ends. */
/**
 * Runs `run` for about `milliseconds`, untimed: the JIT compiles it, and recompiles what
 * other cases made it see, before any sample counts.
 */
function warmUp(run: () => unknown, milliseconds: number): void {
  const until = performance.now() + milliseconds;
  do do_not_optimize(run());
  while (performance.now() < until);
}

export async function timeCases(
  cases: readonly Case[],
  rounds: number,
  cpuTimePerRound: number,
  onRound: (round: number) => void,
): Promise<Timing[]> {
  for (let pass = 0; pass < 2; pass++) for (const entry of cases) warmUp(entry.run, cpuTimePerRound / 2);
  const samples = cases.map(() => [] as number[]);
  const roundMedians = cases.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, entry] of cases.entries()) {
      // A full GC between cases, then one untimed call: the first call after a GC pays
      // for growing the young generation again, which would weigh on cases of few samples.
      collectGarbage();
      do_not_optimize(entry.run());
      // Each call does many frames (see `Case.units`), so one call is one sample: no batching.
      const stats = await measure(() => do_not_optimize(entry.run()), {
        min_cpu_time: cpuTimePerRound * 1e6,
        min_samples: 3,
        batch_threshold: -1,
        gc: false,
      });
      for (const sample of stats.samples) samples[index]!.push(sample);
      roundMedians[index]!.push(quantile([...stats.samples].sort((a, b) => a - b), 0.5));
    }
    onRound(round + 1);
  }
  return cases.map((entry, index) => {
    const sorted = samples[index]!.sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    return {
      case: entry,
      samples: sorted,
      nsPerUnit: median / entry.units,
      spread: (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 2 / median,
      unitsPerSecond: (entry.units * 1e9) / median,
      nsPerByte: median / entry.bytes,
      megabytesPerSecond: (entry.bytes * 1e3) / median,
      roundMedians: roundMedians[index]!,
    };
  });
}

/**
 * Bytes allocated per call of `run`: the growth of the heap over a batch of `calls`
 * calls right after a full GC, median of `repeats` batches. The batch is small enough
 * (a few hundred kilobytes) not to trigger a scavenge, which would hide allocations.
 */
export function bytesAllocatedPerCall(run: () => unknown, calls: number, repeats = 15): number {
  for (let i = 0; i < calls; i++) do_not_optimize(run()); // warm up: compile before counting
  const perCall: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < calls; i++) do_not_optimize(run());
    perCall.push((process.memoryUsage().heapUsed - before) / calls);
  }
  return quantile(perCall.sort((a, b) => a - b), 0.5);
}
