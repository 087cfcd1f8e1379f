/**
 * The worked examples of docs/cli.md that are marked `<!-- checked: ... -->`: each
 * command is run (the built dist/cli.js, in the directory of its fixture, so that file
 * names print as the page shows them) and its output compared with the page, line by
 * line; a line `…` on the page stands for any number of lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const FIXTURES = ['./fixtures/', './fixtures/captures/'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
const page = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8');

interface Example {
  readonly line: number;
  readonly args: string[];
  readonly expected: string[];
}

/** Every code block right after a `<!-- checked: ... -->` comment: its command and its output. */
function checkedExamples(text: string): Example[] {
  const lines = text.split('\n');
  const examples: Example[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith('<!-- checked:') || lines[index + 1] !== '```') return;
    const end = lines.indexOf('```', index + 2);
    const [command = '', ...expected] = lines.slice(index + 2, end);
    if (!command.startsWith('$ powerbank-codec ')) throw new Error(`docs/cli.md:${index + 3}: a checked example starts with "$ powerbank-codec "`);
    examples.push({ line: index + 3, args: command.slice('$ powerbank-codec '.length).split(' ').filter((word) => word !== ''), expected });
  });
  return examples;
}

/** Whether `actual` has the lines of `expected`, `…` standing for any lines. */
function matches(actual: readonly string[], expected: readonly string[]): boolean {
  const escape = (line: string) => line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = expected.map((line) => (line === '…' ? '(?:[^\\n]*\\n)*?' : `${escape(line)}\\n`)).join('');
  return new RegExp(`^${pattern}$`).test(actual.map((line) => `${line}\n`).join(''));
}

const examples = checkedExamples(page);

describe('docs/cli.md, its checked examples', () => {
  it('has the worked examples of --flows and detect', ({ expect }) => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(examples.filter((example) => example.args.includes('--flows')).length).toBeGreaterThanOrEqual(4);
    expect(examples.filter((example) => example.args[0] === 'detect').length).toBeGreaterThanOrEqual(2);
  });

  it.for(examples.map((example) => [`line ${example.line}: powerbank-codec ${example.args.join(' ')}`, example] as const))('%s', ([, example], { expect }) => {
    const file = example.args.at(-1)!;
    const directory = FIXTURES.find((candidate) => existsSync(`${candidate}${file}`));
    expect(directory, `the fixture ${file}`).toBeDefined();
    const result = spawnSync(process.execPath, [CLI, ...example.args], { cwd: directory, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    const actual = result.stdout.replace(/\n$/, '').split('\n');
    if (!matches(actual, example.expected)) expect(actual.join('\n')).toBe(example.expected.join('\n'));
  });
});
