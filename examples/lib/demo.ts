/**
 * The demo behind `npm start`: a back end built on the station hub and three simulated
 * stations on 127.0.0.1 run every flow of PROTOCOL.md section 5, one scene at a time,
 * plus what goes wrong in the field: a lend answered after its timeout, a report sent
 * twice, line noise. The transcript shows every frame both ways (raw and decoded), what
 * the hub reported, and what the app heard.
 */
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStationHub, decode, type HubEvent, type LendOutcome, type Message, type StatusOutcome } from 'powerbank-codec';
import { describeMessage, StationSimulator, type StationSimulatorOptions } from 'powerbank-codec/testing';
import { connectStation, type StationClient } from './station-client.js';
import { bold, cyan, dim, green, pad, printable, red, seconds, withoutLineEnding, yellow } from './terminal.js';

interface StationSetup {
  readonly label: string;
  readonly about: string;
  readonly options: StationSimulatorOptions;
}

const STATIONS: readonly StationSetup[] = [
  {
    label: 'A',
    about: 'a healthy station with three power banks, on a slow line',
    options: {
      imei: '860123456789014',
      banks: [
        { slot: 1, powerBankId: '1234567890' },
        { slot: 2, powerBankId: '123456789012', charge: 'notFull' },
        { slot: 3, powerBankId: '5550001111', charge: 'depleted' },
      ],
    },
  },
  {
    label: 'B',
    about: 'a worn station: the lock of slot 2 is jammed with a bank inside, slot 3 is broken',
    options: { imei: '860123456789022', banks: [{ slot: 1, powerBankId: '7770001' }, { slot: 2, powerBankId: '7770002' }], faultySlots: [2, 3] },
  },
  {
    label: 'C',
    about: 'a station on a noisy GPRS line that repeats its reports, slot 3 empty',
    options: { imei: '860123456789030', banks: [{ slot: 1, powerBankId: '9990001' }, { slot: 2, powerBankId: '9990002', charge: 'notFull' }] },
  },
];

/** A bank of the fleet out on rent when the demo starts. */
const OUT_ON_RENT = '4440001';
/** A bank of another operator. */
const FOREIGN = 'OTHER0042';
/** How long the demo's app waits for a lend's answer in the late-answer scene, and how long station A holds its answer back. */
const SHORT_TIMEOUT = 300;
const HELD_BACK = 700;

/** The flows of section 5 and the field's two troubles, the hub event that shows each, and its path. */
const FLOWS = [
  ['Lend, success', 'lent', 'CC → MC.BO → AM.BO'],
  ['Lend, failure', 'lendFailed', 'CC → MR.BF → AR.BF'],
  ['Return, success', 'returned', 'MQ → RQ.T → MC.RO → AM.RO'],
  ['Return, rejected', 'returnRejected', 'MQ → RQ.F'],
  ['Return, failure', 'returnFailed', 'MQ → RQ.T → MR.RF → AR.RF'],
  ['Status', 'status', 'CQ → AQ'],
  ['Heartbeat', 'heartbeat', 'CH (no answer)'],
  ['Late answer', 'lateAnswer', 'CC … timeout … MC.BO → AM.BO'],
  ['Repeated report', 'duplicate', 'MC.BO → AM.BO, MC.BO → AM.BO'],
] as const;

type EventType = HubEvent['type'];

export interface DemoResult {
  /** What the hub reported, by event type. */
  readonly events: Readonly<Partial<Record<EventType, number>>>;
  /** What the app's lends settled with, in order. */
  readonly lends: readonly LendOutcome[];
  /** The rentals billed, by power bank: from `lent` and from a late `MC.BO`. */
  readonly billed: ReadonlyMap<string, 'lent' | 'lateAnswer'>;
  /** The acknowledgements (`AM`, `AR`) each station received, by label. */
  readonly acknowledgements: Readonly<Record<string, number>>;
  /** Whether every flow ran, the late answer was billed and nothing else went wrong. */
  readonly ok: boolean;
}

