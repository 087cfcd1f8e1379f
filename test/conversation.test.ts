/**
 * Every flow of PROTOCOL.md section 5, success and failure: a StationSimulator talking
 * to replyTo, watched by a ConversationTracker that must see no violation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConversationTracker, StationSimulator } from 'powerbank-codec/testing';
import { Conversation } from './support/conversation.js';

const imei = '860123456789014';

function conversation(options: Partial<ConstructorParameters<typeof StationSimulator>[0]> = {}, foreign: readonly string[] = []): Conversation {
  const station = new StationSimulator({
    imei,
    banks: [
      { slot: 1, powerBankId: '1234567890' },
      { slot: 2, powerBankId: '123456789012', charge: 'notFull' },
    ],
    ...options,
  });
  return new Conversation(station, { belongs: (powerBankId) => !foreign.includes(powerBankId) });
}

describe('the flows of section 5, simulator against replyTo', () => {
  it('lend, success: CC → MC.BO → AM.BO, and the slot empties', () => {
    const talk = conversation();
    talk.lend(1, '1234567890', 0);
    expect(talk.types()).toEqual(['LendRequest', 'LendSuccess', 'LendSuccessAck']);
    expect(talk.events).toMatchObject([{ kind: 'lent', flow: 'lend', imei, slot: 1, powerBankId: '1234567890', startedAt: 0, at: 0 }]);
    expect(talk.events[0]?.description).toBe('lent: slot 1, power bank 1234567890 (CC → MC.BO → AM.BO)');
    expect(talk.station.emptySlots()).toEqual([1, 3]);
  });

  it.each([
    ['an empty slot', {}, 3, '1234567890'],
    ['a slot holding another power bank', {}, 1, '999'],
    ['a faulty slot', { faultySlots: [1] }, 1, '1234567890'],
    ['an injected failure', { lendFailureRate: 1 }, 1, '1234567890'],
  ])('lend, failure (%s): CC → MR.BF → AR.BF, and the bank stays', (_, options, slot, powerBankId) => {
    const talk = conversation(options);
    const before = talk.station.status();
    talk.lend(slot, powerBankId, 0);
    expect(talk.types()).toEqual(['LendRequest', 'LendFailure', 'LendFailureAck']);
    expect(talk.events).toMatchObject([{ kind: 'lendFailed', slot, powerBankId }]);
    expect(talk.station.status()).toEqual(before);
  });

  it('return, success: MQ → RQ.T → MC.RO → AM.RO, and the slot holds the bank', () => {
    const talk = conversation();
    talk.insert(3, 'B7', 0);
    expect(talk.types()).toEqual(['OwnershipQuery', 'OwnershipAnswer', 'ReturnSuccess', 'ReturnSuccessAck']);
    expect(talk.transcript[1]?.message).toMatchObject({ belongs: true, slot: 3, powerBankId: 'B7' });
    expect(talk.events).toMatchObject([{ kind: 'returned', flow: 'return', slot: 3, powerBankId: 'B7' }]);
    expect(talk.station.status().find((record) => record.slot === 3)).toMatchObject({ powerBankId: 'B7' });
  });

  it('return, rejected: MQ → RQ.F, and the bank is ejected', () => {
    const talk = conversation({}, ['FOREIGN1']);
    talk.insert(3, 'FOREIGN1', 0);
    expect(talk.types()).toEqual(['OwnershipQuery', 'OwnershipAnswer']);
    expect(talk.transcript[1]?.message).toMatchObject({ belongs: false });
    expect(talk.events).toMatchObject([{ kind: 'returnRejected', slot: 3, powerBankId: 'FOREIGN1' }]);
    expect(talk.station.emptySlots()).toEqual([3]);
  });

  it.each([
    ['a faulty slot', { faultySlots: [3] }, []],
    ['an injected failure', { returnFailureRate: 1 }, [3]],
  ])('return, failure (%s): MQ → RQ.T → MR.RF → AR.RF, and the bank is ejected', (_, options, empty) => {
    const talk = conversation(options);
    talk.insert(3, 'B7', 0);
    expect(talk.types()).toEqual(['OwnershipQuery', 'OwnershipAnswer', 'ReturnFailure', 'ReturnFailureAck']);
    expect(talk.events).toMatchObject([{ kind: 'returnFailed', slot: 3, powerBankId: 'B7' }]);
    expect(talk.station.emptySlots()).toEqual(empty);
  });

  it('status: CQ → AQ, from the slots', () => {
    const talk = conversation({ faultySlots: [3] });
    talk.queryStatus(5);
    expect(talk.types()).toEqual(['StatusQuery', 'StatusAnswer']);
    const slots = [
      { slot: 1, status: 'full', code: 'FU', powerBankId: '1234567890' },
      { slot: 2, status: 'notFull', code: 'NF', powerBankId: '123456789012' },
      { slot: 3, status: 'fault', code: 'ER' },
    ];
    expect(talk.events).toEqual([
      {
        kind: 'statusAnswered',
        flow: 'status',
        imei,
        slots,
        startedAt: 5,
        at: 5,
        steps: [
          { move: 'CQ', from: 'server', message: { type: 'StatusQuery', imei }, at: 5 },
          { move: 'AQ', from: 'device', message: { type: 'StatusAnswer', imei, slots }, at: 5 },
        ],
        description: 'status answered: slot 1 full (1234567890), slot 2 charging (123456789012), slot 3 fault (CQ → AQ)',
      },
    ]);
  });

  it('heartbeat: CH, no answer, due every heartbeatInterval', () => {
    const talk = conversation({ heartbeatInterval: 1000 });
    talk.tick(0);
    talk.tick(500);
    talk.tick(1000);
    expect(talk.types()).toEqual(['Heartbeat', 'Heartbeat']);
    expect(talk.events).toMatchObject([
      { kind: 'heartbeat', at: 0, sincePrevious: undefined },
      { kind: 'heartbeat', at: 1000, sincePrevious: 1000, description: 'heartbeat (CH), 1.0 s after the previous one' },
    ]);
  });

  it('a whole day of every flow: no violation, nothing left open', () => {
    const talk = conversation({ faultySlots: [3], heartbeatInterval: 60_000 }, ['FOREIGN1']);
    talk.tick(0);
    talk.queryStatus(1_000);
    talk.lend(1, '1234567890', 2_000);
    talk.lend(1, '1234567890', 3_000); // now empty
    talk.insert(1, '1234567890', 4_000);
    talk.insert(3, 'B7', 5_000); // faulty
    talk.insert(3, 'FOREIGN1', 6_000);
    talk.tick(60_000);
    expect(talk.kinds()).toEqual(['heartbeat', 'statusAnswered', 'lent', 'lendFailed', 'returned', 'returnFailed', 'returnRejected', 'heartbeat']);
    expect(talk.violations()).toEqual([]);
    expect(talk.tracker.openFlows()).toEqual([]);
  });
});

/** One thing that can happen to a station. */
type Operation =
  | { readonly kind: 'lend'; readonly slot: number; readonly known: boolean }
  | { readonly kind: 'status' }
  | { readonly kind: 'insert'; readonly foreign: boolean; readonly pick: number }
  | { readonly kind: 'wait'; readonly milliseconds: number };

