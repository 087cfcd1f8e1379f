/**
 * The station hub, in simulated time: every flow of PROTOCOL.md section 5 against a
 * `StationSimulator`, and every event kind provoked (late answers, duplicates,
 * reconnects, async ownership, liveness, garbage and floods, snapshots).
 */
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDecoder, createStationHub, encode, type HubEvent, type Message } from 'powerbank-codec';
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
    ];
    for (const options of bad) expect(() => createStationHub(options as never)).toThrow(expect.objectContaining({ name: 'ProtocolError', code: 'OPTIONS' }));
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
    expect(hub.station(IMEI)!.pending).toEqual([{ requestId: 2, kind: 'lend', imei: IMEI, slot: 2, powerBankId: '1234567890', deadline: 30_030 }]);
    wire.pump(40);
    expect(await lend).toEqual({ outcome: 'lent', requestId: 2, imei: IMEI, slot: 2, powerBankId: '1234567890' });
    expect(wire.sentMoves()).toEqual(['CQ', 'CC', 'AM.BO']);
    expect(types()).toEqual(['online', 'heartbeat', 'status', 'settled', 'lent', 'settled']);
    expect(wire.conversation.map((event) => event.kind)).toEqual(['heartbeat', 'statusAnswered', 'lent']);
    expect(wire.tracker.openFlows()).toEqual([]);
  });

  it('lend, failure: CC → MR.BF → AR.BF', async () => {
    const { hub, wire, events } = online({}, { faultySlots: [3] });
    const lend = hub.lend(IMEI, 3, { now: 10, powerBankId: 'B3' });
    wire.pump(20);
    expect(await lend).toEqual({ outcome: 'failed', requestId: 1, imei: IMEI, slot: 3, powerBankId: 'B3' });
    expect(wire.sentMoves()).toEqual(['CC', 'AR.BF']);
    expect(events).toContainEqual({ type: 'lendFailed', at: 20, imei: IMEI, requestId: 1, slot: 3, powerBankId: 'B3' });
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
    expect(events).toContainEqual(expect.objectContaining({ type: 'status', requestIds: [1, 2] }));
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
    expect(await lend).toEqual({ outcome: 'timeout', requestId: 1, imei: IMEI, slot: 2, powerBankId: '1234567890' });
    wire.say([lendSuccess(2, '1234567890')], 61_000);
    expect(wire.sentMoves()).toEqual(['CC', 'CQ', 'AM.BO']);
    expect(events.at(-1)).toEqual({ type: 'lateAnswer', at: 61_000, imei: IMEI, requestId: 1, outcome: 'timeout', message: lendSuccess(2, '1234567890') });
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
    expect(await lend).toMatchObject({ outcome: 'offline', requestId: 1 });
    expect(await status).toMatchObject({ outcome: 'offline', requestId: 2 });
    expect(events).toContainEqual({ type: 'offline', at: 20, imei: IMEI, reason: 'closed' });
    expect(await hub.lend(IMEI, 2, { now: 30, powerBankId: '1234567890' })).toMatchObject({ outcome: 'offline', requestId: 3 });
    expect(await hub.lend(IMEI, 2, { now: 30 })).toMatchObject({ outcome: 'offline', requestId: 4 });
    expect(await hub.queryStatus(IMEI, { now: 30 })).toMatchObject({ outcome: 'offline', requestId: 5 });
    expect(await hub.lend(OTHER_IMEI, 1, { now: 30, powerBankId: 'A' })).toMatchObject({ outcome: 'offline' });
    wire.reconnect(40);
    wire.say([lendSuccess(2, '1234567890')], 40);
    expect(types().slice(-2)).toEqual(['online', 'lateAnswer']);
    expect(events.at(-1)).toMatchObject({ requestId: 1, outcome: 'offline' });
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

describe('export and restore', () => {
  it('a station that reconnects to another process finds its pending lend; late answers and duplicates are still recognised', async () => {
    const first = online();
    first.wire.deaf = true;
    void first.hub.lend(IMEI, 1, { now: 0, powerBankId: 'A1', timeoutMs: 100 });
    first.hub.tick(100); // lend 1 timed out
    void first.hub.lend(IMEI, 2, { now: 200, powerBankId: '1234567890' });
    void first.hub.queryStatus(IMEI, { now: 200 });
    first.wire.deaf = false;
    first.wire.say(first.station.insert(3, 'C3', 210), 210); // RQ.T sent, MC.RO pending
    first.wire.say([{ type: 'StatusAnswer', imei: IMEI, slots: [{ slot: 1, status: 'full', code: 'FU', powerBankId: 'A1' }] }], 220);
    first.wire.say([{ type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: 'X3' }], 220); // unexpected, counted
    const snapshot = JSON.parse(JSON.stringify(first.hub.export()));
    expect(snapshot).toEqual(first.hub.export());
    expect(snapshot.version).toBe(1);

    const second = recordingHub();
    second.hub.restore(snapshot);
    expect(second.hub.station(IMEI)).toMatchObject({ online: false, lastSeen: 220, pending: [{ requestId: 2, kind: 'lend', slot: 2, deadline: 30_200 }] });
    expect(second.hub.nextDeadline()).toBe(30_200);
    const wire = new Wire(second.hub, new StationSimulator({ imei: IMEI }), 300);
    wire.say([lendSuccess(2, '1234567890'), lendSuccess(1, 'A1'), returnSuccess(3, 'C3'), returnSuccess(3, 'C3'), { type: 'LendFailure', imei: IMEI, slot: 3, powerBankId: 'X3' }], 300);
    expect(wire.sentMoves()).toEqual(['AM.BO', 'AM.BO', 'AM.RO', 'AM.RO', 'AR.BF']);
    expect(second.types()).toEqual(['online', 'lent', 'settled', 'lateAnswer', 'returned', 'duplicate', 'duplicate']);
    expect(second.events[2]).toMatchObject({ type: 'settled', requestId: 2, result: { outcome: 'lent' } });
    expect(await second.hub.queryStatus(IMEI, { now: 310, signal: AbortSignal.abort() })).toMatchObject({ requestId: 4 }); // ids go on from the first hub's
    second.hub.tick(40_000);
    expect(await second.hub.drain()).toBeUndefined();
  });

  it('an expired status query survives too; a request already in flight or a foreign object is refused', () => {
    const first = online();
    first.wire.deaf = true;
    void first.hub.queryStatus(IMEI, { now: 0 });
    first.hub.tick(30_000);
    const snapshot = first.hub.export();
    const second = recordingHub();
    second.hub.restore(snapshot);
    new Wire(second.hub, new StationSimulator({ imei: IMEI }), 1).say([{ type: 'StatusAnswer', imei: IMEI, slots: [] }], 1);
    expect(second.events.at(-1)).toMatchObject({ type: 'lateAnswer', requestId: 1, outcome: 'timeout' });
    const third = online();
    third.wire.deaf = true;
    void third.hub.queryStatus(IMEI, { now: 0 });
    expect(() => third.hub.restore(third.hub.export())).toThrow(expect.objectContaining({ code: 'OPTIONS' }));
    const fourth = recordingHub();
    fourth.hub.restore(third.hub.export());
    expect(fourth.hub.station(IMEI)!.pending).toEqual([{ requestId: 1, kind: 'status', imei: IMEI, deadline: 30_000 }]);
    fourth.hub.tick(30_000);
    expect(fourth.events).toEqual([{ type: 'settled', at: 30_000, imei: IMEI, requestId: 1, kind: 'status', result: { outcome: 'timeout', requestId: 1, imei: IMEI } }]);
    const bare = { version: 1 as const, nextRequestId: 7, stations: [{ imei: OTHER_IMEI, pending: [], expiredLends: [], returns: [], reports: [] }] };
    const fifth = recordingHub();
    fifth.hub.restore(bare);
    expect(fifth.hub.export()).toEqual(bare);
    for (const bad of [null, { version: 2, nextRequestId: 1, stations: [] }, { version: 1, stations: [] }, { version: 1, nextRequestId: 1, stations: [{}] }]) {
      expect(() => second.hub.restore(bad as never)).toThrow(expect.objectContaining({ code: 'OPTIONS' }));
    }
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