/** How long a scene may take before the demo gives up on it. */
const SCENE_TIMEOUT = 3_000;

export async function runDemo(print: (line: string) => void): Promise<DemoResult> {
  const started = performance.now();
  const labels = new Map(STATIONS.map(({ label, options }) => [options.imei, label]));
  const labelOf = (imei: string | undefined) => (imei === undefined ? '?' : labels.get(imei) ?? imei);
  const counts: Partial<Record<EventType, number>> = {};
  const lends: LendOutcome[] = [];
  const billed = new Map<string, 'lent' | 'lateAnswer'>();
  const acknowledgements: Record<string, number> = Object.fromEntries(STATIONS.map(({ label }) => [label, 0]));
  const frames = new Map<string, { in: number; out: number }>(STATIONS.map(({ label }) => [label, { in: 0, out: 0 }]));
  const waiters = new Set<(event: HubEvent) => void>();

  // The operator's database, stand-in: the fleet's banks, looked up asynchronously.
  const fleet = new Set([OUT_ON_RENT, ...STATIONS.flatMap(({ options }) => (options.banks ?? []).map((bank) => bank.powerBankId))]);
  const hub = createStationHub({
    hubId: 'demo', // request ids demo-1, demo-2, …
    ownership: async (powerBankId) => (await sleep(20), fleet.has(powerBankId)),
    onEvent(event) {
      counts[event.type] = (counts[event.type] ?? 0) + 1;
      if (event.type === 'lent') billed.set(event.powerBankId, 'lent');
      if (event.type === 'lateAnswer' && event.message.type === 'LendSuccess') billed.set(event.message.powerBankId, 'lateAnswer');
      const line = describeEvent(event, labelOf(event.imei));
      if (line !== undefined) print(line);
      for (const waiter of [...waiters]) waiter(event);
    },
  });

  // The I/O shell: the hub's clock (one timer at nextDeadline()) and its TCP server.
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    const next = hub.nextDeadline();
    if (next !== undefined) timer = setTimeout(() => (hub.tick(Date.now()), arm()), Math.max(0, next - Date.now()));
  };
  const server = createServer((socket) => {
    print(dim(`  (a station connects from ${socket.remoteAddress}:${socket.remotePort})`));
    const link = hub.connect(
      {
        send(bytes) {
          const label = labelOf(link.imei);
          frames.get(label)!.out++;
          for (const line of frameLines(`server → ${label}`, bytes)) print(line);
          socket.write(bytes);
        },
        close: () => socket.destroy(),
      },
      Date.now(),
    );
    arm();
    socket.on('data', (chunk) => link.receive(chunk, Date.now()));
    socket.on('close', () => link.closed(Date.now()));
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;

  /** Resolves with the first hub event, from now on, that `accept` returns true for. */
  const waitFor = (accept: (event: HubEvent) => boolean, what: string) =>
    new Promise<HubEvent>((resolve, reject) => {
      const give = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`timed out after ${SCENE_TIMEOUT} ms waiting for ${what}`));
      }, SCENE_TIMEOUT);
      const waiter = (event: HubEvent) => {
        if (!accept(event)) return;
        clearTimeout(give);
        waiters.delete(waiter);
        resolve(event);
      };
      waiters.add(waiter);
    });
  const imeiOf = (label: string) => STATIONS.find((setup) => setup.label === label)!.options.imei;
  const is = (type: EventType, label: string) => (event: HubEvent) => event.type === type && event.imei === imeiOf(label);
  // What the app does: every call settles; the timer is re-armed for its deadline.
  const lend = async (label: string, slot: number, options: { powerBankId?: string; timeoutMs?: number } = {}) => {
    const lending = hub.lend(imeiOf(label), slot, { now: Date.now(), ...options });
    arm();
    const result = await lending;
    lends.push(result);
    print(yellow(`  app: lend ${result.requestId} from ${label} slot ${slot}: ${describeOutcome(result)}`));
    return result;
  };
  const queryStatus = async (label: string) => {
    const querying = hub.queryStatus(imeiOf(label), { now: Date.now() });
    arm();
    const result = await querying;
    print(yellow(`  app: status of ${label}: ${describeOutcome(result)}`));
    return result;
  };
  /** How each station sends its next message of a type: held back, or twice. */
  const quirks = new Map<string, { readonly type: Message['type']; readonly delays: readonly number[] }>();
  const clients = new Map<string, StationClient>();
  const client = (label: string) => clients.get(label)!;
  const scene = async (title: string, action: () => unknown, until: (event: HubEvent) => boolean, what: string) => {
    print('');
    print(cyan(`━━ ${title}`));
    const done = waitFor(until, what);
    await action();
    await done;
  };

  print(bold('powerbank-codec demo: a back end on the station hub and three simulated stations, over TCP'));
  print(dim('Every frame is shown as it travels (without its \\r\\n), then decoded. ✓ marks what the hub reported'));
  print(dim('as done, ! what it caught going wrong in the field, ✗ what it had to reject; "app:" lines are what'));
  print(dim('the app heard back from hub.lend() and hub.queryStatus().'));
  print('');
  print(`Server listening on ${address}:${port}. Its fleet: ${fleet.size} power banks, one of them (${OUT_ON_RENT}) out on rent.`);

  try {
    print('');
    print(cyan('━━ 1. Three stations connect; each says hello with a heartbeat (CH), which the server does not answer'));
    for (const { label, about, options } of STATIONS) {
      print(dim(`  station ${label}, IMEI ${options.imei}: ${about}`));
      const hello = waitFor(is('heartbeat', label), `${label}'s heartbeat`);
      const station = new StationSimulator({ ...options, heartbeatInterval: 60_000 });
      clients.set(
        label,
        await connectStation(station, {
          port,
          host: address,
          schedule(message) {
            const quirk = quirks.get(label);
            if (quirk?.type !== message.type) return [0];
            quirks.delete(label);
            return quirk.delays;
          },
          onTraffic(traffic) {
            if (traffic.direction === 'sent') {
              frames.get(label)!.in++;
              for (const line of frameLines(`${label} → server`, traffic.bytes)) print(line);
            } else if (traffic.item.kind === 'message' && traffic.item.message.type.endsWith('Ack')) {
              acknowledgements[label]!++;
            }
          },
        }),
      );
      await hello;
    }

    await scene('2. Status (CQ → AQ): the app asks station A what it holds', () => queryStatus('A'), is('status', 'A'), "A's status");
    await scene(
      "3. Lend, success (CC → MC.BO → AM.BO): a customer rents the bank in A's slot 1 (its id from the last status)",
      () => lend('A', 1),
      is('lent', 'A'),
      'the lend from A',
    );
    await scene(
      "4. Lend, failure (CC → MR.BF → AR.BF): the lock of B's slot 2 is jammed",
      () => lend('B', 2, { powerBankId: '7770002' }),
      is('lendFailed', 'B'),
      'the failed lend from B',
    );
    await scene(
      '5. Lend, failure: the app asks C for a power bank in slot 3, which is empty',
      () => lend('C', 3, { powerBankId: '9990003' }),
      is('lendFailed', 'C'),
      'the failed lend from C',
    );
    await scene(
      `6. A late answer: the app gives A's lend of slot 2 ${SHORT_TIMEOUT} ms; A answers after ${HELD_BACK} ms. The app hears "timeout",` +
        ' but the customer has the bank: the hub acknowledges the MC.BO and reports it (lateAnswer), and the server bills it',
      () => {
        quirks.set('A', { type: 'LendSuccess', delays: [HELD_BACK] });
        void lend('A', 2, { timeoutMs: SHORT_TIMEOUT });
      },
      is('lateAnswer', 'A'),
      "A's late answer",
    );
    await scene(
      "7. A repeated report: C lends slot 1, and sends its MC.BO twice (it did not get the AM.BO in time): acknowledged twice, counted once",
      () => {
        quirks.set('C', { type: 'LendSuccess', delays: [0, 150] });
        void lend('C', 1, { powerBankId: '9990001' });
      },
      is('duplicate', 'C'),
      "C's repeated MC.BO",
    );
    await scene(
      "8. Return, success (MQ → RQ.T → MC.RO → AM.RO): the customer pushes the bank back into A's slot 1; the database says yes 20 ms later",
      () => client('A').insert(1, '1234567890'),
      is('returned', 'A'),
      'the return to A',
    );
    await scene(
      `9. Return, rejected (MQ → RQ.F): a power bank of another operator, ${FOREIGN}, pushed into C's slot 3; C ejects it`,
      () => client('C').insert(3, FOREIGN),
      is('returnRejected', 'C'),
      'the rejected return to C',
    );
    await scene(
      `10. Return, failure (MQ → RQ.T → MR.RF → AR.RF): ${OUT_ON_RENT}, out on rent, pushed into B's broken slot 3`,
      () => client('B').insert(3, OUT_ON_RENT),
      is('returnFailed', 'B'),
      'the failed return to B',
    );
    await scene(
      "11. Line noise: C's modem chatters (AT+CSQ …) and a frame is cut off; the hub reports the bytes, spends them from C's garbage budget, and decodes the next frame",
      () => {
        const station = client('C').station;
        client('C').sendRaw(station.malformedFrame('noise'));
        client('C').sendRaw(station.malformedFrame('truncated'));
        client('C').send({ type: 'Heartbeat', imei: imeiOf('C') });
      },
      is('heartbeat', 'C'),
      "C's heartbeat after the noise",
    );
  } finally {
    await Promise.all([...clients.values()].map((station) => station.close()));
    await hub.drain();
    clearTimeout(timer);
    server.close();
  }

  const ok =
    FLOWS.every(([, type]) => (counts[type] ?? 0) > 0) &&
    counts.violation === undefined &&
    counts.abusive === undefined &&
    billed.get('123456789012') === 'lateAnswer' &&
    counts.lent === 2;
  const result: DemoResult = { events: counts, lends, billed, acknowledgements, ok };
  print('');
  for (const line of summary(result, frames)) print(line);
  print('');
  print(`Every connection closed and the server stopped (hub.drain() resolved), ${seconds(performance.now() - started)} after it started.`);
  print(dim('The code: examples/lib/demo.ts (these scenes and the server), examples/lib/station-client.ts (a simulated station'));
  print(dim('on TCP); a server to copy: examples/server.ts and docs/server-guide.md. For firmware: docs/firmware-guide.md.'));
  return result;
}

