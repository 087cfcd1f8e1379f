/**
 * The demo behind `npm start`: a server and three simulated stations on 127.0.0.1 run
 * every flow of PROTOCOL.md section 5, one scene at a time, with a transcript of every
 * frame (raw and decoded) and of what the server's conversation tracker concluded.
 */
import {
  describeMessage,
  StationSimulator,
  type ConversationEvent,
  type StationSimulatorOptions,
  type Violation,
} from 'powerbank-codec/testing';
import { startServer, type ServerEntry, type StationConnection } from './server.js';
import { connectStation, type StationClient } from './station-client.js';
import { bold, cyan, dim, green, pad, printable, red, seconds, withoutLineEnding } from './terminal.js';

interface StationSetup {
  readonly label: string;
  readonly about: string;
  readonly options: StationSimulatorOptions;
}

const STATIONS: readonly StationSetup[] = [
  {
    label: 'A',
    about: 'a healthy station with three power banks',
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
    about: 'a station on a noisy GPRS line, slot 3 empty',
    options: { imei: '860123456789030', banks: [{ slot: 1, powerBankId: '9990001' }, { slot: 2, powerBankId: '9990002', charge: 'notFull' }] },
  },
];

/** A bank of the fleet out on rent when the demo starts. */
const OUT_ON_RENT = '4440001';
/** A bank of another operator. */
const FOREIGN = 'OTHER0042';

/** The seven flows of section 5, the event that completes each, and its path. */
const FLOWS = [
  ['Lend, success', 'lent', 'CC → MC.BO → AM.BO'],
  ['Lend, failure', 'lendFailed', 'CC → MR.BF → AR.BF'],
  ['Return, success', 'returned', 'MQ → RQ.T → MC.RO → AM.RO'],
  ['Return, rejected', 'returnRejected', 'MQ → RQ.F'],
  ['Return, failure', 'returnFailed', 'MQ → RQ.T → MR.RF → AR.RF'],
  ['Status', 'statusAnswered', 'CQ → AQ'],
  ['Heartbeat', 'heartbeat', 'CH (no answer)'],
] as const;

type Kind = ConversationEvent['kind'];

const FRAME_PROBLEMS: ReadonlySet<Violation['violation']> = new Set(['deviation', 'decodeError', 'discarded']);

export interface DemoResult {
  /** Completed flows and heartbeats, by kind. */
  readonly completed: Readonly<Record<Exclude<Kind, 'violation'>, number>>;
  /** Departures from the flows: there should be none. */
  readonly conversationViolations: readonly Violation[];
  /** Frame-level problems: the noise and the truncated frame injected on C's line. */
  readonly frameProblems: readonly Violation[];
  /** Whether every flow ran, with no conversation violation. */
  readonly ok: boolean;
}

/** How long a scene may take before the demo gives up on it. */
const SCENE_TIMEOUT = 3_000;

