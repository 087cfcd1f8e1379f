/**
 * The conformance harness: plays the server for one real station, drives every flow of
 * PROTOCOL.md section 5 in turn, decodes everything in strict mode through a
 * `ConversationTracker`, and reports, step by step, every deviation and violation.
 *
 * Steps: 1 the station names itself, 2 status, 3 lend, 4 lend from an empty slot (must
 * fail), 5 return accepted (an operator inserts a bank), 6 return rejected (again), 7
 * heartbeat.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import {
  crcCatalogue,
  createDecoder,
  decode,
  encode,
  replyTo,
  type CrcCoverage,
  type CrcName,
  type DecoderItem,
  type Message,
  type MessageType,
  type OwnershipQuery,
  type StatusAnswer,
  type StreamDecoder,
} from 'powerbank-codec';
import { ConversationTracker, describeMessage, type ConversationEvent, type Violation } from 'powerbank-codec/testing';
import { bold, cyan, dim, green, printable, red, seconds, withoutLineEnding, yellow } from './terminal.js';

export interface HarnessOptions {
  readonly port: number;
  /** The address to listen on (default 0.0.0.0: every interface, so that a station on the network reaches it). */
  readonly host?: string;
  /** How long to wait for any one expected message, an operator's insertion included, in ms. */
  readonly timeout: number;
  /** How long to keep listening after each step for stray messages, in ms (default 1,000). */
  readonly settle?: number;
  /** The station's number of slots (default 3). */
  readonly slotCount?: number;
  readonly print: (line: string) => void;
  /** Called with the port once the harness listens (useful with port 0). */
  readonly onListening?: (port: number) => void;
  /** Called when the operator is asked to act (the text is also printed). */
  readonly onOperatorRequest?: (text: string) => void;
}

export interface StepResult {
  readonly number: number;
  readonly title: string;
  readonly passed: boolean;
  /** What happened, for the record. */
  readonly notes: readonly string[];
  /** Why the step failed: each deviation and violation, in words. */
  readonly problems: readonly string[];
}

export interface HarnessResult {
  readonly imei: string | undefined;
  readonly steps: readonly StepResult[];
  readonly passed: boolean;
}

/** One of the returns the harness runs: the answer it gives, and what the station sent. */
interface ReturnPlan {
  readonly belongs: boolean;
  query?: OwnershipQuery;
  report?: Message;
}

/** What a step collects while it runs. */
interface StepRecord {
  readonly notes: string[];
  readonly problems: string[];
  readonly violations: Violation[];
}

