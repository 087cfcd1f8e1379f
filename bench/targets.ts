/**
 * The targets of the bench, as ratios between two cases timed in the same run: absolute
 * numbers move with the machine and its load, ratios between neighbours much less. Each
 * ratio is taken round by round and the median kept, so that a burst of load during one
 * round moves it little.
 */
import { quantile, type Timing } from './measure.js';

type Metric = 'unitsPerSecond' | 'megabytesPerSecond' | 'nsPerUnit' | 'nsPerByte';

export interface Target {
  readonly label: string;
  /** The codec's case, and the case it is measured against. */
  readonly ours: string;
  readonly theirs: string;
  readonly metric: Metric;
  /** The ratio ours / theirs must be at least this … */
  readonly atLeast?: number;
  /** … or at most this (for times). */
  readonly atMost?: number;
}

export interface TargetResult {
  readonly target: Target;
  /** The median over the rounds of the ratio in each round. */
  readonly ratio: number;
  /** The lowest and highest ratio of a round. */
  readonly lowest: number;
  readonly highest: number;
  readonly pass: boolean;
}

/** `metric` from nanoseconds per call. */
function metricOf(metric: Metric, timing: Timing, nsPerCall: number): number {
  const { units, bytes } = timing.case;
  if (metric === 'nsPerUnit') return nsPerCall / units;
  if (metric === 'nsPerByte') return nsPerCall / bytes;
  return metric === 'unitsPerSecond' ? (units * 1e9) / nsPerCall : (bytes * 1e3) / nsPerCall;
}

/** The targets of the simplify issue: plain code on traffic that varies. */
export const TARGETS: readonly Target[] = [
  { label: 'decode heartbeats of 10,000 stations vs baseline, frames/s', ours: 'decode.CH', theirs: 'baseline.decode.CH', metric: 'unitsPerSecond', atLeast: 4 },
  { label: 'decode status answers of 10,000 stations vs baseline, frames/s', ours: 'decode.AQ', theirs: 'baseline.decode.AQ', metric: 'unitsPerSecond', atLeast: 4 },
  { label: 'decode heartbeats vs CRC floor on the same bytes, time', ours: 'decode.CH', theirs: 'floor.crc.CH', metric: 'nsPerUnit', atMost: 3 },
  { label: 'decode status answers vs CRC floor on the same bytes, time', ours: 'decode.AQ', theirs: 'floor.crc.AQ', metric: 'nsPerUnit', atMost: 3 },
  { label: 'encode heartbeats of 10,000 stations vs baseline, frames/s', ours: 'encode.CH', theirs: 'baseline.encode.CH', metric: 'unitsPerSecond', atLeast: 3 },
  { label: 'encode status answers of 10,000 stations vs baseline, frames/s', ours: 'encode.AQ', theirs: 'baseline.encode.AQ', metric: 'unitsPerSecond', atLeast: 3 },
  { label: '1,000 connections, a decoder each, vs baseline, MB/s', ours: 'stream.connections', theirs: 'baseline.connections', metric: 'megabytesPerSecond', atLeast: 3.5 },
  { label: 'decode status answers vs nmea-simple GGA, MB/s', ours: 'decode.AQ', theirs: 'nmea.GGA', metric: 'megabytesPerSecond', atLeast: 5 },
  { label: 'decode status answers vs nmea-simple RMC, MB/s', ours: 'decode.AQ', theirs: 'nmea.RMC', metric: 'megabytesPerSecond', atLeast: 5 },
];

export function checkTargets(targets: readonly Target[], timings: ReadonlyMap<string, Timing>): TargetResult[] {
  return targets.map((target) => {
    const ours = timings.get(target.ours);
    const theirs = timings.get(target.theirs);
    if (ours === undefined || theirs === undefined) throw new Error(`target "${target.label}" names a case that was not timed`);
    // Round by round: both cases of a round ran seconds apart at most, under the same load.
    const ratios = ours.roundMedians
      .map((nsPerCall, round) => metricOf(target.metric, ours, nsPerCall) / metricOf(target.metric, theirs, theirs.roundMedians[round]!))
      .sort((a, b) => a - b);
    const ratio = quantile(ratios, 0.5);
    const pass = (target.atLeast === undefined || ratio >= target.atLeast) && (target.atMost === undefined || ratio <= target.atMost);
    return { target, ratio, lowest: ratios[0]!, highest: ratios[ratios.length - 1]!, pass };
  });
}