export async function runDemo(print: (line: string) => void): Promise<DemoResult> {
  const started = performance.now();
  const fleet = new Set([OUT_ON_RENT, ...STATIONS.flatMap(({ options }) => (options.banks ?? []).map((bank) => bank.powerBankId))]);
  const server = await startServer({ policy: { belongs: (powerBankId) => fleet.has(powerBankId) } });
  const labels = new Map(STATIONS.map(({ label, options }) => [options.imei, label]));
  const events: Array<{ readonly label: string; readonly event: ConversationEvent }> = [];
  const frames = new Map<string, { in: number; out: number }>(STATIONS.map(({ label }) => [label, { in: 0, out: 0 }]));

  const labelOf = (connection: StationConnection) => (connection.imei === undefined ? connection.remote : labels.get(connection.imei) ?? connection.imei);
  server.listen((entry) => {
    for (const line of transcript(entry, labelOf)) print(line);
    const label = labelOf(entry.connection);
    if (entry.kind === 'event') events.push({ label, event: entry.event });
    if (entry.kind === 'received' && entry.item.kind === 'message') frames.get(label)!.in++;
    if (entry.kind === 'sent') frames.get(label)!.out++;
  });

  print(bold('powerbank-codec demo: a back end and three simulated stations talking over TCP'));
  print(dim('Every frame is shown as it travels (without its \\r\\n), then decoded. ✓ marks a flow the server saw'));
  print(dim('complete, ✗ something it had to report. The server answers with replyTo(); a ConversationTracker'));
  print(dim('follows each station\'s flows.'));
  print('');
  print(`Server listening on ${server.host}:${server.port}. Its fleet: ${fleet.size} power banks, one of them (${OUT_ON_RENT}) out on rent.`);

  const clients = new Map<string, StationClient>();
  const scene = async (title: string, action: () => void, until: (label: string, event: ConversationEvent) => boolean, what: string) => {
    print('');
    print(cyan(`━━ ${title}`));
    const done = server.waitFor((entry) => entry.kind === 'event' && until(labelOf(entry.connection), entry.event), SCENE_TIMEOUT, what);
    action();
    await done;
  };
  const to = (label: string): StationConnection => server.station(STATIONS.find((setup) => setup.label === label)!.options.imei)!;
  const imeiOf = (label: string) => to(label).imei!;
  const client = (label: string) => clients.get(label)!;

  try {
    print('');
    print(cyan('━━ 1. Three stations connect; each says hello with a heartbeat (CH), which the server does not answer'));
    for (const { label, about, options } of STATIONS) {
      print(dim(`  station ${label}, IMEI ${options.imei}: ${about}`));
      const hello = server.waitFor((entry) => entry.kind === 'event' && entry.event.kind === 'heartbeat' && entry.event.imei === options.imei, SCENE_TIMEOUT, `${label}'s heartbeat`);
      clients.set(label, await connectStation(new StationSimulator({ ...options, heartbeatInterval: 60_000 }), { port: server.port, host: server.host }));
      await hello;
    }

    await scene(
      '2. Status (CQ → AQ): the server asks station A what it holds',
      () => to('A').send({ type: 'StatusQuery', imei: imeiOf('A') }),
      (label, event) => label === 'A' && event.kind === 'statusAnswered',
      "A's status",
    );
    await scene(
      '3. Lend, success (CC → MC.BO → AM.BO): a customer rents the full power bank in A\'s slot 1',
      () => to('A').send({ type: 'LendRequest', imei: imeiOf('A'), slot: 1, powerBankId: '1234567890' }),
      (label, event) => label === 'A' && event.kind === 'lent',
      'the lend from A',
    );
    await scene(
      '4. Lend, failure (CC → MR.BF → AR.BF): the lock of B\'s slot 2 is jammed',
      () => to('B').send({ type: 'LendRequest', imei: imeiOf('B'), slot: 2, powerBankId: '7770002' }),
      (label, event) => label === 'B' && event.kind === 'lendFailed',
      'the failed lend from B',
    );
    await scene(
      '5. Lend, failure: the server asks C for a power bank in slot 3, which is empty',
      () => to('C').send({ type: 'LendRequest', imei: imeiOf('C'), slot: 3, powerBankId: '9990003' }),
      (label, event) => label === 'C' && event.kind === 'lendFailed',
      'the failed lend from C',
    );
    await scene(
      '6. Return, success (MQ → RQ.T → MC.RO → AM.RO): the customer pushes the power bank back into A\'s slot 1',
      () => client('A').insert(1, '1234567890'),
      (label, event) => label === 'A' && event.kind === 'returned',
      'the return to A',
    );
    await scene(
      `7. Return, rejected (MQ → RQ.F): a power bank of another operator, ${FOREIGN}, pushed into C's slot 3; C ejects it`,
      () => client('C').insert(3, FOREIGN),
      (label, event) => label === 'C' && event.kind === 'returnRejected',
      'the rejected return to C',
    );
    await scene(
      `8. Return, failure (MQ → RQ.T → MR.RF → AR.RF): ${OUT_ON_RENT}, out on rent, pushed into B's broken slot 3`,
      () => client('B').insert(3, OUT_ON_RENT),
      (label, event) => label === 'B' && event.kind === 'returnFailed',
      'the failed return to B',
    );
    await scene(
      '9. Line noise: C\'s modem chatters (AT+CSQ …) and a frame is cut off; the decoder reports and drops the bytes, then resynchronises on the next {',
      () => {
        const station = client('C').station;
        client('C').sendRaw(station.malformedFrame('noise'));
        client('C').sendRaw(station.malformedFrame('truncated'));
        client('C').send({ type: 'Heartbeat', imei: imeiOf('C') });
      },
      (label, event) => label === 'C' && event.kind === 'heartbeat',
      "C's heartbeat after the noise",
    );
    await scene(
      '10. Status again: A lists the returned power bank in slot 1 again (its battery ran down during the rental)',
      () => to('A').send({ type: 'StatusQuery', imei: imeiOf('A') }),
      (label, event) => label === 'A' && event.kind === 'statusAnswered',
      "A's status",
    );
  } finally {
    await Promise.all([...clients.values()].map((station) => station.close()));
    await server.close();
  }

  const result = summarise(events);
  print('');
  for (const line of summary(result, events, frames)) print(line);
  print('');
  print(`Every connection closed and the server stopped, ${seconds(performance.now() - started)} after it started.`);
  print(dim('The code: examples/lib/demo.ts (these scenes), examples/lib/server.ts (the server), examples/lib/station-client.ts'));
  print(dim('(a simulated station on TCP), src/flows/ (replyTo, StationSimulator, ConversationTracker). For firmware: docs/firmware-guide.md.'));
  return result;
}