/** The messages a station sends to report on a lend or a return. */
const REPORTS: ReadonlySet<MessageType> = new Set(['LendSuccess', 'LendFailure', 'ReturnSuccess', 'ReturnFailure']);

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function sameMessage(a: Message | undefined, b: Message): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** One station's connection, seen from the harness: decodes, tracks, answers, and lets steps wait for messages. */
class Session {
  imei: string | undefined;
  closed = false;
  lastStatus: StatusAnswer | undefined;
  /**
   * The two returns the harness runs, in order: the first accepted (RQ.T), the second
   * rejected (RQ.F). An MQ is given to the first return that has none yet, even before
   * its step asks the operator: a station that brings banks back by itself is served.
   */
  readonly returns: ReturnPlan[] = [{ belongs: true }, { belongs: false }];
  readonly heartbeats: number[] = [];
  current: StepRecord = { notes: [], problems: [], violations: [] };
  /** The heartbeat step's record: every heartbeat is checked there, whenever it comes. */
  readonly heartbeat: StepRecord = { notes: [], problems: [], violations: [] };
  private readonly started = performance.now();
  private readonly tracker: ConversationTracker;
  private readonly decoder: StreamDecoder;
  private readonly dialect: { readonly slotCount: number };
  private readonly waiters = new Set<{ accept: (message: Message) => boolean; resolve: (message: Message | undefined) => void }>();
  private firstFrame: ((imei: string | undefined) => void) | undefined;
  /** Frames that did not decode (not even leniently, or with another CRC), so far. */
  private undecodedFrames = 0;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly socket: Socket,
    private readonly options: HarnessOptions,
  ) {
    this.dialect = { slotCount: options.slotCount ?? 3 };
    this.tracker = new ConversationTracker({ answerTimeout: options.timeout, dialect: this.dialect });
    this.decoder = createDecoder({ mode: 'strict', from: 'device', dialect: this.dialect });
    socket.on('data', (chunk: Uint8Array) => this.receive(this.decoder.push(chunk)));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.closed) return; // closed by finish()
      this.receive(this.decoder.end());
      this.closed = true;
      this.print(yellow('  the station closed the connection'));
      for (const waiter of this.waiters) waiter.resolve(undefined);
      this.waiters.clear();
      this.firstFrame?.(undefined);
    });
    this.ticker = setInterval(() => this.record(this.tracker.tick(this.now())), 100);
  }

  now(): number {
    return performance.now() - this.started;
  }

  print(line: string): void {
    this.options.print(line);
  }

  /** Resolves with the station's IMEI when its first frame arrives (`undefined` if it closes or stays silent). */
  identify(timeout: number): Promise<string | undefined> {
    if (this.imei !== undefined || this.closed) return Promise.resolve(this.imei);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), timeout);
      const done = (imei: string | undefined) => {
        clearTimeout(timer);
        this.firstFrame = undefined;
        resolve(imei);
      };
      this.firstFrame = done;
    });
  }

  /**
   * Waits for a message from the station that `accept` takes, up to the timeout. When
   * none comes, records why, unless the tracker already reported the missing answer.
   */
  async expect(accept: (message: Message) => boolean, what: string, hint = ''): Promise<Message | undefined> {
    if (this.closed) {
      this.current.problems.push(`expected ${what}; the station had disconnected`);
      return undefined;
    }
    const timeouts = () => this.current.violations.filter((violation) => violation.violation === 'timeout').length;
    const before = timeouts();
    const undecodedBefore = this.undecodedFrames;
    const message = await new Promise<Message | undefined>((resolve) => {
      const waiter = {
        accept,
        resolve: (found: Message | undefined) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(found);
        },
      };
      const timer = setTimeout(() => waiter.resolve(undefined), this.options.timeout + 150);
      this.waiters.add(waiter);
    });
    if (message === undefined && !this.closed) {
      this.record(this.tracker.tick(this.now()));
      const undecoded = this.undecodedFrames - undecodedBefore;
      const received = undecoded === 0 ? 'nothing' : `nothing that decoded (${undecoded === 1 ? 'a frame that did not' : `${undecoded} frames that did not`})`;
      if (timeouts() === before) this.current.problems.push(`expected ${what} within ${seconds(this.options.timeout)}; received ${received}${hint}`);
    }
    if (message === undefined && this.closed) this.current.problems.push(`expected ${what}; the station disconnected`);
    return message;
  }

  send(message: Message): void {
    if (this.closed) return;
    const bytes = encode(message, { dialect: this.dialect });
    this.socket.write(bytes);
    this.print(`  ${this.stamp()} → ${printable(withoutLineEnding(bytes))}  ${dim(describeMessage(message))}`);
    this.record(this.tracker.observe('server', message, this.now()));
  }

  /** Stops the session's timer and closes the connection. */
  finish(): void {
    clearInterval(this.ticker);
    this.closed = true;
    this.socket.destroy();
  }

  /**
   * Records the events in the current step, and prints each. Problems with heartbeats
   * (`aboutHeartbeat`: the frame these events are about is one) go to the heartbeat step.
   */
  record(events: readonly ConversationEvent[], aboutHeartbeat = false): void {
    for (const event of events) {
      if (event.kind === 'violation') {
        const frameLevel = event.violation === 'deviation' || event.violation === 'decodeError';
        (event.flow === 'heartbeat' || (aboutHeartbeat && frameLevel) ? this.heartbeat : this.current).violations.push(event);
        this.print(red(`             ✗ ${event.description}`));
      } else {
        this.print(green(`             ✓ ${event.description}`));
      }
    }
  }

  private stamp(): string {
    return dim(`${(this.now() / 1000).toFixed(3).padStart(8)} s`);
  }

  private receive(items: readonly DecoderItem[]): void {
    for (const item of items) this.receiveItem(item);
  }

  private receiveItem(item: DecoderItem): void {
    const now = this.now();
    const decoded = this.messageOf(item);
    const message = decoded?.message;
    this.printItem(item, message);
    const events = this.tracker.observeItem('device', item, now);
    if (decoded?.crc !== undefined && message !== undefined) {
      // The tracker reported the CRC error; follow the message anyway, so that one wrong
      // CRC variant does not also break every flow.
      const diagnosis = `the CRC is ${decoded.crc}; the protocol's is CRC-16/MODBUS over the fields (the harness followed such frames as if their CRC were right)`;
      const step = message.type === 'Heartbeat' ? this.heartbeat : this.current;
      if (!step.problems.includes(diagnosis)) step.problems.push(diagnosis);
      events.push(...this.tracker.observe('device', message, now));
    }
    const imei = message?.imei ?? (item.kind === 'error' && 'imei' in item.error ? item.error.imei : undefined);
    if (imei !== undefined && this.imei === undefined) {
      this.imei = imei;
      this.firstFrame?.(imei);
    }
    this.record(events, message?.type === 'Heartbeat');
    if (item.kind === 'error' && message === undefined) this.undecodedFrames++;
    if (message === undefined) return;
    if (message.type === 'Heartbeat') this.heartbeats.push(now);
    if (message.type === 'StatusAnswer') this.lastStatus = message;
    if (REPORTS.has(message.type) && 'slot' in message) {
      // The report on an accepted return, whether right (MC.RO, MR.RF) or not.
      const plan = this.returns.find((candidate) => candidate.belongs && candidate.query?.slot === message.slot && candidate.report === undefined);
      if (plan !== undefined) plan.report = message;
    }
    // Answer what the protocol says must be answered, unless the tracker found the
    // message out of place: a server does not acknowledge what nobody asked for.
    const outOfPlace = events.some((event) => event.kind === 'violation' && event.violation === 'unexpected' && sameMessage(event.message, message));
    if (!outOfPlace) this.answer(message);
    for (const waiter of this.waiters) {
      if (waiter.accept(message)) {
        waiter.resolve(message);
        break;
      }
    }
  }

  private answer(message: Message): void {
    if (message.type === 'OwnershipQuery') {
      const plan = this.returns.find((candidate) => candidate.query === undefined);
      if (plan === undefined) this.current.notes.push(`an MQ came after both returns (slot ${message.slot}, power bank ${message.powerBankId}); answered RQ.F`);
      else plan.query = message;
      const belongs = plan?.belongs ?? false;
      this.send({ type: 'OwnershipAnswer', imei: message.imei, belongs, slot: message.slot, powerBankId: message.powerBankId });
      return;
    }

    const reply = replyTo(message, { belongs: () => false });
    if (reply !== undefined) this.send(reply);
  }

  /** The message of a decoded frame, or of one strict mode refused only for a deviation (decoded again leniently). */
  private messageOf(item: DecoderItem): { message: Message; crc?: string } | undefined {
    if (item.kind === 'message') return { message: item.message };
    if (item.kind !== 'error') return undefined;
    if ('deviation' in item.error && item.error.deviation !== undefined) {
      const lenient = decode(item.frame, { dialect: this.dialect, from: 'device' });
      if (lenient.ok) return { message: lenient.message };
    }
    return otherCrc(item.frame, this.dialect.slotCount);
  }

  private printItem(item: DecoderItem, message: Message | undefined): void {
    const stamp = this.stamp();
    switch (item.kind) {
      case 'message':
        return this.print(`  ${stamp} ← ${printable(item.frame)}  ${dim(describeMessage(item.message))}`);
      case 'error':
        return this.print(`  ${stamp} ← ${printable(item.frame)}  ${dim(message === undefined ? `not decoded: ${item.error.code}` : `${describeMessage(message)} (refused in strict mode)`)}`);
      case 'lineEnding':
        return;
      default:
        return this.print(`  ${stamp} ← ${printable(item.preview)}${item.length > item.preview.length ? '…' : ''}  ${dim(`${item.length} bytes, not a frame (${item.kind})`)}`);
    }
  }
}

