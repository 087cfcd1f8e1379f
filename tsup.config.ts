import { defineConfig, type Options } from 'tsup';

/**
 * The command-line tool: one ESM file for Node, `dist/cli.js`, with its `#!` line kept
 * (tsup makes it executable). It bundles the library code it uses. Exported for the
 * tests, which build it before running it (test/support/buildCli.ts).
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

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    // Both builds run at once into dist/: this one's clean must spare the tool's files.
    clean: ['!cli.js', '!cli.js.map'],
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
  },
  cliBuild,
]);
