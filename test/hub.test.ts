/**
 * The station hub, in simulated time: every flow of PROTOCOL.md section 5 against a
 * `StationSimulator`, and every event kind provoked (late answers, duplicates,
 * reconnects, async ownership, liveness, garbage and floods, snapshots).
 */
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDecoder, createStationHub, encode, encodeToString, type HubEvent, type LendOutcome, type Message, type StatusOutcome } from 'powerbank-codec';
import { StationSimulator } from 'powerbank-codec/testing';
import { flush, IMEI, online, OTHER_IMEI, recordingHub, Wire } from './support/hubWire.js';

const lendSuccess = (slot: number, powerBankId: string): Message => ({ type: 'LendSuccess', imei: IMEI, slot, powerBankId });
const returnSuccess = (slot: number, powerBankId: string): Message => ({ type: 'ReturnSuccess', imei: IMEI, slot, powerBankId });

describe('createStationHub options', () => {
  it('refuses invalid options with a ProtocolError OPTIONS', () => {
    const bad: unknown[] = [
      undefined,
      {},
      { ownership: () => true, onEvent: 3 },
      { ownership: () => true, mode: 'loose' },
      { ownership: () => true, answerTimeoutMs: 0 },
      { ownership: () => true, heartbeatTimeoutMs: Number.NaN },
      { ownership: () => true, helloTimeoutMs: '5' },
      { ownership: () => true, garbageBudgetBytes: -1 },
      { ownership: () => true, maxFramesPerSecond: 0 },
      { ownership: () => true, maxFrameLength: Infinity },
      { ownership: () => true, dialect: { slotCount: 0 } },
      { ownership: () => true, hubId: '' },
      { ownership: () => true, hubId: 'a b' },
      { ownership: () => true, hubId: 'x'.repeat(65) },
      { ownership: () => true, hubId: 7 },
    ];
    for (const options of bad) expect(() => createStationHub(options as never)).toThrow(expect.objectContaining({ name: 'ProtocolError', code: 'OPTIONS' }));
  });

  it('starts every request id with the hubId: given, or 10 random letters and digits, new for each hub (with or without crypto)', async () => {
    const named = createStationHub({ ownership: () => true, hubId: 'eu-1_a.b:c' });
    expect(await named.lend(IMEI, 1, { now: 0 })).toMatchObject({ requestId: 'eu-1_a.b:c-1' });
    const ids = async () => (await createStationHub({ ownership: () => true }).queryStatus(IMEI, { now: 0 })).requestId;
    const [one, two] = [await ids(), await ids()];
    expect(one).toMatch(/^[0-9a-z]{10}-1$/);
    expect(two).not.toBe(one);
    const { crypto } = globalThis;
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      expect(await ids()).toMatch(/^[0-9a-z]{10}-1$/);
    } finally {
      Object.defineProperty(globalThis, 'crypto', { value: crypto, configurable: true });
    }
  });

  it('speaks the dialect it is given', async () => {
    const dialect = { quotes: false, lineEnding: '\n' as const };
    const { hub, events } = recordingHub({ dialect });
    const sent: string[] = [];
    const link = hub.connect({ send: (bytes) => void sent.push(new TextDecoder().decode(bytes)), close: () => {} }, 0);
    link.receive(encode({ type: 'Heartbeat', imei: IMEI }, { dialect }), 0);
    void hub.lend(IMEI, 2, { now: 1, powerBankId: '1234567890' });
    expect(sent).toEqual([encodeToString({ type: 'LendRequest', imei: IMEI, slot: 2, powerBankId: '1234567890' }, { dialect })]);
    expect(events.map((event) => event.type)).toEqual(['online', 'heartbeat']);
  });

  it('refuses a request without a valid time or timeout, at once', () => {
    const hub = createStationHub({ ownership: () => true });
    const code = expect.objectContaining({ code: 'OPTIONS' });
    expect(() => hub.lend(IMEI, 1, { now: Number.NaN })).toThrow(code);
    expect(() => hub.lend(IMEI, 1, undefined as never)).toThrow(code);
    expect(() => hub.queryStatus(IMEI, { now: 0, timeoutMs: -1 })).toThrow(code);
    expect(() => hub.queryStatus(IMEI, { now: 0, timeoutMs: Infinity })).toThrow(code);
    expect(() => hub.queryStatus(IMEI, { now: 0, timeoutMs: '5' as never })).toThrow(code);
  });

  it('documents its defaults: a new connection must speak within 90 s, a station within 180 s, an answer within 30 s', async () => {
    const hub = createStationHub({ ownership: () => true });
    expect(hub.nextDeadline()).toBeUndefined();
    const link = hub.connect({ send: () => {}, close: () => {} }, 1_000);
    expect(hub.nextDeadline()).toBe(91_000);
    link.receive(encode({ type: 'Heartbeat', imei: IMEI }), 2_000);
    expect(hub.nextDeadline()).toBe(182_000);
    const status = hub.queryStatus(IMEI, { now: 3_000 });
    expect(hub.nextDeadline()).toBe(33_000);
    hub.tick(33_000);
    expect(await status).toMatchObject({ outcome: 'timeout' });
  });
});

describe('the flows of section 5 through the hub', () => {
  it('lend, success: CC → MC.BO → AM.BO; the id comes from the last status answer', async () => {
    const { hub, wire, types } = online();
    const status = hub.queryStatus(IMEI, { now: 10 });
    wire.pump(20);
    expect(await status).toMatchObject({ outcome: 'answered', imei: IMEI, slots: [{ slot: 1, powerBankId: 'A1' }, { slot: 2, powerBankId: '1234567890' }] });
    const lend = hub.lend(IMEI, 2, { now: 30 });
    expect(hub.station(IMEI)!.pending).toEqual([{ requestId: 'h-2', kind: 'lend', imei: IMEI, slot: 2, powerBankId: '1234567890', deadline: 30_030 }]);
    wire.pump(40);
    expect(await lend).toEqual({ outcome: 'lent', requestId: 'h-2', imei: IMEI, slot: 2, powerBankId: '1234567890', sent: true });
    expect(wire.sentMoves()).toEqual(['CQ', 'CC', 'AM.BO']);
    expect(types()).toEqual(['online', 'heartbeat', 'status', 'settled', 'lent', 'settled']);
    expect(wire.conversation.map((event) => event.kind)).toEqual(['heartbeat', 'statusAnswered', 'lent']);
    expect(wire.tracker.openFlows()).toEqual([]);
  });

  it('lend, failure: CC → MR.BF → AR.BF', async () => {
    const { hub, wire, events } = online({}, { faultySlots: [3] });
    const lend = hub.lend(IMEI, 3, { now: 10, powerBankId: 'B3' });
    wire.pump(20);
    expect(await lend).toEqual({ outcome: 'failed', requestId: 'h-1', imei: IMEI, slot: 3, powerBankId: 'B3', sent: true });
    expect(wire.sentMoves()).toEqual(['CC', 'AR.BF']);
    expect(events).toContainEqual({ type: 'lendFailed', at: 20, imei: IMEI, requestId: 'h-1', slot: 3, powerBankId: 'B3' });
  });

  it('return, success: MQ → RQ.T → MC.RO → AM.RO', () => {
    const { wire, station, events } = online();
    wire.say(station.insert(3, 'C3', 10), 10);
    wire.pump(20);
    expect(wire.sentMoves()).toEqual(['RQ.T', 'AM.RO']);
    expect(events.at(-1)).toEqual({ type: 'returned', at: 20, imei: IMEI, slot: 3, powerBankId: 'C3' });
    expect(wire.tracker.openFlows()).toEqual([]);
  });

  it('return, rejected: MQ → RQ.F', () => {
    const { wire, station, events } = online({ ownership: () => false });
    wire.say(station.insert(3, 'C3', 10), 10);
    wire.pump(20);
    expect(wire.sentMoves()).toEqual(['RQ.F']);
    expect(events.at(-1)).toEqual({ type: 'returnRejected', at: 10, imei: IMEI, slot: 3, powerBankId: 'C3' });
  });

  it('return, failure: MQ → RQ.T → MR.RF → AR.RF', () => {
    const { wire, station, events } = online({}, { faultySlots: [3] });
    wire.say(station.insert(3, 'C3', 10), 10);
    wire.pump(20);
    expect(wire.sentMoves()).toEqual(['RQ.T', 'AR.RF']);
    expect(events.at(-1)).toEqual({ type: 'returnFailed', at: 20, imei: IMEI, slot: 3, powerBankId: 'C3' });
  });

  it('status: CQ → AQ; queries in flight share one CQ; the last status is kept', async () => {
    const { hub, wire, events } = online();
    const first = hub.queryStatus(IMEI, { now: 10 });
    const second = hub.queryStatus(IMEI, { now: 11 });
    wire.pump(20);
    expect(wire.sentMoves()).toEqual(['CQ']);
    expect((await first).outcome).toBe('answered');
    expect((await second).outcome).toBe('answered');
    expect(events).toContainEqual(expect.objectContaining({ type: 'status', requestIds: ['h-1', 'h-2'] }));
    expect(hub.station(IMEI)).toMatchObject({ imei: IMEI, online: true, lastSeen: 20, lastStatus: { at: 20, slots: [{ slot: 1 }, { slot: 2 }] }, pending: [] });
    expect(hub.station(OTHER_IMEI)).toBeUndefined();
  });

  it('heartbeat: CH, no answer', () => {
    const { wire, station, events } = online({}, { heartbeatInterval: 100 });
    wire.say(station.tick(100), 100);
    expect(wire.sent).toEqual([]);
    expect(events.filter((event) => event.type === 'heartbeat')).toHaveLength(2);
  });
});

