/**
 * Makes every fast-check property reproducible: a fixed seed by default, so that CI runs
 * the same cases every time; `FC_SEED=<number>` replays a given seed and
 * `FC_SEED=random` explores new cases (the seed of any failure is printed).
 */
import fc from 'fast-check';

const requested = process.env['FC_SEED'];
const seed = requested === 'random' ? Date.now() ^ (Math.random() * 0x100000000) : Number(requested ?? 20261124);
fc.configureGlobal({ seed });
