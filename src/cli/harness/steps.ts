/**
 * The steps of a run after the connection, each a function of the run so far: what it
 * sends (through the hub), what it waits for, and what it records. The station must:
 *
 * ```
 * 2  name itself            its first frame carries its IMEI
 * 3  status                 CQ → AQ
 * 4  lend                   CC → MC.BO (→ AM.BO)              for a bank the AQ listed
 * 5  lend from empty slot   CQ → AQ, CC → MR.BF (→ AR.BF)     for a slot the new AQ does not list
 *                                                             (or one emptied by a lend first)
 * 6  return, accepted       MQ (→ RQ.T) → MC.RO (→ AM.RO)     an operator inserts a bank
 * 7  return, rejected       MQ (→ RQ.F), then nothing
 * 8  heartbeat              CH at a steady rate (heartbeats.ts)
 * ```
 *
 * @module
 */

import type { LendOutcome, StationHub, StatusAnswer } from '../../index.js';
import { describeMessage } from '../../testing.js';
import { ask, expectation, mayAnswer, NEVER, recordAnswer, recordEnd, recordUndecoded, type AnswerContext } from './answers.js';
import type { StationFrame } from './frames.js';
import type { WaitEnd } from './session.js';
import type { ReturnPlan, ReturnPlans } from './returns.js';
import { seconds, sentence } from './words.js';

/** What the steps share. */
export interface RunState {
  /** The last status answer that decoded. */
  status: StatusAnswer | undefined;
  /** The bank lent in step 4. */
  lent: { readonly slot: number; readonly powerBankId: string } | undefined;
  readonly returns: ReturnPlans;
}

/** What a step runs with. */
export interface StepContext extends AnswerContext {
  readonly hub: StationHub;
  readonly state: RunState;
  readonly clock: () => number;
  /** Asks the operator to act: printed, and handed to whoever drives the station. */
  readonly operator: (text: string) => void;
}

/** A step: its title, and what it does. */
export interface StepDefinition {
  readonly title: string;
  readonly run: (context: StepContext) => Promise<void>;
  /** Whether it needs the station's IMEI, and so a frame that decoded (all but the heartbeat step). */
  readonly needsImei: boolean;
}

const isStatusAnswer = (frame: StationFrame) => mayAnswer(frame, ['StatusAnswer'], ['AQ']);
const isLendAnswer = (frame: StationFrame) => mayAnswer(frame, ['LendSuccess', 'LendFailure'], ['MC', 'MR']);
const isOwnershipQuery = (frame: StationFrame) => mayAnswer(frame, ['OwnershipQuery'], ['MQ']);

/** Sends `CQ` and waits for `AQ`; the status answer that came, if it decoded and names the station. */
async function status(context: StepContext): Promise<StatusAnswer | undefined> {
  const { hub, session } = context;
  const imei = session.imei!;
  const request = { type: 'StatusQuery', imei } as const;
  const { frame } = await ask(context, (signal, now) => hub.queryStatus(imei, { now, signal, timeoutMs: NEVER }), isStatusAnswer, 'stationStatusAnswer', request);
  const message = frame?.message;
  if (message?.type !== 'StatusAnswer' || message.imei !== imei) return undefined;
  context.state.status = message;
  context.record.note(`${describeMessage(message)}`);
  return message;
}

/** The bank of a status answer to lend: full first, then charging, then empty. */
function lendable(answer: StatusAnswer): { slot: number; powerBankId: string; depleted: boolean } | undefined {
  const records = answer.slots;
  const record = records.find((slot) => slot.status === 'full') ?? records.find((slot) => slot.status === 'notFull') ?? records.find((slot) => slot.status === 'depleted');
  return record?.powerBankId === undefined ? undefined : { slot: record.slot, powerBankId: record.powerBankId, depleted: record.status === 'depleted' };
}

async function namesItself(context: StepContext): Promise<void> {
  const { session, settings, record } = context;
  const expected = "a first frame carrying the station's IMEI";
  let frame = session.firstFrame;
  if (frame === undefined) {
    // The first frame is at the latest the first heartbeat, due within --heartbeat-max.
    const waited = await session.waitFor(() => true, session.openedAt + settings.heartbeatMax);
    if (waited.frame === undefined) return recordEnd(context, waited.end, 'first frame', expected, settings.heartbeatMax, '--heartbeat-max');
    frame = waited.frame;
  }
  if (frame.message !== undefined) record.note(`IMEI ${frame.message.imei}`);
  recordUndecoded(context, frame, 'first frame', expected);
}

async function statusStep(context: StepContext): Promise<void> {
  await status(context);
}

