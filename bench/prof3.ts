import { decode } from 'powerbank-codec';
import { do_not_optimize, measure } from 'mitata';
import { framesOf, statusAnswersOfStations } from './fixtures.js';
const aq = framesOf(statusAnswersOfStations(10000));
const run = () => { for (const f of aq) do_not_optimize(decode(f)); };
const run2 = () => { for (const f of aq) decode(f); };
for (const [label, fn] of [['dno', run], ['plain', run2], ['dno', run]] as const) {
  const stats = await measure(() => do_not_optimize(fn()), { min_cpu_time: 500e6, min_samples: 3, batch_threshold: -1, gc: false });
  const s = [...stats.samples].sort((a, b) => a - b);
  console.log(label, (s[s.length >> 1]! / aq.length).toFixed(0), 'ns/frame');
}