describe('what goes wrong in the field', () => {
  it('a lend times out, then MC.BO comes: acknowledged and reported as a late answer, never dropped', async () => {
    const { hub, wire, events } = online();
    wire.deaf = true; // CC is lost… until the station gets it late
    const lend = hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    const status = hub.queryStatus(IMEI, { now: 10, timeoutMs: 60_000 });
    hub.tick(30_009);
    expect(hub.nextDeadline()).toBe(30_010);
    hub.tick(30_010);
    expect(hub.nextDeadline()).toBe(60_010);
    hub.tick(60_010);
    expect(await status).toMatchObject({ outcome: 'timeout' });
    expect(hub.nextDeadline()).toBe(180_000);
    expect(await lend).toEqual({ outcome: 'timeout', requestId: 'h-1', imei: IMEI, slot: 2, powerBankId: '1234567890', sent: true });
    wire.say([lendSuccess(2, '1234567890')], 61_000);
    expect(wire.sentMoves()).toEqual(['CC', 'CQ', 'AM.BO']);
    expect(events.at(-1)).toEqual({ type: 'lateAnswer', at: 61_000, imei: IMEI, requestId: 'h-1', outcome: 'timeout', message: lendSuccess(2, '1234567890') });
    wire.say([lendSuccess(2, '1234567890')], 62_000);
    expect(events.at(-1)).toMatchObject({ type: 'duplicate', message: lendSuccess(2, '1234567890') });
    expect(wire.sentMoves()).toEqual(['CC', 'CQ', 'AM.BO', 'AM.BO']);
  });

  it('a station that did not get AM.BO sends MC.BO again: acknowledged again, counted once', async () => {
    const { hub, wire, types } = online();
    const lend = hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    wire.pump(20);
    wire.say([lendSuccess(2, '1234567890')], 30);
    expect((await lend).outcome).toBe('lent');
    expect(wire.sentMoves()).toEqual(['CC', 'AM.BO', 'AM.BO']);
    expect(types().filter((type) => type === 'lent')).toHaveLength(1);
    expect(types().at(-1)).toBe('duplicate');
  });

  it('a report that answers nothing is acknowledged and reported as a violation; a wrong id as a mismatch', async () => {
    const { hub, wire, events } = online();
    wire.say([lendSuccess(3, 'Z9'), returnSuccess(3, 'Z9'), { type: 'ReturnFailure', imei: IMEI, slot: 1, powerBankId: 'Q' }], 10);
    expect(wire.sentMoves()).toEqual(['AM.BO', 'AM.RO', 'AR.RF']);
    expect(events.filter((event) => event.type === 'violation').map((event) => event.type === 'violation' && event.reason)).toEqual(['unexpected', 'unexpected', 'unexpected']);
    wire.deaf = true;
    const lend = hub.lend(IMEI, 2, { now: 20, powerBankId: '1234567890' });
    wire.say([lendSuccess(2, 'OTHER')], 30);
    expect(await lend).toMatchObject({ outcome: 'lent', powerBankId: 'OTHER' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'violation', reason: 'mismatch' }));
  });

  it('a late answer with another id than the lend that timed out is still reported, as a mismatch too', async () => {
    const { hub, wire, events } = online();
    wire.deaf = true;
    const lend = hub.lend(IMEI, 2, { now: 0, powerBankId: '1234567890' });
    hub.tick(30_000);
    await lend;
    wire.say([{ type: 'LendFailure', imei: IMEI, slot: 2, powerBankId: 'OTHER' }], 30_001);
    expect(events.slice(-2).map((event) => event.type)).toEqual(['violation', 'lateAnswer']);
  });

  it('the station goes offline: its requests settle offline at once; a new request is offline at once; a late MC.BO after it reconnects is reported', async () => {
    const { hub, wire, events, types } = online();
    wire.deaf = true;
    const lend = hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    const status = hub.queryStatus(IMEI, { now: 10 });
    wire.link.closed(20);
    wire.link.closed(21); // idempotent
    wire.link.receive(encode({ type: 'Heartbeat', imei: IMEI }), 22); // ignored
    expect(await lend).toMatchObject({ outcome: 'offline', requestId: 'h-1', sent: true }); // CC went out: the bank may be out
    expect(await status).toMatchObject({ outcome: 'offline', requestId: 'h-2', sent: true });
    expect(events).toContainEqual({ type: 'offline', at: 20, imei: IMEI, reason: 'closed' });
    expect(await hub.lend(IMEI, 2, { now: 30, powerBankId: '1234567890' })).toMatchObject({ outcome: 'offline', requestId: 'h-3', sent: false }); // nothing sent: no bank left
    expect(await hub.lend(IMEI, 2, { now: 30 })).toMatchObject({ outcome: 'offline', requestId: 'h-4', sent: false });
    expect(await hub.queryStatus(IMEI, { now: 30 })).toMatchObject({ outcome: 'offline', requestId: 'h-5', sent: false });
    expect(await hub.lend(OTHER_IMEI, 1, { now: 30, powerBankId: 'A' })).toMatchObject({ outcome: 'offline' });
    wire.reconnect(40);
    wire.say([lendSuccess(2, '1234567890')], 40);
    expect(types().slice(-2)).toEqual(['online', 'lateAnswer']);
    expect(events.at(-1)).toMatchObject({ requestId: 'h-1', outcome: 'offline' });
  });

  it('a station reconnects on a new connection: the old one is closed, its pending lend is answered on the new one', async () => {
    const { hub, wire, station, types } = online();
    const old = wire.link;
    wire.deaf = true;
    const lend = hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    wire.reconnect(20);
    wire.say([{ type: 'Heartbeat', imei: station.imei }], 20);
    expect(types().slice(-2)).toEqual(['replaced', 'heartbeat']);
    expect(wire.closes).toBe(1);
    expect(old.isClosed).toBe(true);
    expect(hub.station(IMEI)!.online).toBe(true);
    wire.say([lendSuccess(2, '1234567890')], 30);
    expect((await lend).outcome).toBe('lent');
    old.closed(40); // the old socket's close event: nothing changes
    expect(hub.station(IMEI)!.online).toBe(true);
  });

  it('remembers the last four reports of a slot; a line ending other than the dialect\'s is no garbage', () => {
    const { wire, events } = online({ garbageBudgetBytes: 10 });
    for (const id of ['B1', 'B2', 'B3', 'B4', 'B5']) wire.say([{ type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: id }], 10);
    wire.say([{ type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: 'B1' }], 11);
    wire.say([{ type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: 'B5' }], 12);
    expect(events.slice(-2).map((event) => event.type === 'violation' ? event.reason : event.type)).toEqual(['unexpected', 'duplicate']);
    wire.link.receive(new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\n'), 13);
    expect(wire.link.isClosed).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'heartbeat' });
  });

  it('a bank lent, returned and lent again is two lends, not a duplicate', async () => {
    const { hub, wire, station, types } = online();
    expect((await (async () => { const lend = hub.lend(IMEI, 2, { now: 0, powerBankId: '1234567890' }); wire.pump(1); return lend; })()).outcome).toBe('lent');
    wire.say(station.insert(2, '1234567890', 2), 2);
    wire.pump(3);
    const again = hub.lend(IMEI, 2, { now: 4, powerBankId: '1234567890' });
    wire.pump(5);
    expect((await again).outcome).toBe('lent');
    expect(types().filter((type) => type === 'lent' || type === 'returned' || type === 'duplicate')).toEqual(['lent', 'returned', 'lent']);
  });

  it('a frame for another IMEI on a bound connection is a violation, ignored and spent from the budget', () => {
    const { wire, events } = online();
    wire.link.receive(encode({ type: 'LendSuccess', imei: OTHER_IMEI, slot: 1, powerBankId: 'A1' }), 10);
    expect(wire.sent).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'violation', reason: 'otherImei', imei: IMEI, message: { imei: OTHER_IMEI } });
  });

  it('one lend per slot at a time, several per station; refused at once otherwise', async () => {
    const { hub, wire } = online();
    wire.deaf = true;
    const one = hub.lend(IMEI, 1, { now: 0, powerBankId: 'A1' });
    const two = hub.lend(IMEI, 2, { now: 0, powerBankId: '1234567890' });
    expect(await hub.lend(IMEI, 1, { now: 1, powerBankId: 'A1' })).toMatchObject({ outcome: 'refused', reason: 'slotBusy' });
    expect(await hub.lend(IMEI, 4, { now: 1, powerBankId: 'A1' })).toMatchObject({ outcome: 'refused', reason: 'unknownSlot' });
    expect(await hub.lend(IMEI, 3, { now: 1 })).toMatchObject({ outcome: 'refused', reason: 'noBank' });
    expect(await hub.lend(IMEI, 3, { now: 1, powerBankId: 'not an id' })).toMatchObject({ outcome: 'refused', reason: 'invalidId' });
    expect(wire.sentMoves()).toEqual(['CC', 'CC']);
    hub.tick(30_000);
    expect([(await one).outcome, (await two).outcome]).toEqual(['timeout', 'timeout']);
  });

  it('takes an AbortSignal: aborted before it is sent, or while it waits (and a late answer is still reported)', async () => {
    const { hub, wire, events } = online();
    wire.deaf = true;
    expect(await hub.lend(IMEI, 1, { now: 0, powerBankId: 'A1', signal: AbortSignal.abort() })).toMatchObject({ outcome: 'aborted' });
    expect(await hub.queryStatus(IMEI, { now: 0, signal: AbortSignal.abort() })).toMatchObject({ outcome: 'aborted' });
    expect(wire.sent).toEqual([]);
    const controller = new AbortController();
    const lend = hub.lend(IMEI, 1, { now: 5, powerBankId: 'A1', signal: controller.signal });
    const status = hub.queryStatus(IMEI, { now: 5, signal: controller.signal, timeoutMs: 1_000 });
    expect(hub.nextDeadline()).toBe(1_005);
    controller.abort();
    expect(await lend).toMatchObject({ outcome: 'aborted', slot: 1, powerBankId: 'A1' });
    expect(await status).toMatchObject({ outcome: 'aborted' });
    wire.say([lendSuccess(1, 'A1'), { type: 'StatusAnswer', imei: IMEI, slots: [] }], 10);
    expect(events.filter((event) => event.type === 'lateAnswer').map((event) => event.type === 'lateAnswer' && event.outcome)).toEqual(['aborted', 'aborted']);
    wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [] }], 20); // unasked: just a status
    expect(events.at(-1)).toMatchObject({ type: 'status', requestIds: [] });
  });
});