async function lend(context: StepContext): Promise<void> {
  const { state, record } = context;
  if (state.status === undefined) return record.skip('not run: no status answer decoded (step 3), so no power bank is known to lend');
  const bank = lendable(state.status);
  if (bank === undefined) {
    const received = `${describeMessage(state.status)}. Put a charged power bank in and run again`;
    return record.fail('no bank to lend', sentence('lend', 'no bank to lend', 'the status answer lists a power bank (FU, NF or EM)', received));
  }
  const outcome = await lendOut(context, bank.slot, bank.powerBankId);
  if (outcome.outcome === 'lent') {
    state.lent = { slot: outcome.slot, powerBankId: outcome.powerBankId };
    record.note(`lent slot ${outcome.slot}, power bank ${outcome.powerBankId}`);
  } else if (outcome.outcome === 'failed' && bank.depleted) {
    record.note(`the station refused to lend ${bank.powerBankId}, listed EM (no charge left): a valid lend failure, but the success path was not tested; put a charged power bank in to test it`);
  } else if (outcome.outcome === 'failed') {
    const expected = `MC.BO: the status answer listed slot ${bank.slot} with power bank ${bank.powerBankId}`;
    record.fail('lend failed', sentence('lend', 'lend failed', expected, 'MR.BF (lend failed); the flow is valid, but the lend did not succeed'));
  }
}

/** Sends `CC` for the bank in `slot` and waits for the answer; its outcome. */
async function lendOut(context: StepContext, slot: number, powerBankId: string): Promise<LendOutcome> {
  const { hub, session } = context;
  const imei = session.imei!;
  const request = { type: 'LendRequest', imei, slot, powerBankId } as const;
  return (await ask(context, (signal, now) => hub.lend(imei, slot, { now, signal, timeoutMs: NEVER, powerBankId }), isLendAnswer, 'stationLendAnswer', request)).outcome;
}

/**
 * A slot the status answer does not list; or, when it lists every slot (a station that
 * took the bank lent in step 4 back already), one the harness empties by lending its bank.
 */
async function emptySlot(context: StepContext, fresh: StatusAnswer): Promise<number | undefined> {
  const { settings, record } = context;
  const listed = new Set(fresh.slots.map((slot) => slot.slot));
  for (let slot = 1; slot <= settings.dialect.slotCount; slot++) if (!listed.has(slot)) return slot;
  const bank = lendable(fresh);
  const expected = `a slot of 1..${settings.dialect.slotCount} the status answer does not list, or one the harness can empty by a lend`;
  if (bank === undefined) {
    const received = `a status answer listing every slot and no bank to lend (${describeMessage(fresh)}). Leave one slot empty and run again`;
    return record.fail('no empty slot', sentence('lend', 'no empty slot', expected, received)), undefined;
  }
  record.note(`every slot was full: the harness lent power bank ${bank.powerBankId} from slot ${bank.slot} to empty one`);
  const outcome = await lendOut(context, bank.slot, bank.powerBankId);
  if (outcome.outcome === 'lent') return bank.slot;
  if (outcome.outcome === 'failed') record.fail('no empty slot', sentence('lend', 'no empty slot', expected, `every slot listed, and MR.BF (lend failed) for ${bank.powerBankId} in slot ${bank.slot}`));
  return undefined;
}

async function lendFromEmptySlot(context: StepContext): Promise<void> {
  const { state, record } = context;
  const fresh = await status(context);
  if (fresh === undefined) return; // why is recorded
  const slot = await emptySlot(context, fresh);
  if (slot === undefined) return; // why is recorded
  // An id the station cannot hold: the lent bank may be on its way back into that very slot.
  const ids = new Set([...fresh.slots.map((record) => record.powerBankId), state.lent?.powerBankId]);
  const powerBankId = ['NOTHERE1', 'NOTHERE2', 'NOTHERE3'].find((id) => !ids.has(id))!;
  const outcome = await lendOut(context, slot, powerBankId);
  if (outcome.outcome === 'lent') {
    record.fail('lent from an empty slot', sentence('lend', 'lent from an empty slot', `MR.BF: slot ${slot} is empty`, 'MC.BO (lent); a station must not report a lend from an empty slot'));
  }
  if (outcome.outcome === 'failed') record.note(`slot ${slot} is empty and the station said so`);
}

/** The `MQ` of a return: already received (a station that brought a bank back by itself), or after asking the operator. */
async function insertion(context: StepContext, plan: ReturnPlan, request: string): Promise<boolean> {
  const { session, settings, record, clock } = context;
  if (plan.query !== undefined) {
    record.note(`the station sent this MQ before being asked (slot ${plan.query.slot}, power bank ${plan.query.powerBankId}); it was answered RQ.${plan.belongs ? 'T' : 'F'}`);
    return true;
  }
  context.operator(`${request}. Waiting up to ${seconds(settings.timeout)} for the station's MQ…`);
  const until = clock() + settings.timeout;
  const expected = 'an MQ (ownership query) after the insertion: was a power bank inserted?';
  for (;;) {
    const waited = await session.waitFor(isOwnershipQuery, until);
    if (plan.query !== undefined) return true;
    if (waited.frame === undefined) return recordEnd(context, waited.end, 'return', expected), false;
    if (waited.frame.message === undefined) return recordUndecoded(context, waited.frame, 'return', expected), false;
    // An MQ the hub did not take for this return (another IMEI, a repeat): wait on.
  }
}

