/**
 * Every example of docs/cli.md, run: the page cannot show what the tool no longer does.
 *
 * - An example is a line `$ powerbank-codec ARGS` in a code block; the lines after it, up
 *   to the next `$` line or the end of the block, are what a terminal shows (stderr and
 *   stdout, in the order written), a line `…` standing for any number of lines. It runs
 *   the built dist/cli.js, without colours and in UTC (RealTerm's stamps are shown as
 *   local times), in the folder of test/fixtures that holds the files it names, so that
 *   names print as the page shows them; its output must be the page's, line for line.
 * - `$ echo 'TEXT' | powerbank-codec ARGS` gives the tool TEXT on stdin; any other
 *   example has an empty stdin. `# …` after a command is a comment.
 * - `$` lines of other programs (`$ od -Ax -tx1 session.bin > session.od-x.txt`) show how
 *   an input was made (test/fixtures/logs/make.sh makes it so); they are not run.
 * - A code block that runs the tool in any other way (a live pipe, a network) comes right
 *   after a comment `<!-- not run: REASON -->`; its commands are listed as skipped with
 *   the reason. A command of the tool outside both is a failure: nothing escapes.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { CLI } from './support/runCli.js';

const PAGE = 'docs/cli.md';
const FOLDERS = ['fixtures', 'fixtures/captures', 'fixtures/logs'].map((folder) => fileURLToPath(new URL(`./${folder}/`, import.meta.url)));
const scratch = mkdtempSync(join(tmpdir(), 'cli-docs-'));

interface Example {
  /** The line of the page the command is on. */
  readonly line: number;
  readonly command: string;
  readonly args: readonly string[];
  /** What the tool reads on stdin. */
  readonly stdin: string;
  readonly expected: string[];
}

interface NotRun {
  readonly line: number;
  readonly command: string;
  readonly reason: string;
}

/** Whether a line of a code block runs the tool. */
const runsTool = (line: string) => /(^|[\s|$])powerbank-codec\s/.test(line);

/** The words of a shell command, quotes removed, up to a `#` comment. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let at = 0; at < command.length; at++) {
    const char = command[at]!;
    if (char === "'" || char === '"') {
      const end = command.indexOf(char, at + 1);
      if (end < 0) throw new Error(`an unclosed ${char} in: ${command}`);
      word = (word ?? '') + command.slice(at + 1, end);
      at = end;
    } else if (char === '\\') word = (word ?? '') + command[++at];
    else if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '#' && word === undefined) break;
    else word = (word ?? '') + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The examples of `text`, the commands it does not run, and the tool commands that are neither. */
function examplesOf(text: string): { examples: Example[]; notRun: NotRun[]; problems: string[] } {
  const lines = text.split('\n');
  const examples: Example[] = [];
  const notRun: NotRun[] = [];
  const problems: string[] = [];
  let block: { reason: string | undefined; start: number; commands: number } | undefined;
  let current: Example | undefined;
  lines.forEach((line, index) => {
    const number = index + 1;
    if (line.trimStart().startsWith('```')) {
      if (block === undefined) {
        const marker = /^<!-- not run: (.*) -->$/.exec(lines.slice(0, index).filter((before) => before.trim() !== '').at(-1) ?? '');
        block = { reason: marker?.[1]?.trim(), start: number, commands: 0 };
      } else {
        if (block.reason !== undefined && block.commands === 0) problems.push(`${PAGE}:${block.start}: "not run" marks a block that does not run the tool`);
        block = undefined;
      }
      current = undefined;
      return;
    }
    if (block === undefined) return;
    if (block.reason !== undefined) {
      if (runsTool(line)) {
        block.commands++;
        notRun.push({ line: number, command: line.replace(/^\$ /, ''), reason: block.reason });
      }
      return;
    }
    if (line.startsWith('$ ')) {
      current = undefined;
      if (!runsTool(line)) return;
      const words = shellWords(line.slice(2));
      const pipe = words.indexOf('|');
      const echoed = pipe === 2 && words[0] === 'echo';
      const tool = echoed ? words.slice(3) : words;
      if (tool[0] !== 'powerbank-codec' || tool.some((word) => ['|', '>', '<', '>>', '&&', ';'].includes(word))) {
        problems.push(`${PAGE}:${number}: cannot run "${line}": an example is "$ powerbank-codec ARGS" or "$ echo 'TEXT' | powerbank-codec ARGS"`);
        return;
      }
      current = { line: number, command: line.slice(2), args: tool.slice(1), stdin: echoed ? `${words[1]}\n` : '', expected: [] };
      examples.push(current);
    } else if (current !== undefined) current.expected.push(line);
    else if (runsTool(line)) problems.push(`${PAGE}:${number}: "${line.trim()}" is not run: show it as "$ powerbank-codec …" with its output, or mark its block <!-- not run: why -->`);
  });
  return { examples, notRun, problems };
}