describe('returns with an asynchronous ownership check', () => {
  it('sends RQ when the promise resolves; a repeated MQ meanwhile is a duplicate and asks once; drain() waits for it', async () => {
    let answer!: (belongs: boolean) => void;
    const calls: unknown[][] = [];
    const { hub, wire, station, events } = online({
      ownership: (...args) => {
        calls.push(args);
        return new Promise<boolean>((resolve) => (answer = resolve));
      },
    });
    const query = station.insert(3, 'C3', 10);
    wire.say(query, 10);
    wire.say(query, 11);
    expect(calls).toEqual([['C3', 3, IMEI]]);
    expect(events.at(-1)).toMatchObject({ type: 'duplicate' });
    let drained = false;
    const draining = hub.drain().then(() => (drained = true));
    await flush();
    expect(drained).toBe(false);
    hub.tick(12);
    answer(true);
    await draining;
    expect(wire.sentMoves()).toEqual(['RQ.T']);
    wire.pump(20);
    expect(events.at(-1)).toMatchObject({ type: 'returned', slot: 3 });
  });

  it('a repeated MQ after RQ.T (the station did not get it) gets RQ.T again', () => {
    const { wire, station, events } = online();
    const query = station.insert(3, 'C3', 10);
    wire.say(query, 10);
    wire.say(query, 11);
    expect(wire.sentMoves()).toEqual(['RQ.T', 'RQ.T']);
    expect(events.at(-1)).toMatchObject({ type: 'duplicate' });
  });

  it('a check that throws, rejects or gives no boolean sends nothing and is reported', async () => {
    const answers: Array<() => boolean | Promise<boolean>> = [
      () => { throw new Error('db down'); },
      () => Promise.reject(new Error('db down')),
      () => Promise.resolve('yes' as unknown as boolean),
    ];
    const { wire, station, events } = online({ ownership: () => answers.shift()!() });
    wire.say(station.insert(3, 'C3', 10), 10);
    wire.say([{ type: 'OwnershipQuery', imei: IMEI, slot: 2, powerBankId: 'C4' }], 11);
    wire.say([{ type: 'OwnershipQuery', imei: IMEI, slot: 1, powerBankId: 'C5' }], 12);
    await flush();
    expect(wire.sent).toEqual([]);
    expect(events.filter((event) => event.type === 'ownershipFailed')).toEqual([
      expect.objectContaining({ reason: 'error', powerBankId: 'C3', error: new Error('db down') }),
      expect.objectContaining({ reason: 'error', powerBankId: 'C4' }),
      expect.objectContaining({ reason: 'error', powerBankId: 'C5', error: expect.any(TypeError), at: 12 }),
    ]);
  });

  it('an answer that comes after the station went offline is reported; one for a bank replaced meanwhile is dropped', async () => {
    const pending: Array<(belongs: boolean) => void> = [];
    const { wire, events } = online({ ownership: () => new Promise<boolean>((resolve) => pending.push(resolve)) });
    wire.say([{ type: 'OwnershipQuery', imei: IMEI, slot: 3, powerBankId: 'C3' }], 10);
    wire.say([{ type: 'OwnershipQuery', imei: IMEI, slot: 3, powerBankId: 'C4' }], 11);
    pending[0]!(true);
    await flush();
    expect(wire.sent).toEqual([]);
    wire.link.closed(12);
    pending[1]!(true);
    await flush();
    expect(events.at(-1)).toEqual({ type: 'ownershipFailed', at: 12, imei: IMEI, slot: 3, powerBankId: 'C4', reason: 'offline' });
  });

  it('a failed check for a bank replaced meanwhile is dropped too', async () => {
    const pending: Array<(error: Error) => void> = [];
    const { wire, events } = online({ ownership: () => new Promise<boolean>((_, reject) => pending.push(reject)) });
    wire.say([{ type: 'OwnershipQuery', imei: IMEI, slot: 3, powerBankId: 'C3' }], 10);
    wire.say([{ type: 'OwnershipQuery', imei: IMEI, slot: 3, powerBankId: 'C4' }], 11);
    pending[0]!(new Error('late'));
    await flush();
    expect(events.filter((event) => event.type === 'ownershipFailed')).toEqual([]);
  });
});

