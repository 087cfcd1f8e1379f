import fc from 'fast-check';
import { describe, it } from 'vitest';
import { properties } from './properties/index.js';

describe('properties (npm run fuzz runs the same ones with a large budget)', () => {
  for (const [name, { build, ciRuns }] of Object.entries(properties)) {
    it(name, () => {
      fc.assert(build(), { numRuns: ciRuns });
    });
  }
});
