/**
 * A back end for power-bank stations: answers every station per PROTOCOL.md section 5
 * (`replyTo`), follows each conversation (`ConversationTracker`) and logs one line per
 * event. It greets each station with a status query, then every few seconds asks again
 * and lends one of the power banks listed, so that a simulated station (see
 * `station.ts`, with `--return-after`) shows every flow unattended.
 *
 *   npm run example:server -- [--port 9000] [--host 127.0.0.1] [--lend-every 10] [--strict] [--frames]
 *
 * A power bank belongs to the system when the server has seen it in a status answer;
 * any other is refused (RQ.F).
 */
import { parseArgs } from 'node:util';
import { describeMessage } from 'powerbank-codec/testing';
import { startServer, type StationConnection } from './lib/server.js';
import { dim, green, printable, red, withoutLineEnding } from './lib/terminal.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    'lend-every': { type: 'string', default: '10' },
    strict: { type: 'boolean', default: false },
    frames: { type: 'boolean', default: false },
  },
});
const lendEvery = Number(values['lend-every']) * 1000;

const fleet = new Set<string>();
const server = await startServer({
  host: values.host,
  port: Number(values.port),
  policy: { belongs: (powerBankId) => fleet.has(powerBankId) },
  decoding: { mode: values.strict ? 'strict' : 'lenient' },
});

const greeted = new WeakSet<StationConnection>();
const lendNext = new WeakSet<StationConnection>();
const log = (connection: StationConnection, text: string) =>
  console.log(`${new Date().toISOString().slice(11, 23)} ${connection.imei ?? connection.remote} ${text}`);

server.listen((entry) => {
  const { connection } = entry;
  switch (entry.kind) {
    case 'connected':
      return log(connection, 'connected');
    case 'closed':
      return log(connection, 'disconnected');
    case 'sent':
      if (values.frames) log(connection, dim(`→ ${printable(withoutLineEnding(entry.bytes))}  ${describeMessage(entry.message)}`));
      return;
    case 'received': {
      const { item } = entry;
      if (values.frames && (item.kind === 'message' || item.kind === 'error')) {
        log(connection, dim(`← ${printable(item.frame)}  ${item.kind === 'message' ? describeMessage(item.message) : `not decoded: ${item.error.code}`}`));
      }
      if (item.kind === 'message' && !greeted.has(connection)) {
        greeted.add(connection);
        connection.send({ type: 'StatusQuery', imei: item.message.imei });
      }
      return;
    }
    case 'event': {
      const { event } = entry;
      log(connection, event.kind === 'violation' ? red(`✗ ${event.description}`) : green(`✓ ${event.description}`));
      if (event.kind !== 'statusAnswered') return;
      for (const record of event.slots) if (record.powerBankId !== undefined) fleet.add(record.powerBankId);
      if (!lendNext.has(connection)) return;
      lendNext.delete(connection);
      const lendable = event.slots.find((record) => record.status === 'full') ?? event.slots.find((record) => record.status === 'notFull');
      if (lendable?.powerBankId !== undefined) connection.send({ type: 'LendRequest', imei: event.imei, slot: lendable.slot, powerBankId: lendable.powerBankId });
      return;
    }
  }
});

if (lendEvery > 0) {
  setInterval(() => {
    for (const connection of server.connections()) {
      if (connection.imei === undefined) continue;
      lendNext.add(connection);
      connection.send({ type: 'StatusQuery', imei: connection.imei });
    }
  }, lendEvery);
}

console.log(`Listening on ${server.host}:${server.port}${lendEvery > 0 ? `; a status query and a lend every ${lendEvery / 1000} s per station` : ''}. Ctrl-C stops.`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
