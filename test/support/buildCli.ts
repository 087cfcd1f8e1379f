/**
 * Vitest global setup: builds the command-line tool (dist/cli.js) from the current
 * sources before any test runs, so that test/cli.test.ts runs the real bundle, never a
 * stale one, whether the tests were started by `npm test` or by `npx vitest`. Only the
 * tool is built (esbuild, well under a second), with the config `npm run build` uses for it,
 * tsup.cli.config.ts.
 */
import { build } from 'tsup';
import { cliBuild } from '../../tsup.cli.config.js';

export default async function buildCli(): Promise<void> {
  await build({ ...cliBuild, config: false, silent: true });
}
