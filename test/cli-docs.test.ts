/**
 * The worked examples of docs/cli.md, "Reading captures and logs", run as written against
 * the fixtures they name (test/fixtures/logs, made by its make.sh): each `$ powerbank-codec`
 * command's output (stderr and stdout as a terminal shows them) must be the lines the
 * documentation shows, a line `…` standing for any number of lines.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { CLI } from './support/runCli.js';
const FIXTURES = ['fixtures/logs', 'fixtures', 'fixtures/captures'].map((folder) => fileURLToPath(new URL(`./${folder}/`, import.meta.url)));
const scratch = mkdtempSync(join(tmpdir(), 'cli-docs-'));

/** The section's examples: each `$ powerbank-codec` line of a code block, and the lines after it up to the next `$` line. */
function examples(): Array<{ command: string; expected: string[] }> {
  const doc = readFileSync(fileURLToPath(new URL('../docs/cli.md', import.meta.url)), 'utf8');
  const start = doc.indexOf('\n## Reading captures and logs\n');
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const found: Array<{ command: string; expected: string[] }> = [];
  let inBlock = false;
  let current: { command: string; expected: string[] } | undefined;
  for (const line of section.split('\n')) {
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      current = undefined;
    } else if (inBlock && line.startsWith('$ ')) {
      current = line.startsWith('$ powerbank-codec ') ? { command: line.slice(2), expected: [] } : undefined;
      if (current !== undefined) found.push(current);
    } else if (inBlock && current !== undefined) current.expected.push(line);
  }
  return found;
}

/** What a terminal shows for `command`: its stderr and stdout, in the order written. */
function run(command: string): string[] {
  const args = command.split(' ').slice(1).map((arg) => FIXTURES.map((folder) => join(folder, arg)).find((path) => !arg.startsWith('-') && existsSync(path)) ?? arg);
  const file = join(scratch, 'out.txt');
  const out = openSync(file, 'w');
  spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', out, out], env: { ...process.env, NO_COLOR: '1' } });
  closeSync(out);
  return readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
}

/** Whether `actual` is `expected`, each `…` line of which stands for any number of lines. */
function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const [first, ...rest] = expected;
  if (first === undefined) return actual.length === 0;
  if (first.trim() === '…') return actual.some((_, skip) => matches(rest, actual.slice(skip))) || matches(rest, []);
  return actual[0] === first && matches(rest, actual.slice(1));
}

describe('docs/cli.md, "Reading captures and logs"', () => {
  const all = examples();

  it('has a worked example for each format', ({ expect }) => {
    for (const name of ['sscom', 'docklight', 'realterm', 'coolterm', 'log', 'tshark-follow', 'od', 'jsonl', 'base64']) {
      expect(all.some(({ expected }) => expected.some((line) => line.includes(`(--format ${name}`))), name).toBe(true);
    }
  });

  it.for(all.map(({ command, expected }) => [command, expected] as const))('%s', ([command, expected], { expect }) => {
    const actual = run(command);
    expect(matches(expected, actual), `the documentation shows:\n${expected.join('\n')}\nthe tool prints:\n${actual.join('\n')}`).toBe(true);
  });
});
