/**
 * A simulated station on a real TCP connection: a `StationSimulator` that connects to a
 * server, sends heartbeats, answers status queries and lends, and (with
 * `--return-after`) brings each lent power bank back after a delay, so that returns run
 * unattended. Failures and non-canonical frames can be injected to test a server.
 *
 *   npm run example:station -- [--port 9000] [--host 127.0.0.1] [--imei 860123456789014]
 *     [--seed 1] [--slots 3] [--empty 3] [--return-after 5] [--heartbeat 30] [--faulty 3]
 *     [--lend-failure-rate 0.2] [--return-failure-rate 0.1]
 *     [--deviation LOWERCASE_CRC] [--insert 3:1234567890]
 *
 * Every slot holds a power bank at the start but those named by `--empty` (and the
 * faulty ones); `--insert` pushes a bank into an empty slot once connected.
 * `--empty`, `--faulty`, `--deviation` and `--insert` may be repeated. Deviations are
 * those of PROTOCOL.md section 7: QUOTES, LINE_ENDING, SEPARATOR, LOWERCASE_CRC,
 * MISSING_SEMICOLON, UNKNOWN_STATUS.
 */
import { parseArgs } from 'node:util';
import { decode, isProtocolError, type DeviationCode } from 'powerbank-codec';
import { describeMessage, StationSimulator } from 'powerbank-codec/testing';
import { connectStation } from './lib/station-client.js';
import { dim, printable, withoutLineEnding } from './lib/terminal.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    imei: { type: 'string', default: '860123456789014' },
    seed: { type: 'string', default: '1' },
    slots: { type: 'string', default: '3' },
    'return-after': { type: 'string' },
    heartbeat: { type: 'string', default: '30' },
    empty: { type: 'string', multiple: true, default: [] },
    faulty: { type: 'string', multiple: true, default: [] },
    'lend-failure-rate': { type: 'string', default: '0' },
    'return-failure-rate': { type: 'string', default: '0' },
    deviation: { type: 'string', multiple: true, default: [] },
    insert: { type: 'string', multiple: true, default: [] },
  },
});

const station = createStation();

/** The simulator the options describe; a usage error (exit 2) for an invalid one. */
function createStation(): StationSimulator {
  const slots = Array.from({ length: Number(values.slots) }, (_, index) => index + 1);
  const unused = new Set([...values.empty, ...values.faulty].map(Number));
  // With --empty, the other working slots hold a bank each; without, the simulator fills them all.
  const banks = values.empty.length === 0 ? {} : { banks: slots.filter((slot) => !unused.has(slot)).map((slot) => ({ slot, powerBankId: String(1_000_000_000 + slot) })) };
  try {
    return new StationSimulator({
      ...banks,
      imei: values.imei,
      seed: Number(values.seed),
      dialect: { slotCount: Number(values.slots) },
      heartbeatInterval: Number(values.heartbeat) * 1000,
      faultySlots: values.faulty.map(Number),
      lendFailureRate: Number(values['lend-failure-rate']),
      returnFailureRate: Number(values['return-failure-rate']),
      deviations: values.deviation as DeviationCode[],
    });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    console.error(`station: ${error.message}`);
    process.exit(2);
  }
}

const time = () => new Date().toISOString().slice(11, 23);
const client = await connectStation(station, {
  host: values.host,
  port: Number(values.port),
  ...(values['return-after'] === undefined ? {} : { returnAfter: Number(values['return-after']) * 1000 }),
  onTraffic(traffic) {
    if (traffic.direction === 'sent') {
      const sent = decode(traffic.bytes);
      console.log(`${time()} → ${printable(withoutLineEnding(traffic.bytes))}${sent.ok ? `  ${dim(describeMessage(sent.message))}` : ''}`);
      return;
    }
    const { item } = traffic;
    if (item.kind === 'message') console.log(`${time()} ← ${printable(item.frame)}  ${dim(describeMessage(item.message))}`);
    else console.log(`${time()} ← ${item.kind === 'error' ? `${printable(item.frame)}  not decoded: ${item.error.message}` : `${item.length} bytes: ${item.kind}`}`);
  },
});

console.log(`Station ${station.imei} connected to ${values.host}:${values.port}; slots: ${JSON.stringify(station.status())}. Ctrl-C stops.`);
for (const insertion of values.insert) {
  const [slot, powerBankId] = insertion.split(':');
  try {
    client.insert(Number(slot), powerBankId ?? '');
  } catch (error) {
    console.error(`--insert ${insertion}: ${error instanceof Error ? error.message : String(error)}; empty slots: ${station.emptySlots().join(', ') || 'none'}`);
  }
}
process.on('SIGINT', () => void client.close().then(() => process.exit(0)));
await client.closed;
console.log('The server closed the connection.');
