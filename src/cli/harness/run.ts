/**
 * One run of the harness: listen, wait for a station (at most `--connect-timeout`),
 * bind it to a station hub that plays the server, run the steps one after the other
 * (all within `--run-timeout`), and hand back every step's record. Nothing the station
 * sends ends the run early; only its time limit, an interrupt, or the steps' end do.
 *
 * @module
 */

import { createServer, type Server, type Socket } from 'node:net';
import { createStationHub, type Dialect } from '../../index.js';
import { UsageError } from '../args.js';
import { crcFlagValue } from '../crcFlags.js';
import type { Style } from '../style.js';
import { NEVER } from './answers.js';
import type { DialectHint } from './hints.js';
import { StepRecord } from './record.js';
import { ReturnPlans } from './returns.js';
import { Session } from './session.js';
import type { HarnessSettings } from './settings.js';
import { STEPS, type RunState, type StepContext, type StepDefinition } from './steps.js';
import { Transcript } from './transcript.js';
import { seconds, sentence } from './words.js';

/** How the run talks to whoever started it. */
export interface HarnessHooks {
  /** Writes one line of the live log. */
  readonly log: (line: string) => void;
  readonly style: Style;
  /** Called once the harness listens, with the port (useful with port 0). */
  readonly onListening?: (port: number) => void;
  /** Called when the operator is asked to act (the text is also logged). */
  readonly onOperatorRequest?: (text: string) => void;
  /** Ends the run early (Ctrl-C): the steps left are not run, and the report says so. */
  readonly interrupt?: AbortSignal;
}

/** What a run found. */
export interface HarnessResult {
  readonly passed: boolean;
  readonly steps: readonly StepRecord[];
  readonly settings: HarnessSettings;
  /** The port listened on. */
  readonly port: number;
  /** The station's address and IMEI, as far as they are known. */
  readonly address: string | undefined;
  readonly imei: string | undefined;
  /** Frames from the station, and how many of them repeated the one before. */
  readonly frames: number;
  readonly duplicates: number;
  readonly heartbeats: { readonly count: number; readonly averageGapMs: number | undefined; readonly summary: string } | undefined;
  readonly hints: readonly DialectHint[];
  readonly durationMs: number;
}

/** Every step's title, the connection first. */
export const STEP_TITLES: readonly string[] = ['A station connects', ...STEPS.map((step) => step.title)];

async function listen(settings: HarnessSettings): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new UsageError(`cannot listen on port ${settings.port} of ${settings.host}: ${error instanceof Error ? error.message : String(error)}`);
  });
  return server;
}

/**
 * The first connection, or why none came. Every later connection is refused (`refused`
 * is told): the harness tests one station at a time.
 */
function connection(server: Server, timeout: number, over: AbortSignal, refused: (socket: Socket) => void): Promise<Socket | 'timeout' | 'over'> {
  return new Promise((resolve) => {
    let first = true;
    const done = (result: Socket | 'timeout' | 'over') => {
      first = false;
      clearTimeout(timer);
      over.removeEventListener('abort', aborted);
      resolve(result);
    };
    const aborted = () => done('over');
    const timer = setTimeout(() => done('timeout'), timeout);
    over.addEventListener('abort', aborted, { once: true });
    server.on('connection', (socket: Socket) => (first ? done(socket) : refused(socket)));
  });
}

/** The dialect in words, for the first lines of the log. */
function describeDialect(dialect: Dialect): string {
  const { crc, crcCoverage, crcByteOrder, quotes, lineEnding, slotCount } = dialect;
  const ending = lineEnding === '\r\n' ? 'CRLF' : lineEnding === '\n' ? 'LF' : 'no line ending';
  const order = crcByteOrder === 'lowFirst' ? ', low byte first' : '';
  return `${crc === 'none' ? 'no CRC' : `${crcFlagValue(crc)} over ${crcCoverage}${order}`}, ${quotes ? 'quotes' : 'no quotes'}, ${ending}, ${slotCount} slots`;
}