describe('liveness, garbage and floods', () => {
  it('closes a station that stops sending (or a half-open socket) and a connection that never says a valid frame', () => {
    const { hub, wire, events } = online({ heartbeatTimeoutMs: 1_000, helloTimeoutMs: 500 });
    const mute = hub.connect({ send: () => {}, close: () => {} }, 100);
    expect(hub.nextDeadline()).toBe(600);
    hub.tick(600);
    expect(mute.isClosed).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'silent', at: 600 });
    hub.tick(1_000);
    expect(wire.closes).toBe(1);
    expect(events.at(-1)).toEqual({ type: 'offline', at: 1_000, imei: IMEI, reason: 'silent' });
    expect(hub.nextDeadline()).toBeUndefined();
  });

  it('reports what the decoder could not decode, and closes a connection that overspends its garbage budget, in the middle of a flood', () => {
    const { wire, events } = online({ garbageBudgetBytes: 200 });
    wire.link.receive(wire.station.malformedFrame('badCrc'), 10);
    wire.link.receive(new TextEncoder().encode('AT\r\n'), 11);
    wire.say(wire.station.tick(12), 12); // a valid frame earns its bytes back
    expect(events.filter((event) => event.type === 'frameError')).toEqual([
      expect.objectContaining({ imei: IMEI, error: expect.objectContaining({ code: 'CRC' }) }),
    ]);
    const flood = new Uint8Array(1_000_000).fill(0x41);
    wire.link.receive(flood, 20);
    expect(events.slice(-4).map((event) => event.type)).toEqual(['frameError', 'frameError', 'abusive', 'offline']);
    expect(events.at(-1)).toMatchObject({ reason: 'abusive' });
    expect(wire.closes).toBe(1);
    wire.link.receive(flood, 21); // closed: ignored
    expect(wire.closes).toBe(1);
  });

  it('a report that arrives with the flood that closes the connection is still billed (the station will send it again)', async () => {
    const { hub, wire, events } = online({ garbageBudgetBytes: 100 });
    wire.deaf = true;
    const lend = hub.lend(IMEI, 2, { now: 0, powerBankId: '1234567890' });
    const garbage = new Uint8Array(150).fill(0x41);
    const report = encode(lendSuccess(2, '1234567890'));
    const chunk = new Uint8Array(garbage.length + report.length);
    chunk.set(garbage);
    chunk.set(report, garbage.length);
    wire.link.receive(chunk, 10);
    expect(await lend).toMatchObject({ outcome: 'offline' });
    expect(events.map((event) => event.type).slice(-5)).toEqual(['frameError', 'abusive', 'offline', 'settled', 'lateAnswer']);
    expect(wire.sentMoves()).toEqual(['CC']); // no acknowledgement on a closed connection
    wire.reconnect(20);
    wire.say([lendSuccess(2, '1234567890')], 20);
    expect(events.at(-1)).toMatchObject({ type: 'duplicate' });
    expect(wire.sentMoves()).toEqual(['CC', 'AM.BO']);
  });

  it('closes a connection that floods valid frames faster than maxFramesPerSecond, and lets a steady one be', () => {
    const { wire, events } = online({ maxFramesPerSecond: 10 });
    const heartbeat = encode({ type: 'Heartbeat', imei: IMEI });
    for (let t = 0; t < 5_000; t += 100) wire.link.receive(heartbeat, t); // 10 a second: fine
    wire.link.receive(encode({ type: 'Heartbeat', imei: OTHER_IMEI }), 5_000); // another IMEI counts too
    expect(wire.link.isClosed).toBe(false);
    const flood = new Uint8Array(heartbeat.length * 50);
    for (let i = 0; i < 50; i++) flood.set(heartbeat, i * heartbeat.length);
    wire.link.receive(flood, 5_000);
    expect(wire.link.isClosed).toBe(true);
    expect(events.filter((event) => event.type === 'abusive')).toEqual([{ type: 'abusive', at: 5_000, imei: IMEI, reason: 'rate' }]);
    const count = events.length;
    wire.link.receive(flood, 5_001); // closed: not even decoded
    expect(events.length).toBe(count);
  });

  it('an unbound connection that floods is closed too; a frame after it in the same chunk binds nothing', () => {
    const { hub, events } = recordingHub({ garbageBudgetBytes: 100 });
    let closed = 0;
    const link = hub.connect({ send: () => {}, close: () => void closed++ }, 0);
    const flood = new Uint8Array(10_000).fill(0x7b);
    flood.set(encode({ type: 'Heartbeat', imei: IMEI }), 200);
    link.receive(flood, 1);
    expect(closed).toBe(1);
    expect(hub.station(IMEI)).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['frameError', 'abusive']);
    expect(events.at(-1)).toEqual({ type: 'abusive', at: 1, reason: 'garbage' });
  });

  it('survives send, close and onEvent callbacks that throw', async () => {
    const events: HubEvent[] = [];
    const hub = createStationHub({
      ownership: () => true,
      onEvent: (event) => {
        events.push(event);
        throw new Error('listener bug');
      },
    });
    const link = hub.connect({ send: () => { throw new Error('EPIPE'); }, close: () => { throw new Error('EBADF'); } }, 0);
    link.receive(encode({ type: 'Heartbeat', imei: IMEI }), 0);
    expect(await hub.lend(IMEI, 1, { now: 1, powerBankId: 'A1' })).toMatchObject({ outcome: 'offline' });
    expect(events.map((event) => event.type)).toEqual(['online', 'heartbeat', 'linkError', 'linkError', 'offline', 'settled']);
    expect(events[2]).toMatchObject({ during: 'send', imei: IMEI });
    expect(events[3]).toMatchObject({ during: 'close' });
    expect(events[4]).toMatchObject({ reason: 'sendFailed' });
  });
});

describe('transports that call the hub back', () => {
  const heartbeat = encode({ type: 'Heartbeat', imei: IMEI });

  it('a status query whose CQ cannot be sent settles offline, not sent', async () => {
    const { hub, events } = recordingHub();
    const link = hub.connect({ send: () => { throw new Error('EPIPE'); }, close: () => {} }, 0);
    link.receive(heartbeat, 0);
    expect(await hub.queryStatus(IMEI, { now: 1 })).toEqual({ outcome: 'offline', requestId: 'h-1', imei: IMEI, sent: false });
    expect(events.map((event) => event.type)).toEqual(['online', 'heartbeat', 'linkError', 'offline', 'settled']);
    expect(events[3]).toMatchObject({ reason: 'sendFailed' });
  });

  it('a send that reports the connection closed, then throws: closed once, for the reason it gave first', () => {
    const { hub, events } = recordingHub();
    let closes = 0;
    const link = hub.connect(
      {
        send: () => {
          link.closed(1); // the socket's close handler, run at once
          throw new Error('EPIPE');
        },
        close: () => void closes++,
      },
      0,
    );
    link.receive(heartbeat, 0);
    void hub.lend(IMEI, 1, { now: 1, powerBankId: 'A1' });
    expect(closes).toBe(0);
    expect(events.map((event) => event.type)).toEqual(['online', 'heartbeat', 'offline', 'settled', 'linkError']);
    expect(events[2]).toMatchObject({ reason: 'closed' });
    expect(events[3]).toMatchObject({ result: { outcome: 'offline', sent: false } });
  });

  it('a request made while the connection closes (from its close callback) sends nothing there and settles offline with it', async () => {
    const { hub, events } = recordingHub();
    const made: Array<Promise<StatusOutcome>> = [];
    const sent: Uint8Array[] = [];
    const link = hub.connect({ send: (bytes) => void sent.push(bytes), close: () => void made.push(hub.queryStatus(IMEI, { now: 5 })) }, 0);
    link.receive(heartbeat, 0);
    expect(hub.disconnect(IMEI, 5)).toBe(true);
    expect(sent).toEqual([]);
    expect(await made[0]).toEqual({ outcome: 'offline', requestId: 'h-1', imei: IMEI, sent: false });
    expect(events.map((event) => event.type)).toEqual(['online', 'heartbeat', 'offline', 'settled']);
    expect(events[2]).toMatchObject({ reason: 'disconnected' });
  });
});

describe('what a fleet written outside the project does (pinned from a trial against a server built from the guide)', () => {
  it('modem noise before the first frame: reported, then the first valid frame binds the connection', () => {
    const { hub, events } = recordingHub();
    const link = hub.connect({ send: () => {}, close: () => {} }, 0);
    link.receive(new TextEncoder().encode('+++ATZ\r\nRING\r\n'), 1);
    link.receive(encode({ type: 'Heartbeat', imei: IMEI }), 2);
    expect(events.map((event) => event.type)).toEqual(['frameError', 'online', 'heartbeat']);
    expect(events[0]).not.toHaveProperty('imei');
    expect(link.imei).toBe(IMEI);
  });

  it('a report written one byte at a time is acknowledged once', async () => {
    const { hub, wire } = online();
    const lend = hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    wire.deaf = true;
    for (const byte of encode({ type: 'LendFailure', imei: IMEI, slot: 2, powerBankId: '1234567890' })) wire.link.receive(Uint8Array.of(byte), 20);
    expect(wire.sentMoves()).toEqual(['CC', 'AR.BF']);
    expect(await lend).toMatchObject({ outcome: 'failed', sent: true });
  });

  it('two lends side by side, answered in the other order, one failing: each gets its own answer', async () => {
    const { hub, wire } = online();
    wire.deaf = true;
    const one = hub.lend(IMEI, 1, { now: 10, powerBankId: 'A1' });
    const two = hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    wire.say([{ type: 'LendFailure', imei: IMEI, slot: 2, powerBankId: '1234567890' }, lendSuccess(1, 'A1')], 20);
    expect(wire.sentMoves()).toEqual(['CC', 'CC', 'AR.BF', 'AM.BO']);
    expect([(await one).outcome, (await two).outcome]).toEqual(['lent', 'failed']);
  });

  it('a lend cut off by a reconnect, then by the station going away: offline (sent), and its answer on the next connection is a late answer', async () => {
    const { hub, wire, events } = online();
    wire.deaf = true;
    const lend = hub.lend(IMEI, 1, { now: 10, powerBankId: 'A1' });
    wire.reconnect(20);
    wire.say([{ type: 'Heartbeat', imei: IMEI }], 20); // replaced: the lend stays pending
    expect(hub.station(IMEI)!.pending).toHaveLength(1);
    wire.link.closed(30);
    expect(await lend).toMatchObject({ outcome: 'offline', sent: true });
    wire.reconnect(40);
    wire.say([{ type: 'Heartbeat', imei: IMEI }, lendSuccess(1, 'A1'), lendSuccess(1, 'A1')], 40);
    expect(events.slice(-3).map((event) => event.type)).toEqual(['heartbeat', 'lateAnswer', 'duplicate']);
    expect(wire.sentMoves()).toEqual(['CC', 'AM.BO', 'AM.BO']);
  });
});