const arbOperation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('lend' as const), slot: fc.integer({ min: 1, max: 4 }), known: fc.boolean() }),
  fc.record({ kind: fc.constant('status' as const) }),
  fc.record({ kind: fc.constant('insert' as const), foreign: fc.boolean(), pick: fc.nat() }),
  fc.record({ kind: fc.constant('wait' as const), milliseconds: fc.integer({ min: 0, max: 120_000 }) }),
);

const arbStation: fc.Arbitrary<Station> = fc.record({
  seed: fc.integer(),
  lendFailureRate: fc.double({ min: 0, max: 1, noNaN: true }),
  returnFailureRate: fc.double({ min: 0, max: 1, noNaN: true }),
  faultySlots: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
});

type Station = { seed: number; lendFailureRate: number; returnFailureRate: number; faultySlots: number[] };

/** Runs `operations` on a fresh station, heartbeats every 30 s; returns the conversation. */
function run(station: Station, operations: readonly Operation[]): Conversation {
  const talk = new Conversation(
    new StationSimulator({ imei, dialect: { slotCount: 4 }, heartbeatInterval: 30_000, ...station }),
    { belongs: (powerBankId) => !powerBankId.startsWith('F') },
    new ConversationTracker({ answerTimeout: 1_000, heartbeatGap: 60_000 }),
  );
  let now = 0;
  let inserted = 0;
  talk.tick(now);
  for (const operation of operations) {
    switch (operation.kind) {
      case 'lend': {
        const record = talk.station.status().find((candidate) => candidate.slot === operation.slot);
        talk.lend(operation.slot, operation.known && record?.powerBankId !== undefined ? record.powerBankId : 'UNKNOWN', now);
        break;
      }
      case 'status':
        talk.queryStatus(now);
        break;
      case 'insert': {
        const empty = talk.station.emptySlots();
        if (empty.length > 0) talk.insert(empty[operation.pick % empty.length]!, `${operation.foreign ? 'F' : 'R'}${inserted++}`, now);
        break;
      }
      case 'wait': {
        // Like a station's firmware loop: it wakes up at least every heartbeat interval.
        const target = now + operation.milliseconds;
        while (now < target) {
          now = Math.min(target, now + 30_000);
          talk.tick(now);
        }
        break;
      }
    }
  }
  return talk;
}

describe('random conversations', () => {
  it('whatever the station, its failures and the order of events, the tracker sees only completed flows', () => {
    fc.assert(
      fc.property(arbStation, fc.array(arbOperation, { maxLength: 40 }), (station, operations) => {
        const talk = run(station, operations);
        expect(talk.violations()).toEqual([]);
        expect(talk.tracker.openFlows()).toEqual([]);
        const completed = talk.events.filter((event) => event.kind !== 'heartbeat').length;
        const opened = talk.transcript.filter(({ message }) => ['LendRequest', 'StatusQuery', 'OwnershipQuery'].includes(message.type)).length;
        expect(completed).toBe(opened);
      }),
      { numRuns: 300 },
    );
  });

  it('a lent bank leaves the status answer; a returned one appears in it', () => {
    fc.assert(
      fc.property(arbStation, fc.array(arbOperation, { maxLength: 30 }), (station, operations) => {
        const talk = run(station, operations);
        const held = new Map(new StationSimulator({ imei, dialect: { slotCount: 4 }, ...station }).status().filter((r) => r.powerBankId !== undefined).map((r) => [r.slot, r.powerBankId]));
        for (const event of talk.events) {
          if (event.kind === 'lent') held.delete(event.slot);
          if (event.kind === 'returned') held.set(event.slot, event.powerBankId);
        }
        const now = new Map(talk.station.status().filter((r) => r.powerBankId !== undefined).map((r) => [r.slot, r.powerBankId]));
        expect(now).toEqual(held);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same seed and the same events give the same conversation', () => {
    fc.assert(
      fc.property(arbStation, fc.array(arbOperation, { maxLength: 30 }), (station, operations) => {
        expect(run(station, operations).transcript).toEqual(run(station, operations).transcript);
      }),
      { numRuns: 100 },
    );
  });
});
