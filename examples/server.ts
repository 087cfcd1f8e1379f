/**
 * A complete back end for power-bank stations, on the station hub: a TCP server for the
 * stations, an HTTP endpoint for the app (lend, status), an asynchronous ownership check
 * against a stand-in database, one log line per event, and a graceful shutdown on Ctrl-C
 * that waits for the requests in flight. docs/server-guide.md walks through it.
 *
 *   npm run example:server -- [--port 9000] [--http 8080] [--host 127.0.0.1] [--state hub.json]
 *   npm run example:station -- --port 9000 --return-after 20      (in another terminal)
 *   curl -X POST 'http://127.0.0.1:8080/lend?imei=860123456789014&slot=1'
 *   curl -X POST 'http://127.0.0.1:8080/status?imei=860123456789014'
 *
 * A power bank belongs to the fleet once a status answer listed it (the server asks each
 * station as it comes online); any other is refused (RQ.F). With `--state`, what billing
 * depends on (late answers, repeated reports) survives a restart.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createStationHub, type HubEvent } from 'powerbank-codec';

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '9000' }, http: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, state: { type: 'string' } },
});

// A stand-in for the operator's database: the fleet's power banks, and who rents which since when.
const fleet = new Set<string>();
const rentals = new Map<string, number>();
const belongs = async (powerBankId: string): Promise<boolean> => (await sleep(10), fleet.has(powerBankId));

// Errors as their message, bytes as text: one readable line per event.
const readable = (_: string, value: unknown) => (value instanceof Error ? value.message : value instanceof Uint8Array ? new TextDecoder().decode(value) : value);

function onEvent(event: HubEvent): void {
  const { type, at, imei = '-', ...details } = event;
  console.log(`${new Date(at).toISOString()} ${imei} ${type} ${JSON.stringify(details, readable)}`);
  if (type === 'online') void ask(hub.queryStatus(imei, { now: Date.now() })); // a listener may call the hub
  if (event.type === 'status') for (const { powerBankId } of event.slots) if (powerBankId !== undefined) fleet.add(powerBankId);
  if (event.type === 'lent') rentals.set(event.powerBankId, at); // bill from now
  if (event.type === 'lateAnswer' && event.message.type === 'LendSuccess') rentals.set(event.message.powerBankId, at); // the app heard 'timeout' (sent: true), the customer has the bank: bill it
  if (event.type === 'returned' && rentals.has(event.powerBankId)) {
    console.log(`${imei} rental of ${event.powerBankId} ended after ${Math.round((at - rentals.get(event.powerBankId)!) / 1000)} s`);
    rentals.delete(event.powerBankId);
  }
}

const hub = createStationHub({ ownership: belongs, onEvent });
if (args.state !== undefined && existsSync(args.state)) hub.restore(JSON.parse(readFileSync(args.state, 'utf8')));

// The hub's clock: one timer at nextDeadline(), re-armed after every call that may bring it forward.
let timer: NodeJS.Timeout | undefined;
function arm(): void {
  clearTimeout(timer);
  const next = hub.nextDeadline();
  if (next !== undefined) timer = setTimeout(() => (hub.tick(Date.now()), arm()), Math.max(0, next - Date.now()));
}
function ask<T>(request: T): T {
  arm(); // the request's deadline
  return request;
}
arm();

const stations = createServer((socket) => {
  const link = hub.connect({ send: (bytes) => void socket.write(bytes), close: () => socket.destroy() }, Date.now());
  arm(); // its first frame's deadline
  socket.on('data', (chunk) => link.receive(chunk, Date.now()));
  socket.on('close', () => link.closed(Date.now()));
  socket.on('error', () => {}); // 'close' follows
}).listen(Number(args.port), args.host);

const app = createHttpServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://server');
  const [imei, slot, powerBankId] = ['imei', 'slot', 'powerBankId'].map((name) => url.searchParams.get(name) ?? undefined);
  const gaveUp = new AbortController();
  response.on('close', () => gaveUp.abort()); // the app hung up first: the request settles 'aborted'
  const options = { now: Date.now(), powerBankId, signal: gaveUp.signal };
  const command = request.method !== 'POST' ? undefined : url.pathname === '/lend' ? hub.lend(imei ?? '', Number(slot), options) : url.pathname === '/status' ? hub.queryStatus(imei ?? '', options) : undefined;
  if (command === undefined) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(await ask(command))}\n`);
}).listen(Number(args.http), args.host);

await Promise.all([once(stations, 'listening'), once(app, 'listening')]);
const where = (server: Server) => `${args.host}:${(server.address() as AddressInfo).port}`;
console.log(`Stations connect to ${where(stations)}; the app posts to http://${where(app)}/lend?imei=…&slot=… and /status?imei=…. Ctrl-C stops.`);
process.once('SIGINT', async () => {
  console.log('Stopping: no new connections; waiting for the requests in flight (at most their timeout) …');
  stations.close();
  app.close();
  await hub.drain(); // the timer keeps running: every request settles by its deadline
  if (args.state !== undefined) writeFileSync(args.state, JSON.stringify(hub.export()));
  process.exit(0);
});
