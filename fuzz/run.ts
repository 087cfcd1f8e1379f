/**
 * The fuzz harness: runs every property of the test suite (test/properties/) with a
 * large budget, printing progress as it goes.
 *
 *   npm run fuzz                              # 1,000,000 cases per property
 *   npm run fuzz -- --runs 200000             # another budget
 *   npm run fuzz -- --only splitter           # properties whose name contains "splitter"
 *   npm run fuzz -- --only "<name>" --seed S --path P   # replay a failure it printed
 *
 * Exits 1 if any property fails, after printing its seed, counterexample and the command
 * that replays it.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { properties } from '../test/properties/index.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    seed: { type: 'string' },
    path: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npm run fuzz -- [--runs N] [--only TEXT] [--seed S --path P]');
  process.exit(0);
}

const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer; got ${values.runs}`);
  process.exit(2);
}
const selected = Object.entries(properties).filter(([name]) => values.only === undefined || name.includes(values.only));
if (selected.length === 0) {
  console.error(`no property name contains ${JSON.stringify(values.only)}`);
  process.exit(2);
}

const PROGRESS_EVERY_MS = 5_000;
const BATCH_TARGET_MS = 1_000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');

/** Replays one failure exactly, from the seed and path a previous run printed. */
function replay(name: string, build: () => fc.IProperty<unknown[]>): boolean {
  const details = fc.check(build(), { seed: Number(values.seed), path: values.path!, numRuns: 1 });
  console.log(details.failed ? fc.defaultReportMessage(details) : `${name}: the case passes now`);
  return !details.failed;
}

/** Runs `total` cases of one property in batches with fresh seeds, reporting progress. */
function fuzz(name: string, build: () => fc.IProperty<unknown[]>, total: number): boolean {
  const started = Date.now();
  let done = 0;
  let batch = 100;
  let lastReport = started;
  while (done < total) {
    const numRuns = Math.min(batch, total - done);
    const seed = (Date.now() ^ (Math.random() * 0x100000000)) | 0;
    const batchStarted = Date.now();
    const details = fc.check(build(), { numRuns, seed });
    if (details.failed) {
      console.log(`\nFAIL ${name} after ${count(done + details.numRuns)} cases (${seconds(Date.now() - started)})`);
      console.log(fc.defaultReportMessage(details));
      console.log(`replay: npm run fuzz -- --only ${JSON.stringify(name)} --seed ${details.seed} --path ${JSON.stringify(details.counterexamplePath)}`);
      return false;
    }
    done += numRuns;
    const elapsed = Date.now() - batchStarted;
    batch = Math.max(100, Math.min(100_000, Math.round((numRuns * BATCH_TARGET_MS) / Math.max(elapsed, 1))));
    if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = Date.now();
      const rate = Math.round((done * 1000) / (lastReport - started));
      console.log(`  ${name}: ${count(done)} / ${count(total)} cases, ${seconds(lastReport - started)}, ${count(rate)} cases/s`);
    }
  }
  console.log(`ok   ${name}: ${count(total)} cases in ${seconds(Date.now() - started)}`);
  return true;
}

const started = Date.now();
let failures = 0;
console.log(`fuzzing ${selected.length} properties, ${count(runs)} cases each`);
for (const [name, { build }] of selected) {
  const passed = values.seed !== undefined && values.path !== undefined ? replay(name, build) : fuzz(name, build, runs);
  if (!passed) failures++;
}
console.log(`\n${failures === 0 ? 'PASS' : 'FAIL'}: ${selected.length - failures} of ${selected.length} properties held, ${count(runs * selected.length)} cases in all, ${seconds(Date.now() - started)}`);
process.exit(failures === 0 ? 0 : 1);