/** The folder of test/fixtures that holds the files the arguments name (the first folder when they name none). */
function folderOf(args: readonly string[]): string {
  const holding = args.flatMap((arg) => FOLDERS.filter((folder) => !arg.startsWith('-') && existsSync(join(folder, arg))));
  if (new Set(holding).size > 1) throw new Error(`the files of "${args.join(' ')}" are in different folders of test/fixtures`);
  return holding[0] ?? FOLDERS[0]!;
}

/** What a terminal shows for the example: its stderr and stdout, in the order written. */
async function run(example: Example, name: string): Promise<string[]> {
  const file = join(scratch, `${name}.txt`);
  const out = openSync(file, 'w');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TZ: 'UTC' };
  delete env['FORCE_COLOR'];
  const child = spawn(process.execPath, [CLI, ...example.args], { cwd: folderOf(example.args), env, stdio: ['pipe', out, out] });
  child.stdin!.end(example.stdin);
  await new Promise((resolve, reject) => child.on('error', reject).on('close', resolve));
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

const { examples, notRun, problems } = examplesOf(readFileSync(new URL(`../${PAGE}`, import.meta.url), 'utf8'));

describe(`the examples of ${PAGE}`, () => {
  it('are all run, or marked "not run" with a reason', ({ expect }) => {
    expect(problems).toEqual([]);
    expect(notRun.filter(({ reason }) => reason === '')).toEqual([]);
    console.log(`${PAGE}: ${examples.length} examples run; not run:\n${notRun.map(({ line, command, reason }) => `  line ${line}: ${command}\n    (${reason})`).join('\n')}`);
  });

  it('show every command, and decode on each kind of input', ({ expect }) => {
    const commands = new Set(examples.map(({ args }) => args[0]));
    expect([...commands].sort()).toEqual(['crc', 'decode', 'detect', 'encode']);
    expect(examples.some(({ args }) => args.includes('--flows'))).toBe(true);
    const decoded = examples.filter(({ args }) => args[0] === 'decode');
    const notices = decoded.flatMap(({ expected }) => expected.flatMap((line) => /^reading the input as .* \((--format \S+|--hex) says so\)$/.exec(line)?.[1] ?? []));
    const formats = new Set(notices.map((flag) => (flag === '--hex' ? 'hex' : flag.slice('--format '.length))));
    for (const [extension, format] of [['.bin', 'raw'], ['.pcap', 'pcap'], ['.pcapng', 'pcapng']]) {
      if (decoded.some(({ args }) => args.some((arg) => arg.endsWith(extension!)))) formats.add(format!);
    }
    expect([...formats].sort()).toEqual(['base64', 'coolterm', 'docklight', 'hex', 'jsonl', 'log', 'od', 'pcap', 'pcapng', 'raw', 'realterm', 'sscom', 'tshark-follow']);
  });

  it.concurrent.for(examples.map((example) => [`line ${example.line}: ${example.command}`, example] as const))('%s', async ([name, example], { expect }) => {
    const actual = await run(example, `line-${example.line}`);
    if (!matches(example.expected, actual)) expect(actual.join('\n'), `${PAGE}:${name}: the tool's output differs from the page's`).toBe(example.expected.join('\n'));
  });

  it('runs every example but those marked not run, each with a reason', ({ expect }) => {
    // Printed so that a reader of the test output sees what the page shows unchecked.
    for (const { line, command, reason } of notRun) console.log(`${PAGE}:${line}: not run (${reason}): ${command}`);
    expect(notRun.every(({ reason }) => reason.trim() !== '')).toBe(true);
    expect(notRun.length).toBeLessThanOrEqual(3);
  });
});
