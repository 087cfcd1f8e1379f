import fc from 'fast-check';
import { describe, it } from 'vitest';
import { properties } from './properties/index.js';

/** `FC_RUNS_SCALE` shrinks the budgets (mutation testing runs the suite thousands of times). */
const scale = Number(process.env['FC_RUNS_SCALE'] ?? 1);

describe('properties (npm run fuzz runs the same ones with a large budget)', () => {
  for (const [name, { build, ciRuns }] of Object.entries(properties)) {
    it(name, () => {
      fc.assert(build(), { numRuns: Math.max(10, Math.round(ciRuns * scale)) });
    });
  }
});
