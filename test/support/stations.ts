/**
 * For the tests of `powerbank-codec stations`: the built tool run as a child process,
 * the example server (examples/server.ts) started on a free loopback port, and servers
 * on the station hub whose outgoing frames a test can change, drop or add to, to break
 * the protocol on purpose.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createStationHub, decode, type HubEvent, type Message, type StationHub, type StationHubOptions } from 'powerbank-codec';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** What a finished run printed, and its report when it printed JSON. */
export interface StationsRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: StationsReport | undefined;
}

/** The parts of the JSON report the tests read. */
export interface StationsReport {
  readonly ok: boolean;
  readonly stations: number;
  readonly connections: { readonly established: number; readonly reconnections: number; readonly peakOpen: number; readonly neverConnected: number };
  readonly frames: { readonly sent: number; readonly received: number; readonly sentByName: Record<string, number>; readonly receivedByName: Record<string, number> };
  readonly requests: Record<'ownership' | 'lendReport' | 'returnReport', { readonly sent: number; readonly answered: number; readonly late: number; readonly latencyMs: { readonly p50: number; readonly p99: number } }>;
  readonly resent: number;
  readonly problems: ReadonlyArray<{ readonly kind: string; readonly title: string; readonly count: number; readonly example: { readonly imei: string; readonly description: string; readonly frame?: string } }>;
}

/** Runs `powerbank-codec stations ARGS` to its end (the shell runs it when `shell` is given, e.g. to lower `ulimit -n` first). */
export async function runStations(args: readonly string[], shell?: string): Promise<StationsRun> {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR']) delete env[name];
  const child =
    shell === undefined
      ? spawn(process.execPath, [CLI, 'stations', ...args], { env })
      : spawn('sh', ['-c', `${shell} && exec "$0" "$@"`, process.execPath, CLI, 'stations', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [status] = (await once(child, 'close')) as [number | null];
  const report = args.includes('--json') && status !== 2 ? (JSON.parse(stdout) as StationsReport) : undefined;
  return { status, stdout, stderr, report };
}

/** The problems of a report, kind → count. */
export function problemCounts(report: StationsReport | undefined): Record<string, number> {
  return Object.fromEntries((report?.problems ?? []).map(({ kind, count }) => [kind, count]));
}

/** A server that runs somewhere: its stations' port, and how to stop it. */
export interface RunningServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** examples/server.ts on free loopback ports, as a child process (through tsx, as the docs run it). */
export async function startExampleServer(): Promise<RunningServer & { readonly http: number; output(): string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/server.ts', '--port', '0', '--http', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  for (let waited = 0; !output.includes('Ctrl-C stops'); waited += 20) {
    if (waited > 20_000 || child.exitCode !== null) throw new Error(`the example server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const [port, http] = [...output.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
  return {
    port: port!,
    http: http!,
    output: () => output,
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** How a test server departs from the hub's correct behaviour. */
export interface Breakage {
  /** Each frame the hub sends, decoded: return other bytes to send instead (none: drop it). */
  readonly alter?: (message: Message, bytes: Uint8Array) => Uint8Array | undefined;
  /** Called with each new connection and the hub, after the hub took it. */
  readonly onConnection?: (socket: Socket, hub: StationHub) => void;
}

/** A server on the station hub, on a free loopback port, with `breakage`. */
export async function startHubServer(options: Partial<StationHubOptions> & Breakage = {}): Promise<RunningServer & { readonly hub: StationHub; readonly events: HubEvent[] }> {
  const events: HubEvent[] = [];
  const { alter, onConnection, onEvent, ...hubOptions } = options;
  const hub = createStationHub({
    ownership: () => true,
    ...hubOptions,
    onEvent: (event) => {
      events.push(event);
      onEvent?.(event);
    },
  });
  const ticker = setInterval(() => hub.tick(Date.now()), 20);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const send = (bytes: Uint8Array) => {
      if (alter === undefined) return void socket.write(bytes);
      const decoded = decode(bytes, { from: 'server', dialect: { slotCount: 999 } });
      const sent = decoded.ok ? alter(decoded.message, bytes) : bytes;
      if (sent !== undefined) socket.write(sent);
    };
    const link = hub.connect({ send, close: () => socket.destroy() }, Date.now());
    socket.on('data', (chunk) => link.receive(chunk, Date.now()));
    socket.on('close', () => link.closed(Date.now()));
    socket.on('error', () => {});
    onConnection?.(socket, hub);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    hub,
    events,
    async stop() {
      clearInterval(ticker);
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
