import { decode } from './src/index.ts';
import { statusAnswersOfStations, heartbeatsOfStations, framesOf } from './bench/fixtures.ts';
const aq = framesOf(statusAnswersOfStations(10000));
const ch = framesOf(heartbeatsOfStations(10000));
function time(label: string, frames: Uint8Array[]) {
  for (let r = 0; r < 3; r++) for (const f of frames) decode(f);
  const t = performance.now();
  for (let r = 0; r < 5; r++) for (const f of frames) decode(f);
  console.log(label, ((performance.now() - t) * 1e6 / (5 * frames.length)).toFixed(0), 'ns/frame');
}
time('AQ varied', aq); time('CH varied', ch);
const one = aq[0]!; const same = Array(10000).fill(one);
time('AQ same', same);
