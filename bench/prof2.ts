import { decode, createDecoder, encode } from 'powerbank-codec';
import { connectionTraffic, framesOf, heartbeatsOfStations, statusAnswersOfStations } from './fixtures.js';
const ch = framesOf(heartbeatsOfStations(10000));
const aq = framesOf(statusAnswersOfStations(10000));
function time(label: string, frames: Uint8Array[]) {
  const t = performance.now(); let n = 0;
  while (performance.now() - t < 1500) { for (const f of frames) decode(f); n += frames.length; }
  console.log(label, ((performance.now() - t) * 1e6 / n).toFixed(0), 'ns/frame');
}
time('AQ before', aq);
if (process.argv[2] === 'pollute') {
  const traffic = connectionTraffic(1000, 20);
  const ds = Array.from({ length: 1000 }, () => createDecoder({ from: 'device' }));
  for (let r = 0; r < 5; r++) for (const { connection, bytes } of traffic.chunks) ds[connection]!.push(bytes);
  console.log('polluted');
}
if (process.argv[2] === 'gc') { (globalThis as any).gc(); }
time('AQ after', aq);
time('CH after', ch);
