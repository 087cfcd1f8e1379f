import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests import the library by its package name, the way users do.
    alias: {
      'powerbank-codec/testing': fileURLToPath(new URL('./src/testing.ts', import.meta.url)),
      'powerbank-codec/arbitraries': fileURLToPath(new URL('./src/arbitraries/index.ts', import.meta.url)),
      'powerbank-codec': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // CI machines are shared: a property test with 10,000 cases may take several seconds
    // when the machine is busy. The limit catches a hang, not slowness.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Builds dist/cli.js, which test/cli.test.ts runs as a child process.
    globalSetup: ['test/support/buildCli.ts'],
    coverage: {
      // `npm test` runs with --coverage; these thresholds fail it (and CI) when missed.
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/cli/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { functions: 100, lines: 100, branches: 100, statements: 100 },
    },
  },
});
