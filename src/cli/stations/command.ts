/**
 * `powerbank-codec stations --connect HOST:PORT`: a fleet of simulated stations against a
 * server, and the report of how the server behaved. Exit status 0 when it followed the
 * protocol, 1 when it broke it, 2 for a usage or setup error.
 *
 * @module
 */

import { parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { styleFor } from '../style.js';
import { runFleet } from './fleet.js';
import { checkLimits } from './limits.js';
import { fleetOptions, help, options } from './options.js';
import { ProgressLine } from './progress.js';
import { buildReport, reportText } from './report.js';

async function run(args: readonly string[]): Promise<number> {
  const { values } = parseCommandLine('stations', args, options, 0);
  if (values['help'] === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const fleet = fleetOptions(values);
  checkLimits(fleet.count);
  const progress = process.stderr.isTTY ? new ProgressLine(process.stderr, styleFor(process.stderr), fleet.count, fleet.duration) : undefined;
  // Ctrl-C once ends the run and prints the report; twice, stops at once.
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const result = await runFleet({ ...fleet, ...(progress === undefined ? {} : { onProgress: (state) => progress.update(state) }) }, interrupt.signal);
    progress?.clear();
    const report = buildReport(fleet, result);
    process.stdout.write(values['json'] === true ? `${JSON.stringify(report)}\n` : reportText(report, styleFor(process.stdout)));
    return report.ok ? 0 : 1;
  } finally {
    progress?.clear();
    process.removeListener('SIGINT', onInterrupt);
  }
}

/** The `stations` command. */
export const stationsCommand: Command = { name: 'stations', summary: 'run simulated stations against a server and report how it behaved', help, run };