/** The kind of a problem, for the summary: what a frame-level problem is (`LOWERCASE_CRC`, `CRC error`), or the head of the description. */
function headline(problem: string): string {
  const framing = /^(?:frame at byte \d+ .*?|line ending at byte \d+|\d+ bytes at byte \d+): (.+?) — /.exec(problem);
  if (framing !== null) return framing[1]!;
  const dash = problem.indexOf(' — ');
  return dash < 0 ? problem : problem.slice(0, dash);
}

const COVERAGES: readonly CrcCoverage[] = ['fields', 'fieldsWithComma', 'frame'];

/** For a frame whose CRC is wrong: the CRC variant (algorithm and coverage) it matches, if any, with its message. */
function otherCrc(frame: Uint8Array, slotCount: number): { message: Message; crc: string } | undefined {
  for (const crc of Object.keys(crcCatalogue) as CrcName[]) {
    for (const crcCoverage of COVERAGES) {
      if (crc === 'CRC-16/MODBUS' && crcCoverage === 'fields') continue;
      const result = decode(frame, { dialect: { crc, crcCoverage, slotCount }, from: 'device' });
      if (result.ok) return { message: result.message, crc: `${crc} over ${crcCoverage === 'fields' ? 'the fields' : crcCoverage === 'frame' ? 'the frame from {' : 'the fields and the comma before the CRC'}` };
    }
  }
  return undefined;
}