/** A frame as it travels, raw, and decoded below it. */
function frameLines(arrow: string, bytes: Uint8Array): string[] {
  const decoded = decode(bytes);
  const meaning = decoded.ok ? describeMessage(decoded.message) : `${bytes.length} bytes, not a frame (${decoded.error.code})`;
  return [`  ${pad(arrow, 12)}${printable(withoutLineEnding(bytes))}`, `  ${' '.repeat(12)}${dim(meaning)}`];
}

/** The transcript line of a hub event, or nothing for those the app's lines show (`settled`). */
function describeEvent(event: HubEvent, label: string): string | undefined {
  const done = (text: string) => green(`  ✓ ${label}  ${text}`);
  const caught = (text: string) => yellow(`  ! ${label}  ${text}`);
  const bank = (slot: number, powerBankId: string) => `slot ${slot}, power bank ${powerBankId}`;
  switch (event.type) {
    case 'online': return done('online: the connection is bound to its IMEI');
    case 'offline': return dim(`  · ${label}  offline (${event.reason})`);
    case 'heartbeat': return done('heartbeat');
    case 'status': return done(`status: ${event.slots.map((record) => `${record.slot}:${record.powerBankId ?? '-'}`).join(' ')}`);
    case 'lent': return done(`lent (request ${event.requestId}): ${bank(event.slot, event.powerBankId)}: billing starts`);
    case 'lendFailed': return done(`lend failed (request ${event.requestId}): ${bank(event.slot, event.powerBankId)}`);
    case 'returned': return done(`returned: ${bank(event.slot, event.powerBankId)}: billing stops`);
    case 'returnRejected': return done(`return rejected (not ours): ${bank(event.slot, event.powerBankId)}`);
    case 'returnFailed': return done(`return failed in the station: ${bank(event.slot, event.powerBankId)}`);
    case 'lateAnswer':
      return caught(
        `late answer to request ${event.requestId} (settled ${event.outcome}): ${describeMessage(event.message)}` +
          (event.message.type === 'LendSuccess' ? ': the customer has the bank, billing starts' : ''),
      );
    case 'duplicate': return caught(`duplicate: ${describeMessage(event.message)}: acknowledged again, counted once`);
    case 'frameError':
      return red(`  ✗ ${label}  ${event.error === undefined ? `${event.discarded?.length ?? 0} bytes discarded (${event.discarded?.kind ?? ''})` : `not decoded: ${event.error.code}`}`);
    case 'settled': return undefined;
    default: return red(`  ✗ ${label}  ${event.type}`);
  }
}