describe('a listener may call the hub: events come once the call that caused them is done', () => {
  type Harness = ReturnType<typeof online>;
  type Step = (h: Harness) => void;
  const say = (message: Message, now: number): Step => (h) => h.wire.say([message], now);
  const ask = (slot: number, slotOf: number, powerBankId: string, now: number): Step => (h) => void h.hub.lend(IMEI, slot, { now, powerBankId: slotOf === slot ? powerBankId : powerBankId });
  const query = (slot: number, powerBankId: string): Message => ({ type: 'OwnershipQuery', imei: IMEI, slot, powerBankId });
  const heartbeat: Message = { type: 'Heartbeat', imei: IMEI };
  const reconnect = (now: number): Step => (h) => {
    h.wire.reconnect(now);
    h.wire.say([heartbeat], now);
  };
  const throwing: Step = (h) => {
    const link = h.hub.connect({ send: () => { throw new Error('EPIPE'); }, close: () => {} }, 5);
    link.receive(encode({ type: 'Heartbeat', imei: OTHER_IMEI }), 5);
  };
  /** For each event kind, the steps (each one call into the hub) that provoke it. */
  const scenarios: Record<HubEvent['type'], Step[]> = {
    online: [(h) => h.wire.link.closed(5), reconnect(10)],
    replaced: [reconnect(10)],
    offline: [ask(2, 2, '1234567890', 5), (h) => h.wire.link.closed(10)],
    silent: [(h) => void h.hub.connect({ send: () => {}, close: () => {} }, 10), (h) => h.hub.tick(90_010)],
    heartbeat: [say(heartbeat, 10)],
    status: [(h) => void h.hub.queryStatus(IMEI, { now: 10 }), (h) => h.wire.pump(20)],
    lent: [ask(2, 2, '1234567890', 10), say(lendSuccess(2, '1234567890'), 20)],
    lendFailed: [ask(3, 3, 'B3', 10), say({ type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: 'B3' }, 20)],
    lateAnswer: [ask(2, 2, '1234567890', 10), (h) => h.hub.tick(30_010), say(lendSuccess(2, '1234567890'), 30_020)],
    settled: [ask(2, 2, '1234567890', 10), (h) => h.hub.tick(30_010)],
    duplicate: [say(lendSuccess(3, 'Z9'), 10), say(lendSuccess(3, 'Z9'), 20)],
    violation: [say(lendSuccess(3, 'Z9'), 10)],
    returned: [say(query(3, 'C3'), 10), say(returnSuccess(3, 'C3'), 20)],
    returnRejected: [say(query(3, 'NO3'), 10)],
    returnFailed: [say(query(3, 'C3'), 10), say({ type: 'ReturnFailure', imei: IMEI, slot: 3, powerBankId: 'C3' }, 20)],
    ownershipFailed: [say(query(3, 'ERR'), 10)],
    frameError: [(h) => h.wire.link.receive(h.station.malformedFrame('badCrc'), 10)],
    abusive: [(h) => h.wire.link.receive(new Uint8Array(5_000).fill(0x41), 10)],
    linkError: [throwing, (h) => void h.hub.lend(OTHER_IMEI, 1, { now: 10, powerBankId: 'A1' })],
  };
  const options = {
    garbageBudgetBytes: 300,
    ownership: (powerBankId: string) => {
      if (powerBankId === 'ERR') throw new Error('db down');
      return !powerBankId.startsWith('NO');
    },
  };
  /** What a caller of the hub can see of it. */
  const state = (h: Harness) => JSON.stringify({ all: h.hub.export(), station: h.hub.station(IMEI) ?? null, next: h.hub.nextDeadline() ?? null });
  const slotOf = (event: HubEvent): number | undefined =>
    'slot' in event ? event.slot : event.type === 'lateAnswer' && 'slot' in event.message ? event.message.slot : event.type === 'settled' && 'slot' in event.result ? event.result.slot : undefined;

  for (const [kind, steps] of Object.entries(scenarios) as Array<[HubEvent['type'], Step[]]>) {
    it(`${kind}: the listener sees the hub as the call left it, its calls work, and their events follow`, async () => {
      const twin = online(options);
      let twinState: string | undefined;
      const twinSteps = steps.map((step) => {
        const before = twin.events.length;
        step(twin);
        if (twinState === undefined && twin.events.slice(before).some((event) => event.type === kind)) twinState = state(twin);
        return twin.events.slice(before);
      });
      expect(twinState, `the scenario provokes ${kind}`).toBeDefined();

      const h = online(options);
      let seen: string | undefined;
      const nested: Array<Promise<LendOutcome | StatusOutcome>> = [];
      h.reactWith((event) => {
        if (event.type !== kind || seen !== undefined) return;
        seen = state(h);
        const slot = slotOf(event) ?? 1;
        nested.push(h.hub.lend(IMEI, slot, { now: event.at, powerBankId: slot === 2 ? '1234567890' : 'A1' }), h.hub.queryStatus(IMEI, { now: event.at }));
      });
      steps.forEach((step, index) => {
        const before = h.events.length;
        step(h);
        const caused = h.events.slice(before);
        // The events of the call come first, as without the listener's calls; theirs follow.
        expect(caused.slice(0, twinSteps[index]!.length)).toEqual(twinSteps[index]);
      });
      expect(seen).toBe(twinState);
      h.hub.tick(1e9); // whatever the listener's calls still wait for times out
      const [lend] = await Promise.all(nested);
      if (['lent', 'lendFailed', 'lateAnswer', 'settled'].includes(kind)) expect(lend).not.toMatchObject({ reason: 'slotBusy' }); // the slot is free again
      expect(h.events.filter((event) => event.type === 'settled').length).toBe(new Set(h.events.flatMap((event) => (event.type === 'settled' ? [event.requestId] : []))).size);
    });
  }

  it('a listener may feed a connection bytes or close it: their events follow those of the call it reacts to', () => {
    const { hub, wire, events, reactWith } = online();
    const other = hub.connect({ send: () => {}, close: () => {} }, 0);
    reactWith((event) => {
      if (event.type === 'heartbeat' && event.imei === IMEI) other.receive(encode({ type: 'Heartbeat', imei: OTHER_IMEI }), event.at);
      if (event.type === 'heartbeat' && event.imei === OTHER_IMEI) other.closed(event.at);
    });
    const before = events.length;
    wire.say([{ type: 'Heartbeat', imei: IMEI }], 10);
    expect(events.slice(before)).toEqual([
      { type: 'heartbeat', at: 10, imei: IMEI },
      { type: 'online', at: 10, imei: OTHER_IMEI },
      { type: 'heartbeat', at: 10, imei: OTHER_IMEI },
      { type: 'offline', at: 10, imei: OTHER_IMEI, reason: 'closed' },
    ]);
  });

  it('delivers every event of a burst (a tick that closes 1,500 connections), and those of the calls after it', () => {
    const { hub, events } = recordingHub({ helloTimeoutMs: 100 });
    for (let i = 0; i < 1_500; i++) hub.connect({ send: () => {}, close: () => {} }, 0);
    hub.tick(100);
    expect(events.length).toBe(1_500);
    expect(events.every((event) => event.type === 'silent')).toBe(true);
    hub.connect({ send: () => {}, close: () => {} }, 200).receive(encode({ type: 'Heartbeat', imei: IMEI }), 200);
    expect(events.slice(1_500).map((event) => event.type)).toEqual(['online', 'heartbeat']);
  });

  it('the events of a listener\'s call come after those of the call it reacts to; a promise resolves after both', async () => {
    const { hub, wire, events, reactWith } = online();
    const order: string[] = [];
    reactWith((event) => {
      order.push(event.type);
      if (event.type === 'lent') void hub.lend(IMEI, 9, { now: event.at, powerBankId: 'A1' }).then(() => order.push('nested resolved')); // refused at once: a settled event
    });
    const lend = hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' }).then((result) => {
      order.push('resolved');
      expect(hub.station(IMEI)!.pending).toEqual([]);
      return result;
    });
    wire.pump(20);
    expect(order).toEqual(['lent', 'settled', 'settled']);
    expect(events.at(-1)).toMatchObject({ type: 'settled', result: { outcome: 'refused', reason: 'unknownSlot', sent: false } });
    await lend;
    expect(order).toEqual(['lent', 'settled', 'settled', 'resolved', 'nested resolved']);
  });
});

