/**
 * The fleet: N simulated stations against one server, for a given time. It connects the
 * first station alone (a server that cannot be reached at all is a setup error), then the
 * others through the ramp; runs every station's clock from one timer; reconnects the
 * stations whose connection the server closed, with a growing delay; at the end stops
 * the returns, waits for the answers still due (at most the answer timeout), and closes
 * every connection.
 *
 * @module
 */

import { SeededRandom } from '../../flows/random.js';
import { UsageError } from '../args.js';
import { Connector } from './connector.js';
import { Findings } from './findings.js';
import { fleetImeis } from './identity.js';
import { FleetStation, type FleetContext, type StationSettings } from './station.js';

/** What to run. Times in milliseconds. */
export interface FleetOptions {
  readonly host: string;
  readonly port: number;
  readonly count: number;
  readonly duration: number;
  /** New connections per second. */
  readonly ramp: number;
  readonly reconnect: boolean;
  readonly settings: StationSettings;
  /** Called about once a second while the run goes on. */
  readonly onProgress?: (progress: Progress) => void;
}

/** The state of a run, for the progress line. */
export interface Progress {
  readonly now: number;
  readonly phase: 'running' | 'draining';
  readonly findings: Findings;
}

/** What a run found, and how it went. */
export interface FleetRun {
  readonly findings: Findings;
  /** When every station had connected once (ms since the start), if they all did. */
  readonly rampDone: number | undefined;
  /** Stations that never connected. */
  readonly neverConnected: number;
  /** When the run ended, ms since the start. */
  readonly ended: number;
  /** Whether Ctrl-C ended it early. */
  readonly interrupted: boolean;
}

/** How often every station's clock ticks, in milliseconds. */
const TICK_MS = 100;
/** Handshakes in flight at most. */
export const MAX_PENDING_CONNECTIONS = 100;
/** A handshake that takes longer fails. */
const CONNECT_TIMEOUT_MS = 10_000;
/** The first reconnection waits this long; each failure in a row doubles it, up to the cap. */
export const RECONNECT_DELAY_MS = 1_000;
export const RECONNECT_CAP_MS = 30_000;
/** A connection that lasted this long resets the delay. */
const STABLE_MS = 10_000;
/** Errors that mean this machine ran out of something: the run cannot go on. */
const LOCAL_ERRORS: Readonly<Record<string, string>> = {
  EMFILE: 'this process ran out of file descriptors: raise the limit (ulimit -n)',
  ENFILE: 'the system ran out of file descriptors',
  EADDRNOTAVAIL: 'no local port left for another connection (see /proc/sys/net/ipv4/ip_local_port_range)',
  ENOBUFS: 'the system ran out of socket buffers',
};

/** Runs the fleet; resolves with what it found. Rejects with a `UsageError` when the server cannot be reached or this machine runs out of sockets. */
export async function runFleet(options: FleetOptions, interrupt: AbortSignal): Promise<FleetRun> {
  const started = performance.now();
  const clock = () => performance.now() - started;
  const findings = new Findings();
  const { settings } = options;
  const random = new SeededRandom(settings.seed);
  let phase: Progress['phase'] = 'running';
  let fatal: Error | undefined;
  let firstAttempt: ((error: NodeJS.ErrnoException | undefined) => void) | undefined;
  const everConnected = new Set<FleetStation>();
  let rampDone: number | undefined;

  const reconnectLater = (station: FleetStation, now: number, lasted: number) => {
    if (!options.reconnect || phase !== 'running') return;
    station.failuresInARow = lasted >= STABLE_MS ? 1 : station.failuresInARow + 1;
    const delay = Math.min(RECONNECT_CAP_MS, RECONNECT_DELAY_MS * 2 ** (station.failuresInARow - 1));
    station.reconnectAt = now + delay * (0.75 + random.next() / 2);
  };
  const context: FleetContext = { findings, settings, lentBanks: [], clock, dropped: (station, now, lasted) => reconnectLater(station, now, lasted) };
  const stations = fleetImeis(settings.seed, options.count).map((imei, index) => new FleetStation(imei, index, context, random.next() * settings.returnEvery));

  const connector = new Connector<FleetStation>(
    { host: options.host, port: options.port, rate: options.ramp, maxPending: MAX_PENDING_CONNECTIONS, connectTimeout: CONNECT_TIMEOUT_MS },
    {
      connected(station, socket) {
        if (phase !== 'running') return void socket.destroy();
        findings.connections.attempts++;
        if (everConnected.has(station)) findings.connections.reconnects++;
        everConnected.add(station);
        if (everConnected.size === options.count && rampDone === undefined) rampDone = clock();
        station.attach(socket, clock());
        firstAttempt?.(undefined);
      },
      failed(station, error) {
        findings.connections.attempts++;
        const code = error.code ?? error.message;
        if (firstAttempt !== undefined) return firstAttempt(error);
        if (Object.hasOwn(LOCAL_ERRORS, code)) {
          fatal ??= new UsageError(`${code} after ${findings.connections.established} connections: ${LOCAL_ERRORS[code]}`);
          return;
        }
        const now = clock();
        findings.problem('refused', { imei: station.imei, at: now, description: `connecting to ${options.host}:${options.port} failed: ${code === error.message ? code : `${code} (${error.message})`}` });
        reconnectLater(station, now, 0);
      },
    },
  );

  // The first station alone: if it cannot connect, nothing can.
  const firstError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    firstAttempt = resolve;
    connector.enqueue(stations[0]!);
  });
  firstAttempt = undefined;
  if (firstError !== undefined) {
    connector.stop();
    throw new UsageError(`cannot connect to ${options.host}:${options.port}: ${firstError.code ?? firstError.message}${firstError.code === 'ECONNREFUSED' ? ' (is the server running, on that port?)' : ''}`);
  }
  for (const station of stations.slice(1)) connector.enqueue(station);

  const interrupted = await new Promise<boolean>((resolve) => {
    let lastProgress = 0;
    let drainUntil = Infinity;
    const timer = setInterval(() => {
      const now = clock();
      const running = phase === 'running';
      for (const station of stations) {
        station.tick(now, running);
        if (running && station.reconnectAt !== undefined && now >= station.reconnectAt) {
          station.reconnectAt = undefined;
          connector.enqueue(station);
        }
      }
      if (now - lastProgress >= 1_000) {
        lastProgress = now;
        options.onProgress?.({ now, phase, findings });
      }
      if (running && (now >= options.duration || interrupt.aborted || fatal !== undefined)) {
        phase = 'draining';
        connector.stop();
        drainUntil = interrupt.aborted || fatal !== undefined ? now : now + settings.answerTimeout;
      }
      if (phase === 'draining' && (now >= drainUntil || interrupt.aborted || stations.every((station) => !station.isOpen || station.waitingCount === 0))) {
        clearInterval(timer);
        resolve(interrupt.aborted);
      }
    }, TICK_MS);
  });

  const ended = clock();
  for (const station of stations) {
    station.settle(ended);
    station.close();
  }
  await closed(stations);
  if (fatal !== undefined) throw fatal;
  return { findings, rampDone, neverConnected: options.count - everConnected.size, ended, interrupted };
}

/** Resolves once every connection closed, or after a second: then the rest are destroyed. */
async function closed(stations: readonly FleetStation[]): Promise<void> {
  for (let waited = 0; waited < 1_000 && stations.some((station) => station.isOpen); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const station of stations) station.destroy();
}