/** Runs the harness. Throws a `UsageError` when it cannot listen; anything else ends in the result. */
export async function runHarness(settings: HarnessSettings, hooks: HarnessHooks): Promise<HarnessResult> {
  const started = performance.now();
  const clock = () => performance.now() - started;
  const { style } = hooks;
  const transcript = new Transcript(hooks.log, style);
  const server = await listen(settings);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  hooks.onListening?.(port);

  const ending = new AbortController();
  const runTimer = setTimeout(() => ending.abort(`its time limit was reached (--run-timeout ${seconds(settings.runTimeout)})`), settings.runTimeout);
  const interrupted = () => ending.abort('it was interrupted');
  hooks.interrupt?.addEventListener('abort', interrupted, { once: true });
  const overReason = () => (ending.signal.aborted ? String(ending.signal.reason) : '');

  const records = STEP_TITLES.map((title, index) => new StepRecord(index + 1, title, (text) => transcript.bad(text)));
  const [connectStep, ...stepRecords] = records as [StepRecord, ...StepRecord[]];
  const heartbeatStep = stepRecords.at(-1)!;
  const state: RunState = { status: undefined, lent: undefined, returns: new ReturnPlans() };
  let session: Session | undefined;
  const hub = createStationHub({
    ownership: (powerBankId, slot) => state.returns.decide(powerBankId, slot, clock()),
    onEvent: (event) => session?.hubEvent(event),
    dialect: settings.dialect,
    mode: 'lenient',
    answerTimeoutMs: NEVER,
    heartbeatTimeoutMs: NEVER,
    helloTimeoutMs: NEVER,
    garbageBudgetBytes: NEVER,
    maxFramesPerSecond: NEVER,
  });

  transcript.say(style.bold('powerbank-codec conformance harness'));
  transcript.say(`Listening on port ${port} of ${settings.host}. Point the station at this machine, port ${port}; the harness plays its server.`);
  transcript.say(style.dim(`Dialect: ${describeDialect(settings.dialect)}; every frame is decoded in strict mode. Answers may take ${seconds(settings.maxLatency)}; the harness waits up to ${seconds(settings.timeout)} for each.`));
  transcript.step(1, connectStep.title);
  transcript.say(`Waiting up to ${seconds(settings.connectTimeout)} for a station to connect…`);
  connectStep.startedAt = clock();
  try {
    const refused = (other: Socket) => {
      const text = `another connection, from ${other.remoteAddress ?? '?'}:${other.remotePort ?? '?'}, was refused: the harness tests one station at a time`;
      transcript.note(text);
      session?.current.note(text);
      other.destroy();
    };
    const socket = await connection(server, settings.connectTimeout, ending.signal, refused);
    connectStep.endedAt = clock();
    if (typeof socket === 'string') {
      const received = socket === 'timeout' ? 'none' : `none before the run ended: ${overReason()}`;
      connectStep.fail('no connection', sentence('connection', 'no station connected', `a station connecting to port ${port} within ${seconds(settings.connectTimeout)} (--connect-timeout)`, received));
      for (const record of stepRecords) record.skip('not run: no station connected');
    } else {
      session = new Session(socket, hub, {
        settings,
        transcript,
        clock,
        runOver: ending.signal,
        heartbeatStep,
        onFrame: (frame) => state.returns.frame(frame),
        onSent: (message, at) => {
          if (message.type === 'OwnershipAnswer') state.returns.answered(message, at);
        },
      });
      connectStep.note(`from ${session.address}, ${seconds(connectStep.endedAt - connectStep.startedAt)} after listening began`);
      verdict(transcript, connectStep);
      await runSteps(session, records, { hub, state, settings, clock, overReason, transcript, hooks });
    }
  } finally {
    session?.finish();
    server.close();
    clearTimeout(runTimer);
    hooks.interrupt?.removeEventListener('abort', interrupted);
  }
  if (session === undefined) verdict(transcript, connectStep);
  for (const text of state.returns.extra) stepRecords[5]!.note(text);
  const heartbeats = session?.heartbeats;
  return {
    passed: records.every((record) => record.status === 'passed'),
    steps: records,
    settings,
    port,
    address: session?.address,
    imei: session?.imei,
    frames: session?.frames ?? 0,
    duplicates: session?.duplicates ?? 0,
    heartbeats: heartbeats === undefined ? undefined : { count: heartbeats.count, averageGapMs: heartbeats.averageGap, summary: heartbeats.summary() },
    hints: session?.hints.hints() ?? [],
    durationMs: clock(),
  };
}

/** The line that ends a step in the log. */
function verdict(transcript: Transcript, record: StepRecord): void {
  transcript.flush();
  const { style } = transcript;
  if (record.status === 'passed') transcript.say(style.ok(`   PASS  ${record.title}`));
  else if (record.status === 'failed') transcript.say(style.bad(`   FAIL  ${record.title}`));
  else transcript.say(style.warn(`   SKIP  ${record.title} (${record.skipped ?? ''})`));
}

interface StepsContext extends Pick<StepContext, 'hub' | 'state' | 'settings' | 'clock' | 'overReason'> {
  readonly transcript: Transcript;
  readonly hooks: HarnessHooks;
}

/** Why `definition` cannot run now, if it cannot. */
function skipReason(definition: StepDefinition, session: Session, overReason: string): string | undefined {
  if (overReason !== '') return `not run: the run ended: ${overReason}`;
  if (!definition.needsImei) return undefined;
  if (session.closedAt !== undefined) return `not run: the station had disconnected, at ${seconds(session.closedAt)}`;
  if (session.imei === undefined) return 'not run: no frame from the station decoded, so the harness has no IMEI to address it (see step 2)';
  return undefined;
}

/** Runs the steps after the connection, each followed by `--settle` of listening. */
async function runSteps(session: Session, records: readonly StepRecord[], context: StepsContext): Promise<void> {
  const { transcript, hooks, clock, settings } = context;
  const { style } = transcript;
  const operator = (text: string) => {
    transcript.say(style.warn(style.bold(`  ▶ OPERATOR: ${text}`)));
    hooks.onOperatorRequest?.(text);
  };
  for (const [index, definition] of STEPS.entries()) {
    const record = records[index + 1]!;
    transcript.step(record.number, record.title);
    session.current = record;
    record.startedAt = clock();
    const reason = skipReason(definition, session, context.overReason());
    if (reason !== undefined) record.skip(reason);
    else {
      await definition.run({ ...context, session, record, operator });
      if (index < STEPS.length - 1 && session.closedAt === undefined && settings.settle > 0) await session.pause(clock() + settings.settle);
    }
    record.endedAt = clock();
    verdict(transcript, record);
  }
}