describe('export and restore', () => {
  it('a station that reconnects to another process finds its pending lend; late answers and duplicates are still recognised', async () => {
    const first = online({ hubId: 'a' });
    first.wire.deaf = true;
    void first.hub.lend(IMEI, 1, { now: 0, powerBankId: 'A1', timeoutMs: 100 });
    first.hub.tick(100); // lend a-1 timed out
    void first.hub.lend(IMEI, 2, { now: 200, powerBankId: '1234567890' });
    void first.hub.queryStatus(IMEI, { now: 200 });
    first.wire.deaf = false;
    first.wire.say(first.station.insert(3, 'C3', 210), 210); // RQ.T sent, MC.RO pending
    first.wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [{ slot: 1, status: 'full', code: 'FU', powerBankId: 'A1' }] }], 220);
    first.wire.say([{ type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: 'X3' }], 220); // unexpected, counted
    const snapshot = JSON.parse(JSON.stringify(first.hub.export()));
    expect(snapshot).toEqual(first.hub.export());
    expect(snapshot).toMatchObject({ version: 2, hubId: 'a', nextRequestId: 4 });

    const second = recordingHub({ hubId: 'b' });
    second.hub.restore(snapshot);
    expect(second.hub.station(IMEI)).toMatchObject({ online: false, lastSeen: 220, pending: [{ requestId: 'a-2', kind: 'lend', slot: 2, deadline: 30_200 }] });
    expect(second.hub.nextDeadline()).toBe(30_200);
    const wire = new Wire(second.hub, new StationSimulator({ imei: IMEI }), 300);
    wire.say([lendSuccess(2, '1234567890'), lendSuccess(1, 'A1'), returnSuccess(3, 'C3'), returnSuccess(3, 'C3'), { type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: 'X3' }], 300);
    expect(wire.sentMoves()).toEqual(['AM.BO', 'AM.BO', 'AM.RO', 'AM.RO', 'AR.BF']);
    expect(second.types()).toEqual(['online', 'lent', 'settled', 'lateAnswer', 'returned', 'duplicate', 'duplicate']);
    expect(second.events[2]).toMatchObject({ type: 'settled', requestId: 'a-2', result: { outcome: 'lent', sent: true } });
    expect(second.events[3]).toMatchObject({ type: 'lateAnswer', requestId: 'a-1', outcome: 'timeout' });
    expect(await second.hub.queryStatus(IMEI, { now: 310, signal: AbortSignal.abort() })).toMatchObject({ requestId: 'b-1' }); // its own ids, unique across hubs
    second.hub.tick(40_000);
    expect(second.events.filter((event) => event.type === 'settled').map((event) => event.type === 'settled' && [event.requestId, event.result.outcome])).toEqual([
      ['a-2', 'lent'],
      ['b-1', 'aborted'],
    ]);
    expect(await second.hub.drain()).toBeUndefined();
  });

  it('a process restarted under the same hubId makes no request id twice', async () => {
    const before = online();
    for (let now = 0; now < 5; now++) void before.hub.queryStatus(IMEI, { now });
    const after = recordingHub();
    after.hub.restore(JSON.parse(JSON.stringify(before.hub.export())));
    expect(await after.hub.lend(IMEI, 1, { now: 10, powerBankId: 'A1' })).toMatchObject({ requestId: 'h-6' });
    const restarted = recordingHub();
    restarted.hub.restore({ version: 2, hubId: 'other', nextRequestId: 50, stations: [{ imei: IMEI, pending: [], expiredLends: [{ slot: 1, requestId: 'h-40', outcome: 'timeout', at: 0, powerBankId: 'A1' }], returns: [], reports: [] }] });
    expect(await restarted.hub.lend(IMEI, 1, { now: 10, powerBankId: 'A1' })).toMatchObject({ requestId: 'h-41' }); // after its own ids the snapshot names
  });

  it('restores into a hub that has requests of its own, and twice without harm; an expired status query survives', async () => {
    const first = online({ hubId: 'a' });
    first.wire.deaf = true;
    void first.hub.queryStatus(IMEI, { now: 0 });
    first.hub.tick(30_000);
    void first.hub.queryStatus(IMEI, { now: 30_000 });
    const snapshot = first.hub.export();
    first.hub.restore(snapshot); // its own state: nothing changes
    expect(first.hub.export()).toEqual(snapshot);
    const second = online({ hubId: 'b' }, {}, 30_000);
    second.wire.deaf = true;
    const own = second.hub.lend(IMEI, 1, { now: 30_000, powerBankId: 'A1' });
    second.hub.restore(snapshot);
    second.hub.restore(snapshot);
    expect(second.hub.station(IMEI)!.pending.map((request) => request.requestId)).toEqual(['b-1', 'a-2']);
    second.wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [] }], 30_001);
    expect(second.types().slice(-2)).toEqual(['status', 'settled']);
    expect(second.events.at(-1)).toMatchObject({ requestId: 'a-2', result: { outcome: 'answered', sent: true } });
    second.wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [] }], 30_002);
    expect(second.events.at(-1)).toMatchObject({ type: 'lateAnswer', requestId: 'a-1', outcome: 'timeout' });
    second.hub.tick(60_000);
    expect(await own).toMatchObject({ outcome: 'timeout', requestId: 'b-1', sent: true });
  });

  it('of two expired status queries, the newer is kept', () => {
    const { hub, wire, events } = online({ hubId: 'b' });
    wire.deaf = true;
    void hub.queryStatus(IMEI, { now: 0 });
    hub.tick(30_000); // b-1 expired at 30,000
    const station = { imei: IMEI, pending: [], expiredLends: [], returns: [], reports: [] };
    hub.restore({ version: 2, hubId: 'a', nextRequestId: 9, stations: [{ ...station, expiredQuery: { requestId: 'a-8', outcome: 'timeout', at: 20_000 } }] });
    expect(hub.export().stations[0]!.expiredQuery).toEqual({ requestId: 'b-1', outcome: 'timeout', at: 30_000 });
    hub.restore({ version: 2, hubId: 'a', nextRequestId: 9, stations: [{ ...station, expiredQuery: { requestId: 'a-8', outcome: 'offline', at: 40_000 } }] });
    wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [] }], 50_000);
    expect(events.at(-1)).toMatchObject({ type: 'lateAnswer', requestId: 'a-8', outcome: 'offline' });
  });

  it('refuses what is not a snapshot, naming the field, before changing anything', () => {
    const { hub } = recordingHub();
    const station = { imei: IMEI, pending: [], expiredLends: [], returns: [], reports: [] };
    const snapshot = (stations: unknown[]) => ({ version: 2, hubId: 'a', nextRequestId: 1, stations: [station, ...stations] });
    const bad: Array<[unknown, string]> = [
      [null, 'the snapshot must be an object'],
      [{ version: 1, nextRequestId: 1, stations: [] }, 'snapshot.version must be 2'],
      [{ version: 2, nextRequestId: 1, stations: [] }, 'snapshot.hubId must be a hub id'],
      [{ version: 2, hubId: 'a', nextRequestId: 0, stations: [] }, 'snapshot.nextRequestId must be a positive integer'],
      [{ version: 2, hubId: 'a', nextRequestId: 1 }, 'snapshot.stations must be an array'],
      [snapshot([3]), 'snapshot.stations[1] must be an object'],
      [snapshot([{ ...station, lastSeen: 'now' }]), 'snapshot.stations[1].lastSeen must be a time'],
      [snapshot([{ ...station, lastStatus: { at: 1 } }]), 'snapshot.stations[1].lastStatus must be { slots: [...], at }'],
      [snapshot([{ ...station, pending: [{ requestId: 'a-1', kind: 'lend', imei: IMEI, deadline: 5, slot: 0, powerBankId: 'A1' }] }]), 'snapshot.stations[1].pending[0].slot must be a slot number'],
      [snapshot([{ ...station, returns: [{ slot: 1_000, powerBankId: 'A1' }] }]), 'snapshot.stations[1].returns[0].slot must be a slot number'],
      [snapshot([{ ...station, pending: [{ requestId: 'a-1', kind: 'status', imei: OTHER_IMEI, deadline: 5 }] }]), "pending[0].imei must be its station's IMEI"],
      [snapshot([{ ...station, expiredLends: [{ slot: 1, requestId: 'a-1', outcome: 'lent', at: 1, powerBankId: 'A1' }] }]), 'expiredLends[0].outcome must be'],
      [snapshot([{ ...station, expiredQuery: 'a-1' }]), 'snapshot.stations[1].expiredQuery must be an object'],
      [snapshot([{ ...station, expiredQuery: { requestId: 'a-1', outcome: 'timeout' } }]), 'snapshot.stations[1].expiredQuery.at must be a time'],
      [snapshot([{ ...station, returns: [{ slot: 1 }] }]), 'returns[0].powerBankId must be a power-bank id'],
      [snapshot([{ ...station, reports: [{ slot: 1, counted: ['CC 12'] }] }]), 'reports[0].counted must be a list of reports'],
      [snapshot([{ ...station, reports: [{ slot: 1, counted: [12] }] }]), 'reports[0].counted must be a list of reports'],
      [snapshot([{ ...station, reports: [{ slot: 1, counted: ['MC.BO 1 2'] }] }]), 'reports[0].counted must be a list of reports'],
    ];
    for (const [snapshot, message] of bad) {
      expect(() => hub.restore(snapshot as never)).toThrow(expect.objectContaining({ name: 'ProtocolError', code: 'OPTIONS', message: expect.stringContaining(message) }));
    }
    expect(hub.station(IMEI)).toBeUndefined(); // the valid first station of each was not restored either
  });

  it('exports a restored station never heard from without a lastSeen', () => {
    const { hub } = recordingHub();
    const quiet = { imei: IMEI, pending: [], expiredLends: [], returns: [], reports: [] };
    hub.restore({ version: 2, hubId: 'a', nextRequestId: 1, stations: [quiet] });
    expect(hub.export().stations).toEqual([quiet]);
  });

  it('reserves the numbered ids of its own hubId it restores, and skips those that are no number', async () => {
    const { hub } = recordingHub();
    const pending = (requestId: string) => ({ requestId, kind: 'status', imei: IMEI, deadline: 100 }) as const;
    hub.restore({ version: 2, hubId: 'other', nextRequestId: 1, stations: [{ imei: IMEI, pending: [pending('h-7'), pending('h-x')], expiredLends: [], returns: [], reports: [] }] });
    expect(await hub.queryStatus(OTHER_IMEI, { now: 0 })).toMatchObject({ requestId: 'h-8' });
  });

  it('keeps in flight a lend in flight here that the snapshot has as expired', async () => {
    const { hub, wire } = online({ hubId: 'a' });
    wire.deaf = true;
    const lend = hub.lend(IMEI, 2, { now: 0, powerBankId: '1234567890', timeoutMs: 100 });
    const inFlight = hub.export();
    hub.tick(100);
    const expired = hub.export();
    expect(expired.stations[0]!.expiredLends).toMatchObject([{ requestId: 'a-1', outcome: 'timeout' }]);
    expect(await lend).toMatchObject({ outcome: 'timeout' });

    const other = recordingHub({ hubId: 'b' });
    other.hub.restore(inFlight);
    other.hub.restore(expired);
    expect(other.hub.export().stations[0]).toMatchObject({ pending: [{ requestId: 'a-1', slot: 2 }], expiredLends: [] });
  });

  it('ends offline a restored lend of a slot taken, at the snapshot\'s lastSeen or its deadline when the hub was given no time yet', () => {
    const { hub, events } = recordingHub();
    const lend = (requestId: string) => ({ requestId, kind: 'lend', imei: IMEI, slot: 2, powerBankId: 'B2', deadline: 500 }) as const;
    const station = (requestId: string, lastSeen?: number) => ({ imei: IMEI, ...(lastSeen === undefined ? {} : { lastSeen }), pending: [lend(requestId)], expiredLends: [], returns: [], reports: [] });
    hub.restore({ version: 2, hubId: 'a', nextRequestId: 9, stations: [station('a-1')] });
    hub.restore({ version: 2, hubId: 'a', nextRequestId: 9, stations: [station('a-2', 300)] });
    hub.restore({ version: 2, hubId: 'a', nextRequestId: 9, stations: [station('a-3')] });
    expect(events.map((event) => event.type === 'settled' && [event.requestId, event.at, event.result.outcome])).toEqual([
      ['a-2', 300, 'offline'],
      ['a-3', 500, 'offline'],
    ]);
    expect(hub.export().stations[0]!.pending.map((request) => request.requestId)).toEqual(['a-1']);
  });

  it('export(imei) gives one station; an unknown one gives none', () => {
    const { hub, wire } = online();
    new Wire(hub, new StationSimulator({ imei: OTHER_IMEI }), 0).say([{ type: 'Heartbeat', imei: OTHER_IMEI }], 0);
    wire.say([lendSuccess(3, 'Z9')], 1);
    expect(hub.export().stations.map((station) => station.imei)).toEqual([IMEI, OTHER_IMEI]);
    expect(hub.export(IMEI).stations).toEqual([{ imei: IMEI, lastSeen: 1, pending: [], expiredLends: [], returns: [], reports: [{ slot: 3, counted: ['MC.BO Z9'] }] }]);
    expect(hub.export('860000000000000').stations).toEqual([]);
  });
});

