/**
 * The test configuration `npm run mutate` uses: the whole suite but for the tests that
 * exercise code Stryker does not mutate (the CLI, the examples) or that only bound work
 * (the 1 MB guards), with property budgets cut to a tenth, so that each of the thousands
 * of mutants is tested in seconds.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  { ...base, test: { ...base.test, globalSetup: [] } },
  defineConfig({
    test: {
      exclude: [
        // The command-line tool (src/cli/, not mutated), its docs and the demo.
        'test/cli*.test.ts',
        'test/capture.test.ts',
        'test/logs.test.ts',
        'test/stations*.test.ts',
        'test/harness.test.ts',
        'test/firmware-guide.test.ts',
        'test/demo.test.ts',
        'test/guards.test.ts',
        'node_modules/**',
      ],
      env: { FC_RUNS_SCALE: '0.1' },
      // Instrumented code runs several times slower; the 10 MB stream tests need the room.
      testTimeout: 60_000,
    },
  }),
);