async function acceptedReturn(context: StepContext): Promise<void> {
  const { session, settings, state, record } = context;
  const plan = state.returns.accepted;
  const lent = state.lent === undefined ? '' : ` (the one lent in step 4, ${state.lent.powerBankId}, will do)`;
  if (!(await insertion(context, plan, `insert a power bank into an empty slot of the station now${lent}`))) return;
  const query = plan.query!;
  const last = { type: 'OwnershipAnswer', imei: session.imei!, belongs: true, slot: query.slot, powerBankId: query.powerBankId } as const;
  const { flow, expected } = expectation('stationReturnReport', last);
  const sentAt = plan.answeredAt ?? query.at;
  const isReport = (frame: StationFrame) => {
    const slot = frame.message !== undefined && 'slot' in frame.message ? frame.message.slot : undefined;
    return (slot === query.slot && mayAnswer(frame, ['ReturnSuccess', 'ReturnFailure', 'LendFailure'], [])) || (frame.message === undefined && mayAnswer(frame, [], ['MC', 'MR']));
  };
  if (plan.report === undefined) {
    const waited = await session.waitFor(isReport, sentAt + settings.timeout);
    if (waited.frame?.message === undefined) session.abandon(sentAt);
    if (waited.frame === undefined) return recordEnd(context, waited.end, flow, expected);
    plan.report = waited.frame;
  }
  recordAnswer(context, plan.report, sentAt, flow, expected);
  const message = plan.report.message;
  if (message?.type === 'ReturnFailure') {
    const failed = `MC.RO after RQ.T for slot ${query.slot}, power bank ${query.powerBankId}`;
    record.fail('return failed', sentence('return', 'return failed', failed, 'MR.RF (return failed); the flow is valid, but the return did not succeed'));
  }
  if (message?.type === 'ReturnSuccess') record.note(`slot ${message.slot} took back power bank ${message.powerBankId}`);
}

async function rejectedReturn(context: StepContext): Promise<void> {
  const { state, record, settings } = context;
  const request = 'insert a power bank into an empty slot again; the harness will refuse it (RQ.F) and the station must release it without reporting anything';
  if (!(await insertion(context, state.returns.rejected, request))) return;
  const query = state.returns.rejected.query!;
  record.note(`refused power bank ${query.powerBankId} in slot ${query.slot}; listened ${seconds(settings.settle)} more for anything else`);
}

async function heartbeat(context: StepContext): Promise<void> {
  const { session, settings, record, clock } = context;
  const { heartbeats } = session;
  let end: WaitEnd | undefined = session.closedAt === undefined ? undefined : 'closed';
  while (heartbeats.count < 2 && end === undefined) {
    const waited = await session.waitFor((frame) => frame.command === 'CH', (heartbeats.last ?? session.openedAt) + settings.heartbeatMax, false);
    end = waited.end;
  }
  const problems = heartbeats.problems(session.openedAt, clock());
  for (const { kind, text } of problems) record.fail(kind, text);
  if (problems.length === 0 && heartbeats.count < 2 && (end === 'closed' || end === 'over')) {
    const why = end === 'closed' ? 'the station disconnected' : `the run ended: ${context.overReason()}`;
    record.fail(end === 'closed' ? 'disconnected' : 'run over', sentence('heartbeat', 'not finished', 'two heartbeats, to measure their interval', `${heartbeats.count} before ${why}`));
  }
  record.note(heartbeats.summary());
}

/** The steps after the connection, in order. */
export const STEPS: readonly StepDefinition[] = [
  { title: 'The station names itself: its first frame carries its IMEI', run: namesItself, needsImei: false },
  { title: 'Status: CQ → AQ', run: statusStep, needsImei: true },
  { title: 'Lend: CC → MC.BO → AM.BO', run: lend, needsImei: true },
  { title: 'Lend from an empty slot must fail: CQ → AQ to find one, then CC → MR.BF → AR.BF', run: lendFromEmptySlot, needsImei: true },
  { title: 'Return, accepted: MQ → RQ.T → MC.RO → AM.RO', run: acceptedReturn, needsImei: true },
  { title: 'Return, rejected: MQ → RQ.F, then nothing more', run: rejectedReturn, needsImei: true },
  { title: 'Heartbeat: CH at a steady rate, not answered (every heartbeat of the session is checked here)', run: heartbeat, needsImei: false },
];
