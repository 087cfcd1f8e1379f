/**
 * The harness's settings: the flags, their documented defaults, and the checks that
 * turn a bad value into a usage error (exit status 2).
 *
 * @module
 */

import { resolveDialect, type Dialect } from '../../dialect.js';
import { dialectFromFlags, dialectHelp, dialectOptions, integerFlag, parseCommandLine, UsageError, type OptionTable } from '../args.js';

/** What one run of the harness does; times in milliseconds. */
export interface HarnessSettings {
  /** The port to listen on (0: any free port, printed once listening). */
  readonly port: number;
  /** The address to listen on (default 0.0.0.0: every interface, so that a station on the network reaches it). */
  readonly host: string;
  /** The dialect the station must speak (default: the canonical one). */
  readonly dialect: Dialect;
  /** How long to wait for the station to connect. */
  readonly connectTimeout: number;
  /** How long the whole run may take, from listening to the report. */
  readonly runTimeout: number;
  /** How long to wait for an answer, or for an operator's insertion. */
  readonly timeout: number;
  /** The longest an answer may take (CQ → AQ, CC → MC.BO or MR.BF, RQ.T → MC.RO or MR.RF). */
  readonly maxLatency: number;
  /** Heartbeats closer together than this are too fast. */
  readonly heartbeatMin: number;
  /** A gap between heartbeats (or before the first frame) longer than this is too slow. */
  readonly heartbeatMax: number;
  /** How long to keep listening after each step for stray frames. */
  readonly settle: number;
}

/** What the command does besides the run: its outputs. */
export interface HarnessOutputs {
  /** The report as one JSON object on stdout (the live log goes to stderr). */
  readonly json: boolean;
  /** Where to write the report as JUnit XML. */
  readonly junit: string | undefined;
}

/** The defaults, in seconds, as the help and the firmware guide state them. */
export const DEFAULT_SECONDS = {
  'connect-timeout': 60,
  'run-timeout': 600,
  timeout: 30,
  'max-latency': 5,
  'heartbeat-min': 0.5,
  'heartbeat-max': 180,
  settle: 1,
} as const;

type TimeFlag = keyof typeof DEFAULT_SECONDS;

const options: OptionTable = {
  port: { type: 'string' },
  host: { type: 'string' },
  ...Object.fromEntries(Object.keys(DEFAULT_SECONDS).map((name) => [name, { type: 'string' }])),
  ...dialectOptions,
  json: { type: 'boolean' },
  junit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const help = `Usage: powerbank-codec harness --port N [options]

The conformance harness for station firmware: plays the server for one real station,
drives every flow of the protocol (status, a lend, a lend that must fail, an accepted
and a rejected return, which an operator starts by inserting a power bank, and the
heartbeat), decodes every frame in strict mode, and reports each step PASS or FAIL
with every problem in words: deviations, frames that do not decode (and the dialect
flags under which they would), answers that are missing, wrong, late or repeated,
heartbeats too fast or too slow. Nothing the station sends stops the run.

Options:
  --port N                the port to listen on (0: any free port)
  --host ADDRESS          the address to listen on (default 0.0.0.0: every interface)
  --connect-timeout S     how long to wait for the station to connect (default ${DEFAULT_SECONDS['connect-timeout']})
  --run-timeout S         the whole run, from listening to the report (default ${DEFAULT_SECONDS['run-timeout']})
  --timeout S             how long to wait for an answer or an operator's insertion
                          (default ${DEFAULT_SECONDS.timeout})
  --max-latency S         the longest an answer may take, CQ → AQ, CC → MC/MR, RQ.T → MC/MR
                          (default ${DEFAULT_SECONDS['max-latency']})
  --heartbeat-min S       heartbeats closer together than this are too fast (default ${DEFAULT_SECONDS['heartbeat-min']})
  --heartbeat-max S       a gap between heartbeats longer than this is too slow; the first
                          frame must come within it too (default ${DEFAULT_SECONDS['heartbeat-max']})
  --settle S              listen this long after each step for stray frames (default ${DEFAULT_SECONDS.settle})
  --json                  the report as one JSON object on stdout; the live log goes to stderr
  --junit FILE            the report as JUnit XML, one testcase per step, for CI
  -h, --help              this help
Times are in seconds; decimals work (--settle 0.2).

${dialectHelp}

Exit status: 0 when every step passed, 1 when a step failed (no station connected
included), 2 on a usage or setup error (e.g. the port is in use).

Examples:
  powerbank-codec harness --port 9000
  powerbank-codec harness --port 9000 --slots 4 --crc XMODEM
  powerbank-codec harness --port 9000 --connect-timeout 120 --json --junit harness.xml > harness.json`;

/** A time flag's value in milliseconds: a positive number of seconds (`--settle` may be 0). */
function seconds(values: Record<string, unknown>, name: TimeFlag): number {
  const text = values[name];
  if (typeof text !== 'string') return DEFAULT_SECONDS[name] * 1000;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const least = name === 'settle' ? 'a' : 'a positive';
  if (!Number.isFinite(value) || value < 0 || (value === 0 && name !== 'settle')) throw new UsageError(`--${name} must be ${least} number of seconds; got "${text}"`);
  return value * 1000;
}

/** The settings and outputs the command line asks for, or `help` when it asks for the help; throws a `UsageError` for a mistake. */
export function settingsFromArgs(args: readonly string[]): { settings: HarnessSettings; outputs: HarnessOutputs } | 'help' {
  const { values } = parseCommandLine('harness', args, options, 0);
  if (values['help'] === true) return 'help';
  const port = values['port'];
  if (typeof port !== 'string') throw new UsageError('harness needs --port N, the port the station connects to (see: powerbank-codec harness --help)');
  const junit = values['junit'];
  if (junit === '') throw new UsageError('--junit needs a file name');
  const host = values['host'];
  if (host === '') throw new UsageError('--host needs an address');
  let dialect: Dialect;
  try {
    dialect = resolveDialect(dialectFromFlags(values));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { crc, crcCoverage, crcByteOrder, quotes, lineEnding, slotCount } = dialect;
  return {
    settings: {
      port: integerFlag('port', port, 0, 65_535),
      host: typeof host === 'string' ? host : '0.0.0.0',
      dialect: { crc, crcCoverage, crcByteOrder, quotes, lineEnding, slotCount },
      connectTimeout: seconds(values, 'connect-timeout'),
      runTimeout: seconds(values, 'run-timeout'),
      timeout: seconds(values, 'timeout'),
      maxLatency: seconds(values, 'max-latency'),
      heartbeatMin: seconds(values, 'heartbeat-min'),
      heartbeatMax: seconds(values, 'heartbeat-max'),
      settle: seconds(values, 'settle'),
    },
    outputs: { json: values['json'] === true, junit: typeof junit === 'string' ? junit : undefined },
  };
}