describe('disconnecting and handing off one station', () => {
  it('disconnect closes the station\'s connection: offline, its requests settle offline; the hub still knows it', async () => {
    const { hub, wire, events } = online();
    wire.deaf = true;
    const lend = hub.lend(IMEI, 1, { now: 5, powerBankId: 'A1' });
    expect(hub.disconnect(IMEI, 10)).toBe(true);
    expect(wire.closes).toBe(1);
    expect(wire.link.isClosed).toBe(true);
    expect(await lend).toEqual({ outcome: 'offline', requestId: 'h-1', imei: IMEI, slot: 1, powerBankId: 'A1', sent: true });
    expect(events.slice(-2).map((event) => event.type)).toEqual(['offline', 'settled']);
    expect(events.at(-2)).toEqual({ type: 'offline', at: 10, imei: IMEI, reason: 'disconnected' });
    expect(hub.disconnect(IMEI, 11)).toBe(false);
    expect(hub.disconnect(OTHER_IMEI, 11)).toBe(false);
    expect(hub.station(IMEI)).toMatchObject({ online: false, lastSeen: 0 });
  });

  it('handOff: the lend in flight settles offline (sent) here; in the hub that takes over, its late MC.BO is a lateAnswer and a counted report a duplicate', async () => {
    const a = online({ hubId: 'a' });
    a.wire.deaf = true;
    const lend = a.hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    a.wire.say([lendSuccess(3, 'Z9')], 15); // counted in a
    // The station reconnects to process b (a's connection is half-open); b is told, a hands the station off.
    const b = online({ hubId: 'b' }, {}, 20);
    const snapshot = a.hub.handOff(IMEI, 30);
    expect(await lend).toEqual({ outcome: 'offline', requestId: 'a-1', imei: IMEI, slot: 2, powerBankId: '1234567890', sent: true });
    expect(a.events.slice(-2)).toEqual([
      { type: 'offline', at: 30, imei: IMEI, reason: 'handedOff' },
      { type: 'settled', at: 30, imei: IMEI, requestId: 'a-1', kind: 'lend', result: await lend },
    ]);
    expect(a.wire.closes).toBe(1);
    expect(a.hub.station(IMEI)).toBeUndefined();
    expect(a.hub.handOff(IMEI, 31)).toEqual({ version: 2, hubId: 'a', nextRequestId: 2, stations: [] });
    expect(snapshot.stations).toEqual([
      {
        imei: IMEI,
        lastSeen: 15,
        pending: [],
        expiredLends: [{ slot: 2, requestId: 'a-1', outcome: 'offline', at: 30, powerBankId: '1234567890' }],
        returns: [],
        reports: [{ slot: 3, counted: ['MC.BO Z9'] }],
      },
    ]);
    b.hub.restore(JSON.parse(JSON.stringify(snapshot)));
    b.hub.restore(snapshot); // twice: the same lends, kept once
    expect(b.hub.export(IMEI).stations[0]!.expiredLends).toEqual(snapshot.stations[0]!.expiredLends);
    expect(b.hub.station(IMEI)).toMatchObject({ online: true, lastSeen: 20 });
    b.wire.say([lendSuccess(2, '1234567890'), lendSuccess(3, 'Z9')], 40);
    expect(b.wire.sentMoves()).toEqual(['AM.BO', 'AM.BO']);
    expect(b.events.slice(-2)).toEqual([
      { type: 'lateAnswer', at: 40, imei: IMEI, requestId: 'a-1', outcome: 'offline', message: lendSuccess(2, '1234567890') },
      { type: 'duplicate', at: 40, imei: IMEI, message: lendSuccess(3, 'Z9') },
    ]);
  });

  it('handOff passes on, unsettled, the requests restored here without a promise', () => {
    const a = online({ hubId: 'a' });
    a.wire.deaf = true;
    void a.hub.lend(IMEI, 2, { now: 0, powerBankId: '1234567890' });
    const snapshot = a.hub.export();
    const b = recordingHub({ hubId: 'b' });
    b.hub.restore(snapshot); // a crashed: b holds a-1 for a station not connected to it
    const handed = b.hub.handOff(IMEI, 100);
    expect(b.types()).toEqual([]);
    expect(b.hub.nextDeadline()).toBeUndefined();
    expect(handed.stations[0]!.pending).toEqual([{ requestId: 'a-1', kind: 'lend', imei: IMEI, slot: 2, powerBankId: '1234567890', deadline: 30_000 }]);
    const c = online({ hubId: 'c' }, {}, 200);
    c.hub.restore(handed);
    c.wire.say([lendSuccess(2, '1234567890')], 300);
    expect(c.events.at(-1)).toMatchObject({ type: 'settled', requestId: 'a-1', result: { outcome: 'lent' } });
  });

  it('a restore into a station online here merges: pending requests are added, the newer status and the newer side\'s reports win', async () => {
    const a = online({ hubId: 'a' });
    a.wire.deaf = true;
    void a.hub.lend(IMEI, 1, { now: 10, powerBankId: 'A1' });
    void a.hub.lend(IMEI, 2, { now: 10, powerBankId: '1234567890' });
    a.wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [{ slot: 1, status: 'full', code: 'FU', powerBankId: 'OLD' }] }], 20);
    a.wire.say([lendSuccess(3, 'Z9')], 20);
    a.wire.say(a.station.insert(3, 'Z9', 21), 21); // MQ: RQ.T (accepted, waiting for MC.RO)
    const snapshot = a.hub.export(IMEI);
    // Meanwhile the station talks to b, which knows newer things.
    const b = online({ hubId: 'b' }, {}, 30);
    b.wire.deaf = true;
    const own = b.hub.lend(IMEI, 2, { now: 30, powerBankId: '1234567890' });
    b.wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [{ slot: 1, status: 'full', code: 'FU', powerBankId: 'NEW' }] }], 31);
    b.hub.restore(snapshot);
    expect(b.hub.station(IMEI)).toMatchObject({ online: true, lastSeen: 31, lastStatus: { at: 31, slots: [{ powerBankId: 'NEW' }] } });
    expect(b.hub.station(IMEI)!.pending.map((request) => request.requestId)).toEqual(['a-1', 'b-1']); // by slot
    expect(b.events.at(-1)).toEqual({ type: 'settled', at: 31, imei: IMEI, requestId: 'a-2', kind: 'lend', result: { outcome: 'offline', requestId: 'a-2', imei: IMEI, slot: 2, powerBankId: '1234567890', sent: true } });
    b.wire.say([lendSuccess(1, 'A1'), lendSuccess(2, '1234567890'), lendSuccess(2, '1234567890')], 40);
    expect(b.types().slice(-5)).toEqual(['lent', 'settled', 'lent', 'settled', 'lateAnswer']); // both CCs of slot 2 answered: each is reported
    expect(b.events.at(-1)).toMatchObject({ requestId: 'a-2', outcome: 'offline' });
    expect((await own).outcome).toBe('lent');
    b.wire.say([returnSuccess(3, 'Z9'), lendSuccess(3, 'Z9')], 41); // a's accepted return goes on here; the bank is back, so its next lend is new
    expect(b.types().slice(-2)).toEqual(['returned', 'violation']);

    // A snapshot older than what b knows does not bring back a report b saw undone.
    const stale = { ...snapshot, stations: [{ ...snapshot.stations[0]!, pending: [], lastSeen: 1, reports: [{ slot: 3, counted: ['MC.RO Z9'] }] }] };
    b.hub.restore(stale);
    b.wire.say([lendSuccess(3, 'Z9')], 42);
    expect(b.types().at(-1)).toBe('duplicate');
    // A newer one does.
    b.hub.restore({ ...stale, stations: [{ ...stale.stations[0]!, lastSeen: 100 }] });
    expect(b.hub.station(IMEI)!.lastSeen).toBe(100);
    b.wire.say([lendSuccess(3, 'Z9')], 101);
    expect(b.types().at(-1)).toBe('violation');
  });
});