/** The slots of a status answer that hold a bank ready to lend: full first, then charging. */
function lendable(status: StatusAnswer | undefined): { slot: number; powerBankId: string; depleted: boolean } | undefined {
  const records = status?.slots ?? [];
  const record =
    records.find((candidate) => candidate.status === 'full') ??
    records.find((candidate) => candidate.status === 'notFull') ??
    records.find((candidate) => candidate.status === 'depleted');
  return record?.powerBankId === undefined ? undefined : { slot: record.slot, powerBankId: record.powerBankId, depleted: record.status === 'depleted' };
}

/** Runs the harness: waits for a station, drives every step, prints the report. */
export async function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const { print, timeout, settle = 1_000, slotCount = 3 } = options;
  const server = createServer();
  server.listen(options.port, options.host ?? '0.0.0.0');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  options.onListening?.(port);

  print(bold('powerbank-codec conformance harness'));
  print(`Listening on port ${port}. Point the station at this machine, port ${port}; the harness plays its server.`);
  print(dim(`Every frame is decoded in strict mode; each expected message may take up to ${seconds(timeout)}.`));
  print('Waiting for a station to connect…');

  let session: Session | undefined;
  const connected = new Promise<Socket>((resolve) => {
    server.on('connection', (socket) => {
      if (session !== undefined) {
        print(yellow(`  another connection from ${socket.remoteAddress}:${socket.remotePort} refused: the harness tests one station at a time`));
        socket.destroy();
        return;
      }
      resolve(socket);
    });
  });
  const socket = await connected;
  session = new Session(socket, options);
  print(`A station connected from ${socket.remoteAddress}:${socket.remotePort}.`);

  const steps: StepResult[] = [];
  const run = async (title: string, body: (record: StepRecord, session: Session) => Promise<void>, record: StepRecord = { notes: [], problems: [], violations: [] }) => {
    session!.current = record;
    print('');
    print(cyan(`━━ ${steps.length + 1}. ${title}`));
    if (session!.closed && steps.length > 0) record.problems.push('not run: the station had disconnected');
    else if (session!.imei === undefined && steps.length > 0) record.problems.push('not run: the station never named itself');
    else {
      await body(record, session!);
      if (!session!.closed) await sleep(settle);
    }
    const problems = [...record.problems, ...record.violations.map((violation) => violation.description)];
    const result = { number: steps.length + 1, title, passed: problems.length === 0, notes: record.notes, problems };
    steps.push(result);
    print(result.passed ? green(`   PASS  ${title}`) : red(`   FAIL  ${title}`));
  };
  /** The MQ of a return: already received (a station that brought a bank back by itself), or after asking the operator. */
  const insertion = async (station: Session, plan: ReturnPlan, request: string): Promise<OwnershipQuery | undefined> => {
    if (plan.query !== undefined) {
      station.current.notes.push(`the station sent this MQ before being asked (slot ${plan.query.slot}, power bank ${plan.query.powerBankId}); it was answered RQ.${plan.belongs ? 'T' : 'F'}`);
      return plan.query;
    }
    const text = `${request}. Waiting up to ${seconds(timeout)} for the station's MQ…`;
    print(yellow(bold(`  ▶ OPERATOR: ${text}`)));
    options.onOperatorRequest?.(text);
    await station.expect((message) => message === plan.query, 'MQ (ownership query) after the insertion', ': was a power bank inserted?');
    return plan.query;
  };

  let lent: { slot: number; powerBankId: string } | undefined;
  try {
    await run('The station names itself: its first frame carries its IMEI', async (record, station) => {
      const imei = await station.identify(timeout);
      if (imei === undefined) record.problems.push(`expected a first frame carrying the station's IMEI within ${seconds(timeout)}; received ${station.closed ? 'nothing before the station disconnected' : 'nothing'}`);
      else record.notes.push(`IMEI ${imei}`);
    });

    await run('Status: CQ → AQ', async (record, station) => {
      station.send({ type: 'StatusQuery', imei: station.imei! });
      const answer = await station.expect((message) => message.type === 'StatusAnswer', 'AQ (the status answer)');
      if (answer?.type === 'StatusAnswer') record.notes.push(describeMessage(answer));
    });

    await run('Lend: CC → MC.BO → AM.BO', async (record, station) => {
      const bank = lendable(station.lastStatus);
      if (bank === undefined) {
        record.problems.push(
          `expected the status answer to list a power bank to lend (FU, NF or EM); received ${station.lastStatus === undefined ? 'no status answer' : describeMessage(station.lastStatus)}. Put a charged power bank in and run again`,
        );
        return;
      }
      station.send({ type: 'LendRequest', imei: station.imei!, slot: bank.slot, powerBankId: bank.powerBankId });
      const answer = await station.expect((message) => REPORTS.has(message.type), 'MC.BO (lent) or MR.BF (lend failed)');
      if (answer?.type === 'LendSuccess') lent = { slot: answer.slot, powerBankId: answer.powerBankId };
      if (answer?.type === 'LendFailure' && bank.depleted) {
        record.notes.push(`the station refused to lend ${bank.powerBankId}, listed EM (no charge left): a valid lend failure, but the success path was not exercised; put a charged power bank in to test it`);
      } else if (answer?.type === 'LendFailure') {
        record.problems.push(`expected MC.BO: the status answer listed slot ${bank.slot} with power bank ${bank.powerBankId}; received MR.BF (lend failed) — the flow is valid, but the lend did not succeed`);
      }
      if (lent !== undefined) record.notes.push(`lent slot ${lent.slot}, power bank ${lent.powerBankId}`);
    });

    await run('Lend from an empty slot must fail: CQ → AQ to find one, then CC → MR.BF → AR.BF', async (record, station) => {
      station.send({ type: 'StatusQuery', imei: station.imei! });
      const fresh = await station.expect((message) => message.type === 'StatusAnswer', 'AQ (the status answer)');
      const status = fresh?.type === 'StatusAnswer' ? fresh : station.lastStatus;
      if (status === undefined) {
        record.problems.push('not run: no status answer decoded, so the harness cannot tell which slot is empty');
        return;
      }
      const listed = new Set(status.slots.map((record) => record.slot));
      let slot: number | undefined;
      for (let candidate = 1; candidate <= slotCount && slot === undefined; candidate++) if (!listed.has(candidate)) slot = candidate;
      if (slot === undefined) {
        record.problems.push(`expected an empty slot to ask for; received a status answer listing every slot (${describeMessage(status)}). Leave one slot empty and run again`);
        return;
      }
      const ids = new Set(status.slots.map((record) => record.powerBankId));
      const powerBankId = [lent?.powerBankId, '1234567890', 'NOTHERE1'].find((id) => id !== undefined && !ids.has(id))!;
      station.send({ type: 'LendRequest', imei: station.imei!, slot, powerBankId });
      const answer = await station.expect((message) => REPORTS.has(message.type), 'MR.BF (lend failed)');
      if (answer?.type === 'LendSuccess') record.problems.push(`expected MR.BF: slot ${slot} is empty; received MC.BO (lent) — a station must not report a lend from an empty slot`);
      if (answer?.type === 'LendFailure') record.notes.push(`slot ${slot} is empty and the station said so`);
    });

    await run('Return, accepted: MQ → RQ.T → MC.RO → AM.RO', async (record, station) => {
      const plan = station.returns[0]!;
      const query = await insertion(
        station,
        plan,
        `insert a power bank into an empty slot of the station now${lent === undefined ? '' : ` (the one lent in step 3, ${lent.powerBankId}, will do)`}`,
      );
      if (query === undefined) return;
      const report = plan.report ?? (await station.expect((message) => REPORTS.has(message.type), 'MC.RO (returned) or MR.RF (return failed) after RQ.T'));
      if (report?.type === 'ReturnFailure') {
        record.problems.push(`expected MC.RO after RQ.T for slot ${query.slot}, power bank ${query.powerBankId}; received MR.RF (return failed) — the flow is valid, but the return did not succeed`);
      }
      if (report?.type === 'ReturnSuccess') record.notes.push(`slot ${report.slot} took back power bank ${report.powerBankId}`);
    });

    await run('Return, rejected: MQ → RQ.F, then nothing more', async (record, station) => {
      const query = await insertion(
        station,
        station.returns[1]!,
        'insert a power bank into an empty slot again; the harness will refuse it (RQ.F) and the station must release it without reporting anything',
      );
      if (query !== undefined) record.notes.push(`refused power bank ${query.powerBankId} in slot ${query.slot}; listened ${seconds(settle)} more for anything else`);
    });

    await run(
      'Heartbeat: CH, not answered (every heartbeat of the session is checked here)',
      async (record, station) => {
        if (station.heartbeats.length === 0) {
          await station.expect((message) => message.type === 'Heartbeat', 'a heartbeat (CH)', '; a station must send CH periodically (if its interval is longer, run with a longer --timeout)');
        }
        const beats = station.heartbeats;
        if (beats.length === 1) record.notes.push('1 heartbeat');
        if (beats.length > 1) record.notes.push(`${beats.length} heartbeats, ${seconds((beats[beats.length - 1]! - beats[0]!) / (beats.length - 1))} apart on average`);
      },
      session.heartbeat,
    );
  } finally {
    session.finish();
    server.close();
  }

  const passed = steps.every((step) => step.passed);
  print('');
  print(bold(`━━ Report for station ${session.imei ?? '(unknown: it never named itself)'}`));
  for (const step of steps) {
    print(step.passed ? green(`  PASS  ${step.number}. ${step.title}`) : red(`  FAIL  ${step.number}. ${step.title}`));
    for (const note of step.notes) print(dim(`          ${note}`));
    for (const problem of step.problems) print(red(`          ✗ ${problem}`));
  }
  const count = steps.filter((step) => step.passed).length;
  const kinds = new Map<string, number>();
  for (const step of steps) for (const problem of step.problems) kinds.set(headline(problem), (kinds.get(headline(problem)) ?? 0) + 1);
  if (kinds.size > 0) {
    print('');
    print(bold('What to fix, by kind:'));
    for (const [kind, times] of kinds) print(red(`  ${kind}: ${times} time${times === 1 ? '' : 's'}`));
  }
  print('');
  print(passed ? green(bold(`All ${steps.length} steps passed: the station follows the protocol.`)) : red(bold(`${count} of ${steps.length} steps passed: the station departs from the protocol.`)));
  return { imei: session.imei, steps, passed };
}