/** The lines of the transcript for one server entry. */
function transcript(entry: ServerEntry, labelOf: (connection: StationConnection) => string): string[] {
  const label = labelOf(entry.connection);
  const frameLines = (arrow: string, bytes: Uint8Array, decoded: string) => [`  ${pad(arrow, 12)}${printable(withoutLineEnding(bytes))}`, `  ${' '.repeat(12)}${dim(decoded)}`];
  switch (entry.kind) {
    case 'connected':
      return [dim(`  (a station connects from ${entry.connection.remote})`)];
    case 'sent':
      return frameLines(`server → ${label}`, entry.bytes, describeMessage(entry.message));
    case 'received': {
      const { item } = entry;
      if (item.kind === 'message') return frameLines(`${label} → server`, item.frame, describeMessage(item.message));
      if (item.kind === 'error') return frameLines(`${label} → server`, item.frame, `not decoded: ${item.error.code}`);
      if (item.kind === 'lineEnding') return [];
      return frameLines(`${label} → server`, item.preview, `${item.length} bytes, not a frame (${item.kind})`);
    }
    case 'event': {
      const { event } = entry;
      return [event.kind === 'violation' ? red(`  ✗ ${label}  ${event.description}`) : green(`  ✓ ${label}  ${event.description}`)];
    }
    case 'closed':
      return [];
  }
}

function summarise(events: ReadonlyArray<{ readonly event: ConversationEvent }>): DemoResult {
  const completed = { lent: 0, lendFailed: 0, returned: 0, returnRejected: 0, returnFailed: 0, statusAnswered: 0, heartbeat: 0 };
  const conversationViolations: Violation[] = [];
  const frameProblems: Violation[] = [];
  for (const { event } of events) {
    if (event.kind !== 'violation') completed[event.kind]++;
    else if (FRAME_PROBLEMS.has(event.violation)) frameProblems.push(event);
    else conversationViolations.push(event);
  }
  const ok = conversationViolations.length === 0 && Object.values(completed).every((count) => count > 0);
  return { completed, conversationViolations, frameProblems, ok };
}

function summary(
  result: DemoResult,
  events: ReadonlyArray<{ readonly label: string; readonly event: ConversationEvent }>,
  frames: ReadonlyMap<string, { in: number; out: number }>,
): string[] {
  const lines = [bold('Summary')];
  const count = (label: string, kind: Kind) => events.filter((entry) => entry.label === label && entry.event.kind === kind).length;
  const columns = ['station', 'IMEI', 'frames in/out', 'lent', 'lend failed', 'returned', 'rejected', 'return failed', 'status', 'heartbeats', 'problems'];
  const rows = STATIONS.map(({ label, options }) => {
    const traffic = frames.get(label)!;
    return [
      label,
      options.imei,
      `${traffic.in}/${traffic.out}`,
      ...(['lent', 'lendFailed', 'returned', 'returnRejected', 'returnFailed', 'statusAnswered', 'heartbeat', 'violation'] as const).map((kind) => String(count(label, kind))),
    ];
  });
  lines.push(...table(columns, rows));
  lines.push('');
  lines.push(bold('The flows of PROTOCOL.md section 5'));
  lines.push(
    ...table(
      ['flow', 'messages', 'times', ''],
      FLOWS.map(([name, kind, path]) => {
        const times = result.completed[kind];
        return [name, path, String(times), times > 0 ? green('✓') : red('✗ not seen')];
      }),
    ),
  );
  lines.push('');
  const { conversationViolations, frameProblems } = result;
  lines.push(
    conversationViolations.length === 0
      ? green('No conversation violation: every message answered what it should, with the right slot and power bank.')
      : red(`${conversationViolations.length} conversation violation(s): ${conversationViolations.map((violation) => violation.description).join('; ')}`),
  );
  const where = [...new Set(events.filter(({ event }) => event.kind === 'violation' && FRAME_PROBLEMS.has(event.violation)).map(({ label }) => label))];
  lines.push(
    `${frameProblems.length} frame problem(s) reported${where.length > 0 ? ` (on ${where.join(', ')}'s line, injected on purpose)` : ''}; ` +
      'the frames after them decoded.',
  );
  return lines;
}

function table(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((column, index) => Math.max(column.length, ...rows.map((row) => [...row[index]!.replace(/\x1b\[\d+m/g, '')].length)));
  const line = (cells: readonly string[]) => `  ${cells.map((cell, index) => pad(cell, widths[index]!)).join('  ')}`.trimEnd();
  return [dim(line(columns)), ...rows.map(line)];
}
