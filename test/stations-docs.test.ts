/**
 * Every `powerbank-codec stations` command in the documentation (the stations section
 * of docs/server-guide.md, docs/cli.md's, and the README) runs against the example
 * server on loopback and passes. Each runs as written, with two changes, made here and nowhere else:
 * `--connect` names the test's example server, and `--count` and `--duration` are cut to
 * at most 30 stations and 2 seconds, so that the whole check takes seconds.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStations, startExampleServer, type RunningServer } from './support/stations.js';

/** The most stations and seconds a documented example runs with here. */
const AT_MOST = { '--count': 30, '--duration': 2 } as const;

/** The part of `text` from the heading `from` to the next heading of the same level. */
function section(text: string, from: string): string {
  const start = text.indexOf(`\n${from}\n`);
  expect(start, from).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\n## ', start + from.length + 2);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The arguments after `powerbank-codec stations` on each line that runs it, up to a redirection, a pipe or a comment. */
function commands(text: string): string[][] {
  return text.split('\n').flatMap((line) => {
    const start = line.indexOf('npx powerbank-codec stations ');
    if (start < 0) return [];
    const rest = line.slice(start + 'npx powerbank-codec stations '.length);
    const cut = Math.min(...['>', '|', '#'].map((char) => (rest.includes(char) ? rest.indexOf(char) : rest.length)));
    return [rest.slice(0, cut).split(' ').filter((word) => word !== '')];
  });
}

/** `args` with the changes of this test: the example server's address, and smaller runs. */
function shortened(args: readonly string[], port: number): string[] {
  return args.map((arg, index) => {
    const flag = args[index - 1];
    if (flag === '--connect') return `127.0.0.1:${port}`;
    if (flag === '--count' || flag === '--duration') return String(Math.min(Number(arg), AT_MOST[flag]));
    return arg;
  });
}

const guide = commands(section(readFileSync('docs/server-guide.md', 'utf8'), '## Testing a server: a fleet of simulated stations'));
const cli = commands(section(readFileSync('docs/cli.md', 'utf8'), '## `stations --connect HOST:PORT`'));
const readme = commands(readFileSync('README.md', 'utf8'));
/** Each distinct command once. */
const distinct = [...new Set([...guide, ...cli, ...readme].map((args) => args.join(' ')))];

describe('the stations examples of the documentation', () => {
  let server: RunningServer;
  beforeAll(async () => void (server = await startExampleServer()));
  afterAll(async () => server?.stop());

  it('are there: the guide shows the command, and its use in CI with --json', () => {
    expect(guide.length).toBeGreaterThanOrEqual(2);
    expect(guide.some((args) => args.includes('--json'))).toBe(true);
    expect(cli.length).toBeGreaterThanOrEqual(1);
    expect(readme.length).toBeGreaterThanOrEqual(1);
  });

  // One after the other: two fleets of the same seed are the same stations, and the server would replace one's connections with the other's.
  it.for(distinct.map((line) => [line]))('%s: passes against the example server, with at most 30 stations for 2 s', { timeout: 30_000 }, async ([line]) => {
    const args = shortened(line!.split(' '), server.port);
    const { status, stdout, stderr, report } = await runStations(args);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    if (report === undefined) expect(stdout).toContain('✓ The server followed the protocol.');
    else expect(report).toMatchObject({ ok: true, problems: [] });
  });
});