describe('over real loopback sockets', () => {
  it('serves 500 simulated stations: a lend and a return each, with an asynchronous ownership check, within seconds', async () => {
    const count = 500;
    const seen = new Map<string, number>();
    let onlineCount = 0;
    let returnedCount = 0;
    let wake = (): void => {};
    const hub = createStationHub({
      ownership: async (powerBankId) => powerBankId.startsWith('P'),
      onEvent: (event) => {
        seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
        if (event.type === 'online') onlineCount++;
        if (event.type === 'returned') returnedCount++;
        wake();
      },
    });
    const until = (done: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        wake = () => done() && resolve();
        wake();
      });
    const server = createServer((socket) => {
      const link = hub.connect({ send: (bytes) => void socket.write(bytes), close: () => socket.destroy() }, Date.now());
      socket.on('data', (chunk) => link.receive(chunk, Date.now()));
      socket.on('close', () => link.closed(Date.now()));
      socket.on('error', () => {});
    });
    const ticker = setInterval(() => hub.tick(Date.now()), 20);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const imeis = Array.from({ length: count }, (_, i) => `86012345${String(i).padStart(7, '0')}`);
    const stations = imeis.map((imei, i) => new StationSimulator({ imei, banks: [{ slot: 1, powerBankId: `P${i}` }] }));
    const sockets = await Promise.all(
      stations.map(async (station) => {
        const socket = connect(port, '127.0.0.1');
        await once(socket, 'connect');
        const decoder = createDecoder({ from: 'server' });
        socket.on('data', (chunk) => {
          for (const item of decoder.push(chunk)) {
            if (item.kind === 'message') for (const answer of station.receive(item.message, Date.now())) socket.write(station.encode(answer));
          }
        });
        for (const message of station.tick(Date.now())) socket.write(station.encode(message));
        return socket;
      }),
    );
    await until(() => onlineCount === count);
    const lends = await Promise.all(imeis.map((imei) => hub.lend(imei, 1, { now: Date.now() })));
    expect(lends.filter((result) => result.outcome === 'refused')).toHaveLength(count); // no status known yet: nothing to lend
    await Promise.all(imeis.map((imei) => hub.queryStatus(imei, { now: Date.now() })));
    const lent = await Promise.all(imeis.map((imei) => hub.lend(imei, 1, { now: Date.now() })));
    expect(lent.map((result) => result.outcome)).toEqual(imeis.map(() => 'lent'));
    stations.forEach((station, i) => {
      for (const message of station.insert(1, `P${i}`, Date.now())) sockets[i]!.write(station.encode(message));
    });
    await until(() => returnedCount === count);
    for (const socket of sockets) socket.destroy();
    await until(() => seen.get('offline') === count);
    await hub.drain();
    clearInterval(ticker);
    server.close();
    expect(Object.fromEntries(seen)).toEqual({ online: count, heartbeat: count, settled: 3 * count, status: count, lent: count, returned: count, offline: count });
  }, 20_000);
});
