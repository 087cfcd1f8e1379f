/**
 * The options of `powerbank-codec stations`: the flags, their defaults, the help text,
 * and the checks that turn a mistake into a one-line usage error.
 *
 * @module
 */

import { canonicalDialect, isProtocolError, type DeviationCode } from '../../index.js';
import { checkDeviations } from '../../flows/stationOptions.js';
import { dialectFromFlags, dialectHelp, dialectOptions, integerFlag, UsageError, type OptionTable, type OptionValues } from '../args.js';
import { isDigit } from '../text.js';
import type { FleetOptions } from './fleet.js';
import { MAX_PENDING_CONNECTIONS, RECONNECT_CAP_MS, RECONNECT_DELAY_MS } from './fleet.js';

/** The defaults, in the units the flags take. */
export const DEFAULTS = { count: 100, duration: 60, ramp: 500, heartbeat: 60, returnEvery: 60, answerTimeout: 10, seed: 1 } as const;

/** The most stations one run holds. */
export const MAX_COUNT = 100_000;

export const help = `Usage: powerbank-codec stations --connect HOST:PORT [options]

Runs simulated stations against a server, each on its own TCP connection, and reports
how the server behaved: every ownership query answered and every report acknowledged
with the right slot and power bank, and how fast; requests for slots that do not
exist, frames that do not decode, connections it closed, requests it never answered.
Each station says hello with a heartbeat, keeps its heartbeats, answers status queries
and lends, and takes a power bank back on a schedule (MQ, then MC.RO or MR.RF after
RQ.T): one its fleet lent if there is one, else one from elsewhere. It starts with
every slot full but the last.

On a terminal, a progress line on stderr; the report on stdout at the end.
Exit status: 0 the server followed the protocol, 1 it broke it (the report says how,
how often, with an example), 2 usage or setup error (e.g. no connection at all).

Options:
  --connect HOST:PORT     the server (required)
  --count N               stations, 1 to ${MAX_COUNT.toLocaleString('en-US')} (default ${DEFAULTS.count})
  --duration S            seconds the run lasts, the ramp included (default ${DEFAULTS.duration}); then
                          the stations wait at most --answer-timeout for the answers due
  --ramp N                new connections per second (default ${DEFAULTS.ramp}), at most
                          ${MAX_PENDING_CONNECTIONS} handshakes at a time; reconnections take the same ramp
  --heartbeat S           seconds between a station's heartbeats (default ${DEFAULTS.heartbeat})
  --return-every S        seconds between a station's returns, 0 for none (default ${DEFAULTS.returnEvery});
                          the first comes at a random time within the first period
  --answer-timeout S      how long a station waits for each answer (default ${DEFAULTS.answerTimeout})
  --seed N                the IMEIs, power banks, failures and timing draw from it (default ${DEFAULTS.seed})
  --lend-failure-rate R   share of lends a station fails (MR.BF), 0 to 1 (default 0)
  --return-failure-rate R share of accepted returns that fail (MR.RF), 0 to 1 (default 0)
  --deviation CODE        frames in a non-canonical form, repeatable: QUOTES, LINE_ENDING,
                          SEPARATOR, LOWERCASE_CRC, MISSING_SEMICOLON, UNKNOWN_STATUS
  --no-reconnect          a connection the server closes stays closed (default: the station
                          reconnects after ${RECONNECT_DELAY_MS / 1000} s, doubling per failure in a row up to ${RECONNECT_CAP_MS / 1000} s,
                          and sends again the requests left unanswered)
  --json                  the report as one JSON object
  -h, --help              this help

${dialectHelp}

Examples:
  powerbank-codec stations --connect 127.0.0.1:9000 --count 1000 --duration 60
  powerbank-codec stations --connect 127.0.0.1:9000 --count 5000 --duration 120 --ramp 250 --heartbeat 30
  powerbank-codec stations --connect server.local:9000 --count 50 --duration 10 --return-every 2 --json > report.json`;

