import { decode } from 'powerbank-codec';
import { framesOf, heartbeatsOfStations, statusAnswersOfStations } from './fixtures.js';
const ch = framesOf(heartbeatsOfStations(10000));
const aq = framesOf(statusAnswersOfStations(10000));
const which = process.argv[2] === 'aq' ? aq : ch;
const t = performance.now();
let n = 0;
while (performance.now() - t < 4000) { for (const f of which) decode(f); n += which.length; }
console.log(((performance.now() - t) * 1e6 / n).toFixed(0), 'ns/frame');
