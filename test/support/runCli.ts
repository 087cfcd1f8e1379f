/**
 * Runs the built command-line tool (dist/cli.js, built by buildCli.ts before the tests)
 * as a user runs it: a child process, without colours.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** `powerbank-codec decode ARGS`: its exit status and output. */
export function decode(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'decode', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A line of `decode --json`: an item, a connection, or the summary (the fields the tests look at). */
export interface DecodeRow {
  kind: string;
  time?: string | null;
  connection?: string | null;
  from?: string | null;
  type?: string;
  offset?: number;
  code?: string;
  errors?: Record<string, number>;
  roles?: string;
  records?: number;
  format?: string;
}

/** The objects of `decode --json` output. */
export function jsonRows(stdout: string): DecodeRow[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DecodeRow);
}
