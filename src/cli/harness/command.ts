/**
 * `powerbank-codec harness --port N`: the conformance harness as a command. The live log
 * and the text report go to stdout (to stderr with `--json`, which writes the report as
 * JSON on stdout); `--junit FILE` writes it as JUnit XML too. Ctrl-C ends the run early,
 * with the report. Exit status 0 when every step passed, 1 otherwise, 2 for a usage or
 * setup error.
 *
 * @module
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';
import { styleFor } from '../style.js';
import { jsonReport, junitReport } from './machine.js';
import { textReport } from './report.js';
import { runHarness } from './run.js';
import { help, settingsFromArgs } from './settings.js';

/** Opens the JUnit file now, so that a path that cannot be written is a setup error before the run, not a lost report after it. */
function openReportFile(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw new UsageError(`cannot write the JUnit report to ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function run(args: readonly string[]): Promise<number> {
  const parsed = settingsFromArgs(args);
  if (parsed === 'help') {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const { settings, outputs } = parsed;
  const junit = outputs.junit === undefined ? undefined : openReportFile(outputs.junit);
  const log = outputs.json ? process.stderr : process.stdout;
  const style = styleFor(log);
  const interrupt = new AbortController();
  const stop = () => interrupt.abort();
  process.once('SIGINT', stop);
  try {
    const result = await runHarness(settings, { log: (line) => void log.write(`${line}\n`), style, interrupt: interrupt.signal });
    log.write(`${textReport(result, style).join('\n')}\n`);
    if (outputs.json) process.stdout.write(`${JSON.stringify(jsonReport(result), null, 2)}\n`);
    if (junit !== undefined) writeSync(junit, junitReport(result));
    return result.passed ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', stop);
    if (junit !== undefined) closeSync(junit);
  }
}

/** The `harness` command. */
export const harnessCommand: Command = { name: 'harness', summary: 'test station firmware: play its server, run every flow, report each step', help, run };
