import { defineConfig, type Options } from 'tsup';

/**
 * The command-line tool: one ESM file for Node, `dist/cli.js`, with its `#!` line kept
 * (tsup makes it executable). It bundles the library code it uses. `npm run build` runs
 * it after the library's build (whose `clean` empties dist/ first); the tests build it
 * too, before running it (test/support/buildCli.ts).
 */
export const cliBuild: Options = {
  entry: { cli: 'src/cli/main.ts' },
  format: ['esm'],
  dts: false,
  clean: false,
  sourcemap: true,
  target: 'node18',
  platform: 'node',
};

export default defineConfig(cliBuild);