export const options: OptionTable = {
  connect: { type: 'string' },
  count: { type: 'string' },
  duration: { type: 'string' },
  ramp: { type: 'string' },
  heartbeat: { type: 'string' },
  'return-every': { type: 'string' },
  'answer-timeout': { type: 'string' },
  seed: { type: 'string' },
  'lend-failure-rate': { type: 'string' },
  'return-failure-rate': { type: 'string' },
  deviation: { type: 'string', multiple: true },
  'no-reconnect': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...dialectOptions,
};

/** A decimal number option value (`2`, `0.5`), within `min..max`. */
function decimalFlag(name: string, text: string, min: number, max: number): number {
  const chars = Array.from(text);
  const plain = chars.length > 0 && chars.filter((char) => char === '.').length <= 1 && chars.some(isDigit) && chars.every((char) => isDigit(char) || char === '.');
  const value = plain ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`--${name} must be a number from ${min} to ${max}; got "${text}"`);
  return value;
}

/** A value in seconds, as milliseconds. */
function seconds(values: OptionValues, name: string, fallback: number, min: number): number {
  const text = values[name];
  return Math.round((typeof text === 'string' ? decimalFlag(name, text, min, 1e6) : fallback) * 1000);
}

/** `HOST:PORT`, `[v6]:PORT`. */
function target(text: string | undefined): { host: string; port: number } {
  if (text === undefined) throw new UsageError('stations needs the server: --connect HOST:PORT, e.g. --connect 127.0.0.1:9000 (see: powerbank-codec stations --help)');
  const colon = text.lastIndexOf(':');
  if (colon <= 0) throw new UsageError(`--connect must be HOST:PORT, e.g. 127.0.0.1:9000; got "${text}"`);
  const host = text.slice(0, colon);
  const port = integerFlag('connect', text.slice(colon + 1), 1, 65535);
  return { host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host, port };
}

/** The flags given to `stations`, checked, as the fleet's options (without the progress callback). */
export function fleetOptions(values: OptionValues): FleetOptions {
  const { host, port } = target(typeof values['connect'] === 'string' ? values['connect'] : undefined);
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const count = text('count') === undefined ? DEFAULTS.count : integerFlag('count', text('count')!, 1, MAX_COUNT);
  const duration = seconds(values, 'duration', DEFAULTS.duration, 0.1);
  const ramp = text('ramp') === undefined ? DEFAULTS.ramp : integerFlag('ramp', text('ramp')!, 1, 100_000);
  if ((count / ramp) * 1000 > duration) {
    throw new UsageError(`--count ${count} at --ramp ${ramp} a second takes ${(count / ramp).toFixed(1)} s to connect, longer than --duration ${duration / 1000}; raise --ramp or --duration`);
  }
  const dialect = dialectFromFlags(values);
  let deviations: DeviationCode[];
  try {
    deviations = [...checkDeviations(values['deviation'] as DeviationCode[] | undefined, '--deviation')];
  } catch (error) {
    if (isProtocolError(error)) throw new UsageError(error.message);
    throw error;
  }
  return {
    host,
    port,
    count,
    duration,
    ramp,
    reconnect: values['no-reconnect'] !== true,
    settings: {
      dialect,
      slotCount: dialect.slotCount ?? canonicalDialect.slotCount,
      seed: text('seed') === undefined ? DEFAULTS.seed : integerFlag('seed', text('seed')!, 0, 0xffffffff),
      heartbeat: seconds(values, 'heartbeat', DEFAULTS.heartbeat, 0.1),
      returnEvery: seconds(values, 'return-every', DEFAULTS.returnEvery, 0),
      answerTimeout: seconds(values, 'answer-timeout', DEFAULTS.answerTimeout, 0.1),
      lendFailureRate: text('lend-failure-rate') === undefined ? 0 : decimalFlag('lend-failure-rate', text('lend-failure-rate')!, 0, 1),
      returnFailureRate: text('return-failure-rate') === undefined ? 0 : decimalFlag('return-failure-rate', text('return-failure-rate')!, 0, 1),
      deviations,
    },
  };
}