function describeOutcome(result: LendOutcome | StatusOutcome): string {
  switch (result.outcome) {
    case 'lent': return `lent, power bank ${result.powerBankId}`;
    case 'answered': return `answered, ${result.slots.length} slot(s) listed`;
    case 'refused': return `refused (${result.reason})`;
    case 'failed': return 'failed';
    default: return 'slot' in result && result.sent ? `${result.outcome} (CC went out: the bank may have left)` : result.outcome;
  }
}

function summary(result: DemoResult, frames: ReadonlyMap<string, { in: number; out: number }>): string[] {
  const lines = [bold('The flows of PROTOCOL.md section 5, and the field\'s troubles')];
  lines.push(
    ...table(
      ['flow', 'messages', 'hub event', 'times', ''],
      FLOWS.map(([name, type, path]) => {
        const times = result.events[type] ?? 0;
        return [name, path, type, String(times), times > 0 ? green('✓') : red('✗ not seen')];
      }),
    ),
  );
  lines.push('');
  lines.push(bold('Per station'));
  lines.push(
    ...table(
      ['station', 'IMEI', 'frames in/out', 'acknowledgements received'],
      STATIONS.map(({ label, options }) => [label, options.imei, `${frames.get(label)!.in}/${frames.get(label)!.out}`, String(result.acknowledgements[label])]),
    ),
  );
  lines.push('');
  lines.push(`Rentals billed: ${[...result.billed].map(([powerBankId, why]) => `${powerBankId} (${why === 'lent' ? 'lent' : 'late answer'})`).join(', ')}.`);
  lines.push(`Lends the app made: ${result.lends.length}, every one settled: ${result.lends.map((lend) => lend.outcome).join(', ')}.`);
  lines.push(
    result.ok
      ? green('Every flow ran; the late answer was billed, the repeated report counted once; nothing was rejected but the noise.')
      : red('Something went wrong: see the transcript above.'),
  );
  return lines;
}

function table(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((column, index) => Math.max(column.length, ...rows.map((row) => [...row[index]!.replace(/\x1b\[\d+m/g, '')].length)));
  const line = (cells: readonly string[]) => `  ${cells.map((cell, index) => pad(cell, widths[index]!)).join('  ')}`.trimEnd();
  return [dim(line(columns)), ...rows.map(line)];
}
