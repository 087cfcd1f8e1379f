import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, encode, type Message } from 'powerbank-codec';
import { ConversationTracker, StationSimulator, type ConversationEvent, type Violation } from 'powerbank-codec/testing';
import { arbMessage } from 'powerbank-codec/arbitraries';

const imei = '860123456789014';
const bank = { imei, slot: 2, powerBankId: '1234567890' } as const;
const ascii = (text: string) => new TextEncoder().encode(text);

function violationsOf(events: readonly ConversationEvent[]): Violation[] {
  return events.filter((event): event is Violation => event.kind === 'violation');
}

/** Feeds `steps` to a fresh tracker at times 0, 1, 2, …; returns every event. */
function track(steps: ReadonlyArray<readonly ['device' | 'server', Message]>, tracker = new ConversationTracker()): ConversationEvent[] {
  return steps.flatMap(([from, message], index) => tracker.observe(from, message, index));
}

describe('ConversationTracker: completed flows', () => {
  it('reports each outcome once its last message is seen, with when it started', () => {
    const tracker = new ConversationTracker();
    const query: Message = { type: 'OwnershipQuery', ...bank };
    const answer: Message = { type: 'OwnershipAnswer', belongs: true, ...bank };
    const report: Message = { type: 'ReturnSuccess', ...bank };
    const ack: Message = { type: 'ReturnSuccessAck', ...bank };
    expect(tracker.observe('device', query, 10)).toEqual([]);
    expect(tracker.openFlows()).toEqual([
      {
        flow: 'return',
        expected: 'the server answers MQ (slot 2, power bank 1234567890) with RQ.T (belongs) or RQ.F (does not belong)',
        slot: 2,
        powerBankId: '1234567890',
        startedAt: 10,
        waitingSince: 10,
        steps: [{ move: 'MQ', from: 'device', message: query, at: 10 }],
      },
    ]);
    expect(tracker.observe('server', answer, 20)).toEqual([]);
    expect(tracker.observe('device', report, 30)).toEqual([]);
    const [returned] = tracker.observe('server', ack, 40);
    expect(returned).toEqual({
      kind: 'returned',
      flow: 'return',
      imei,
      slot: 2,
      powerBankId: '1234567890',
      startedAt: 10,
      at: 40,
      steps: [
        { move: 'MQ', from: 'device', message: query, at: 10 },
        { move: 'RQ.T', from: 'server', message: answer, at: 20 },
        { move: 'MC.RO', from: 'device', message: report, at: 30 },
        { move: 'AM.RO', from: 'server', message: ack, at: 40 },
      ],
      description: 'returned: slot 2, power bank 1234567890 (MQ → RQ.T → MC.RO → AM.RO)',
    });
    // The steps hold the very objects observed.
    expect(returned?.kind === 'returned' && returned.steps[2]!.message).toBe(report);
    expect(tracker.openFlows()).toEqual([]);
  });

  it('follows flows on different slots at the same time', () => {
    const events = track([
      ['server', { type: 'LendRequest', ...bank, slot: 1 }],
      ['server', { type: 'LendRequest', ...bank, slot: 2 }],
      ['device', { type: 'LendFailure', ...bank, slot: 2 }],
      ['device', { type: 'LendSuccess', ...bank, slot: 1 }],
      ['server', { type: 'LendSuccessAck', ...bank, slot: 1 }],
      ['server', { type: 'LendFailureAck', ...bank, slot: 2 }],
    ]);
    expect(events).toMatchObject([
      { kind: 'lent', slot: 1, startedAt: 0, at: 4 },
      { kind: 'lendFailed', slot: 2, startedAt: 1, at: 5 },
    ]);
  });

  it('lists the open flows, with their slot and power bank when they have one', () => {
    const tracker = new ConversationTracker();
    tracker.observe('server', { type: 'StatusQuery', imei }, 1);
    tracker.observe('server', { type: 'LendRequest', ...bank }, 2);
    expect(tracker.openFlows()).toEqual([
      { flow: 'status', expected: 'the station answers CQ with AQ', startedAt: 1, waitingSince: 1, steps: [{ move: 'CQ', from: 'server', message: { type: 'StatusQuery', imei }, at: 1 }] },
      {
        flow: 'lend',
        expected: expect.stringContaining('the station answers CC'),
        slot: 2,
        powerBankId: '1234567890',
        startedAt: 2,
        waitingSince: 2,
        steps: [{ move: 'CC', from: 'server', message: { type: 'LendRequest', ...bank }, at: 2 }],
      },
    ]);
  });

  it('answers status queries in order', () => {
    const events = track([
      ['server', { type: 'StatusQuery', imei }],
      ['server', { type: 'StatusQuery', imei }],
      ['device', { type: 'StatusAnswer', imei, slots: [] }],
      ['device', { type: 'StatusAnswer', imei, slots: [] }],
    ]);
    expect(events).toMatchObject([
      { kind: 'statusAnswered', startedAt: 0, at: 2, description: 'status answered: no power banks (CQ → AQ)' },
      { kind: 'statusAnswered', startedAt: 1, at: 3 },
    ]);
  });
});

describe('ConversationTracker: the steps', () => {
  it('says, at every step of every flow, what it waits for', () => {
    const paths: Array<[string, Message[]]> = [
      ['lend', [{ type: 'LendRequest', ...bank }, { type: 'LendSuccess', ...bank }]],
      ['lend', [{ type: 'LendRequest', ...bank }, { type: 'LendFailure', ...bank }]],
      ['return', [{ type: 'OwnershipQuery', ...bank }, { type: 'OwnershipAnswer', belongs: true, ...bank }, { type: 'ReturnSuccess', ...bank }]],
      ['return', [{ type: 'OwnershipQuery', ...bank }, { type: 'OwnershipAnswer', belongs: true, ...bank }, { type: 'ReturnFailure', ...bank }]],
    ];
    const waits: string[] = [];
    for (const [, messages] of paths) {
      const tracker = new ConversationTracker();
      for (const message of messages) {
        const from = ['LendRequest', 'OwnershipAnswer'].includes(message.type) ? 'server' : 'device';
        expect(tracker.observe(from, message, 0)).toEqual([]);
        waits.push(tracker.openFlows()[0]!.expected);
      }
    }
    expect([...new Set(waits)]).toEqual([
      'the station answers CC (slot 2, power bank 1234567890) with MC.BO (lent) or MR.BF (lend failed)',
      'the server acknowledges MC.BO (slot 2, power bank 1234567890) with AM.BO',
      'the server acknowledges MR.BF (slot 2, power bank 1234567890) with AR.BF',
      'the server answers MQ (slot 2, power bank 1234567890) with RQ.T (belongs) or RQ.F (does not belong)',
      'after RQ.T (slot 2, power bank 1234567890) the station reports MC.RO (returned) or MR.RF (return failed)',
      'the server acknowledges MC.RO (slot 2, power bank 1234567890) with AM.RO',
      'the server acknowledges MR.RF (slot 2, power bank 1234567890) with AR.RF',
    ]);
  });
});

describe('ConversationTracker: violations', () => {
  it('unexpected: an answer no flow is waiting for', () => {
    const [violation] = violationsOf(track([['device', { type: 'LendSuccess', ...bank }]]));
    expect(violation).toEqual({
      kind: 'violation',
      violation: 'unexpected',
      flow: 'lend',
      imei,
      expected: 'first a CC lend request for that slot and power bank, not yet answered',
      received: 'MC.BO lent: slot 2, power bank 1234567890',
      message: { type: 'LendSuccess', ...bank },
      at: 0,
      description:
        'lend: unexpected: no lend is waiting for it — expected: first a CC lend request for that slot and power bank, not yet answered; received: MC.BO lent: slot 2, power bank 1234567890',
    });
  });

  it.each<[string, Message, string]>([
    ['an ack for a report never made', { type: 'ReturnSuccessAck', ...bank }, 'first an MC.RO from the station, not yet acknowledged'],
    ['an answer to a query never asked', { type: 'OwnershipAnswer', belongs: true, ...bank }, 'first an MQ ownership query from the station, not yet answered'],
    ['a status nobody asked for', { type: 'StatusAnswer', imei, slots: [] }, 'first a CQ status query, not yet answered'],
    ['a return report without RQ.T', { type: 'ReturnFailure', ...bank }, 'first an MQ answered by RQ.T, not yet reported on'],
    ['an ack of a lend failure never reported', { type: 'LendFailureAck', ...bank }, 'first an MR.BF from the station, not yet acknowledged'],
    ['an ack of a return failure never reported', { type: 'ReturnFailureAck', ...bank }, 'first an MR.RF from the station, not yet acknowledged'],
  ])('unexpected: %s', (_, message, expected) => {
    const from = message.type.endsWith('Ack') || message.type === 'OwnershipAnswer' ? 'server' : 'device';
    expect(violationsOf(track([[from, message]]))).toMatchObject([{ violation: 'unexpected', expected }]);
  });

  it('unexpected: the wrong message at a step ends the flow there (no timeout follows)', () => {
    const tracker = new ConversationTracker({ answerTimeout: 100 });
    const events = track(
      [
        ['server', { type: 'LendRequest', ...bank }],
        ['device', { type: 'LendSuccess', ...bank }],
        ['server', { type: 'LendFailureAck', ...bank }],
      ],
      tracker,
    );
    expect(violationsOf(events)).toMatchObject([
      {
        violation: 'unexpected',
        flow: 'lend',
        expected: 'the server acknowledges MC.BO (slot 2, power bank 1234567890) with AM.BO',
        received: 'AR.BF lend failure acknowledged: slot 2, power bank 1234567890',
      },
    ]);
    expect(tracker.openFlows()).toEqual([]);
    expect(tracker.tick(1_000)).toEqual([]);
  });

  it('unexpected: MR.BF after RQ.T names the vendor erratum', () => {
    const events = track([
      ['device', { type: 'OwnershipQuery', ...bank }],
      ['server', { type: 'OwnershipAnswer', belongs: true, ...bank }],
      ['device', { type: 'LendFailure', ...bank }],
    ]);
    expect(violationsOf(events)).toMatchObject([
      {
        violation: 'unexpected',
        flow: 'return',
        expected: 'after RQ.T (slot 2, power bank 1234567890) the station reports MC.RO (returned) or MR.RF (return failed)',
        received: 'MR.BF lend failed: slot 2, power bank 1234567890 (the vendor text prints MR.BF for a failed return; it is MR.RF, PROTOCOL.md section 6, erratum 2)',
      },
    ]);
  });

  it('unexpected: a message from the wrong side', () => {
    const events = track([['device', { type: 'LendRequest', ...bank }]]);
    expect(violationsOf(events)).toMatchObject([
      { violation: 'unexpected', flow: 'lend', expected: 'CC only from the server', received: 'CC lend request: slot 2, power bank 1234567890 from the station' },
    ]);
  });

  it('unexpected: a second lend or return for a slot whose flow is still open', () => {
    const events = track([
      ['server', { type: 'LendRequest', ...bank }],
      ['server', { type: 'LendRequest', ...bank, powerBankId: 'B' }],
      ['device', { type: 'OwnershipQuery', ...bank }],
      ['device', { type: 'OwnershipQuery', ...bank }],
    ]);
    expect(violationsOf(events)).toMatchObject([
      { violation: 'unexpected', flow: 'lend', expected: 'the station answers CC (slot 2, power bank 1234567890) with MC.BO (lent) or MR.BF (lend failed)' },
      { violation: 'unexpected', flow: 'return', description: expect.stringContaining('a second return for the same slot') },
    ]);
  });

  it('mismatch: the slot or power bank of an answer differs from the message it answers; the flow goes on', () => {
    const events = track([
      ['server', { type: 'LendRequest', ...bank }],
      ['device', { type: 'LendSuccess', ...bank, slot: 3, powerBankId: '1234567891' }],
      ['server', { type: 'LendSuccessAck', ...bank, slot: 3, powerBankId: '1234567891' }],
    ]);
    expect(events).toMatchObject([
      {
        violation: 'mismatch',
        flow: 'lend',
        field: 'slot',
        expected: '2, as in CC lend request: slot 2, power bank 1234567890',
        received: '3 in MC.BO lent: slot 3, power bank 1234567891',
      },
      { violation: 'mismatch', field: 'powerBankId', expected: '1234567890, as in CC lend request: slot 2, power bank 1234567890' },
      { kind: 'lent', slot: 3, powerBankId: '1234567891' },
    ]);
    expect(events[1]?.description).toBe(
      'lend: powerBankId mismatch — expected: 1234567890, as in CC lend request: slot 2, power bank 1234567890; received: 1234567891 in MC.BO lent: slot 3, power bank 1234567891',
    );
  });

  it('mismatch: an answer is matched to the flow with the same slot first', () => {
    const events = track([
      ['server', { type: 'LendRequest', ...bank, slot: 1, powerBankId: 'A' }],
      ['server', { type: 'LendRequest', ...bank, slot: 2, powerBankId: 'B' }],
      ['device', { type: 'LendSuccess', ...bank, slot: 2, powerBankId: 'A' }],
    ]);
    expect(violationsOf(events)).toMatchObject([{ field: 'powerBankId', expected: 'B, as in CC lend request: slot 2, power bank B' }]);
  });

  it('mismatch: another IMEI than the station\'s', () => {
    const tracker = new ConversationTracker({ imei });
    const events = tracker.observe('device', { type: 'Heartbeat', imei: '860123456789022' }, 0);
    expect(events).toMatchObject([
      { kind: 'violation', violation: 'mismatch', field: 'imei', flow: 'heartbeat', expected: '860123456789014, the station\'s IMEI', received: '860123456789022 in CH heartbeat' },
      { kind: 'heartbeat' },
    ]);
  });

  it('timeout: a step that waits longer than answerTimeout, reported at its deadline, once', () => {
    const tracker = new ConversationTracker({ answerTimeout: 1_000 });
    tracker.observe('server', { type: 'LendRequest', ...bank }, 0);
    expect(tracker.tick(1_000)).toEqual([]);
    const events = tracker.tick(1_001);
    expect(events).toEqual([
      {
        kind: 'violation',
        violation: 'timeout',
        flow: 'lend',
        imei,
        expected: 'the station answers CC (slot 2, power bank 1234567890) with MC.BO (lent) or MR.BF (lend failed)',
        received: 'nothing',
        steps: [{ move: 'CC', from: 'server', message: { type: 'LendRequest', ...bank }, at: 0 }],
        at: 1_000,
        description: 'lend: no answer within 1.0 s — expected: the station answers CC (slot 2, power bank 1234567890) with MC.BO (lent) or MR.BF (lend failed); received: nothing',
      },
    ]);
    expect(tracker.tick(5_000)).toEqual([]);
    // A late answer is then unexpected.
    expect(violationsOf(tracker.observe('device', { type: 'LendSuccess', ...bank }, 5_001))).toMatchObject([{ violation: 'unexpected' }]);
  });

  it('timeout: says how many frames came meanwhile that did not decode, counting only those since the step began', () => {
    const tracker = new ConversationTracker({ answerTimeout: 1_000 });
    const decoder = createDecoder();
    const badCrc = ascii('{"860123456789014,MC,BO.2.1234567890,88DE"}\r\n');
    const observeBadFrame = (now: number) => decoder.push(badCrc).forEach((item) => tracker.observeItem('device', item, now));
    observeBadFrame(0);
    tracker.observe('server', { type: 'LendRequest', ...bank }, 100);
    observeBadFrame(200);
    expect(tracker.tick(1_101)).toMatchObject([{ violation: 'timeout', received: 'nothing that decoded (a frame that did not: see their decodeError)' }]);
    tracker.observe('server', { type: 'LendRequest', ...bank }, 2_000);
    observeBadFrame(2_100);
    observeBadFrame(2_200);
    expect(tracker.tick(3_001)).toMatchObject([{ violation: 'timeout', received: 'nothing that decoded (2 frames that did not: see their decodeError)' }]);
  });

  it('timeout: each step has its own deadline, the server\'s acks included', () => {
    const tracker = new ConversationTracker({ answerTimeout: 1_000 });
    const events = [
      ...tracker.observe('server', { type: 'StatusQuery', imei }, 0),
      ...tracker.observe('device', { type: 'OwnershipQuery', ...bank }, 500),
      ...tracker.observe('server', { type: 'OwnershipAnswer', belongs: true, ...bank }, 1_000),
      ...tracker.observe('device', { type: 'ReturnFailure', ...bank }, 1_400),
      ...tracker.observe('device', { type: 'Heartbeat', imei }, 2_401),
    ];
    expect(events).toMatchObject([
      { violation: 'timeout', flow: 'status', at: 1_000 },
      { violation: 'timeout', flow: 'return', at: 2_400, expected: 'the server acknowledges MR.RF (slot 2, power bank 1234567890) with AR.RF' },
      { kind: 'heartbeat' },
    ]);
  });

  it('heartbeatGap: reported once per gap, measured from the first thing seen', () => {
    const tracker = new ConversationTracker({ heartbeatGap: 60_000 });
    expect(tracker.tick(1_000)).toEqual([]);
    expect(tracker.tick(61_001)).toMatchObject([
      {
        violation: 'heartbeatGap',
        flow: 'heartbeat',
        at: 61_000,
        expected: 'a heartbeat (CH) at least every 60.0 s',
        received: 'nothing for 60.0 s since the tracker started',
      },
    ]);
    expect(tracker.tick(200_000)).toEqual([]);
    tracker.observe('device', { type: 'Heartbeat', imei }, 200_000);
    expect(tracker.tick(260_000)).toEqual([]);
    expect(tracker.tick(260_500)).toMatchObject([{ violation: 'heartbeatGap', received: 'nothing for 60.5 s since the last one' }]);
  });

  it('heartbeatGap: not checked unless asked for', () => {
    const tracker = new ConversationTracker();
    tracker.tick(0);
    expect(tracker.tick(1e9)).toEqual([]);
  });
});

describe('ConversationTracker: events in full', () => {
  it('reports heartbeats with the time since the previous one', () => {
    const tracker = new ConversationTracker();
    expect(tracker.observe('device', { type: 'Heartbeat', imei }, 1_000)).toStrictEqual([
      { kind: 'heartbeat', flow: 'heartbeat', imei, at: 1_000, sincePrevious: undefined, description: 'heartbeat (CH)' },
    ]);
    expect(tracker.observe('device', { type: 'Heartbeat', imei }, 3_500)).toStrictEqual([
      { kind: 'heartbeat', flow: 'heartbeat', imei, at: 3_500, sincePrevious: 2_500, description: 'heartbeat (CH), 2.5 s after the previous one' },
    ]);
  });

  it('reports completed lends as lend flows, failed ones included', () => {
    const events = track([
      ['server', { type: 'LendRequest', ...bank, slot: 1 }],
      ['device', { type: 'LendSuccess', ...bank, slot: 1 }],
      ['server', { type: 'LendSuccessAck', ...bank, slot: 1 }],
      ['server', { type: 'LendRequest', ...bank }],
      ['device', { type: 'LendFailure', ...bank }],
      ['server', { type: 'LendFailureAck', ...bank }],
    ]);
    const step = (move: string, from: 'device' | 'server', type: Message['type'], slot: number, at: number) => ({ move, from, message: { type, ...bank, slot }, at });
    expect(events).toStrictEqual([
      {
        kind: 'lent',
        flow: 'lend',
        imei,
        slot: 1,
        powerBankId: '1234567890',
        startedAt: 0,
        at: 2,
        steps: [step('CC', 'server', 'LendRequest', 1, 0), step('MC.BO', 'device', 'LendSuccess', 1, 1), step('AM.BO', 'server', 'LendSuccessAck', 1, 2)],
        description: 'lent: slot 1, power bank 1234567890 (CC → MC.BO → AM.BO)',
      },
      {
        kind: 'lendFailed',
        flow: 'lend',
        imei,
        slot: 2,
        powerBankId: '1234567890',
        startedAt: 3,
        at: 5,
        steps: [step('CC', 'server', 'LendRequest', 2, 3), step('MR.BF', 'device', 'LendFailure', 2, 4), step('AR.BF', 'server', 'LendFailureAck', 2, 5)],
        description: 'lend failed: slot 2, power bank 1234567890 (CC → MR.BF → AR.BF)',
      },
    ]);
  });

  it('describes an IMEI mismatch, a message from the wrong side and a heartbeat gap in one line each', () => {
    const tracker = new ConversationTracker({ imei, heartbeatGap: 10_000 });
    const events = [
      ...tracker.observe('device', { type: 'Heartbeat', imei: '860123456789022' }, 0),
      ...tracker.observe('server', { type: 'LendSuccess', ...bank }, 1),
      ...tracker.tick(20_000),
    ];
    expect(violationsOf(events).map((violation) => violation.description)).toEqual([
      'heartbeat: imei mismatch — expected: 860123456789014, the station\'s IMEI; received: 860123456789022 in CH heartbeat',
      'lend: wrong direction — expected: MC.BO only from the station; received: MC.BO lent: slot 2, power bank 1234567890 from the server',
      'heartbeat: heartbeat gap — expected: a heartbeat (CH) at least every 10.0 s; received: nothing for 20.0 s since the last one',
    ]);
  });
});

describe('ConversationTracker: which flow an answer belongs to', () => {
  it('prefers the flow with the same power bank when no flow has the same slot', () => {
    const events = track([
      ['server', { type: 'LendRequest', ...bank, slot: 1, powerBankId: 'A' }],
      ['server', { type: 'LendRequest', ...bank, slot: 2, powerBankId: 'B' }],
      ['device', { type: 'LendSuccess', ...bank, slot: 3, powerBankId: 'B' }],
    ]);
    expect(violationsOf(events)).toMatchObject([{ field: 'slot', expected: '2, as in CC lend request: slot 2, power bank B', received: '3 in MC.BO lent: slot 3, power bank B' }]);
  });

  it.each<[string, number, 'device' | 'server', Message, string]>([
    ['only flows waiting for the other side have its slot', 2, 'server', { type: 'LendSuccessAck', ...bank }, 'lend: unexpected: no lend is waiting for it — expected: first an MC.BO'],
    ['the flows waiting for its side are at other slots', 1, 'device', { type: 'ReturnSuccess', ...bank, slot: 3 }, 'return: unexpected: no return is waiting for it — expected: first an MQ'],
  ])('reports an answer as unexpected, leaving the flows open, when %s', (_, slot, from, answer, description) => {
    const tracker = new ConversationTracker();
    const events = track([['server', { type: 'LendRequest', ...bank, slot }], [from, answer]], tracker);
    expect(violationsOf(events)).toMatchObject([{ violation: 'unexpected', description: expect.stringContaining(description) }]);
    expect(tracker.openFlows()).toMatchObject([{ flow: 'lend', slot }]);
  });

  it('reports the wrong message at a step as meant for the flow at its slot, whatever its power bank, and ends that flow', () => {
    const tracker = new ConversationTracker();
    const events = track(
      [
        ['device', { type: 'OwnershipQuery', ...bank }],
        ['server', { type: 'OwnershipAnswer', belongs: true, ...bank }],
        ['device', { type: 'LendSuccess', ...bank, powerBankId: 'OTHER' }],
      ],
      tracker,
    );
    expect(violationsOf(events)).toStrictEqual([
      {
        kind: 'violation',
        violation: 'unexpected',
        flow: 'return',
        imei,
        expected: 'after RQ.T (slot 2, power bank 1234567890) the station reports MC.RO (returned) or MR.RF (return failed)',
        received: 'MC.BO lent: slot 2, power bank OTHER',
        message: { type: 'LendSuccess', ...bank, powerBankId: 'OTHER' },
        // The flow as it stood: the wrong message is not one of its steps.
        steps: [
          { move: 'MQ', from: 'device', message: { type: 'OwnershipQuery', ...bank }, at: 0 },
          { move: 'RQ.T', from: 'server', message: { type: 'OwnershipAnswer', belongs: true, ...bank }, at: 1 },
        ],
        at: 2,
        description:
          'return: wrong message — expected: after RQ.T (slot 2, power bank 1234567890) the station reports MC.RO (returned) or MR.RF (return failed); received: MC.BO lent: slot 2, power bank OTHER',
      },
    ]);
    expect(tracker.openFlows()).toEqual([]);
  });

  it('ends a return with RQ.F only at the ownership step: an ack where RQ.T or RQ.F is due is the wrong message', () => {
    const tracker = new ConversationTracker();
    const events = track(
      [
        ['device', { type: 'OwnershipQuery', ...bank }],
        ['server', { type: 'ReturnSuccessAck', ...bank }],
      ],
      tracker,
    );
    expect(events).toMatchObject([{ kind: 'violation', violation: 'unexpected', flow: 'return', description: expect.stringContaining('return: wrong message') }]);
  });

  it('does not take RQ.F as the end of a lend waiting for its ack', () => {
    const events = track([
      ['server', { type: 'LendRequest', ...bank }],
      ['device', { type: 'LendSuccess', ...bank }],
      ['server', { type: 'OwnershipAnswer', belongs: false, ...bank }],
    ]);
    expect(events).toMatchObject([{ kind: 'violation', violation: 'unexpected', flow: 'lend', expected: 'the server acknowledges MC.BO (slot 2, power bank 1234567890) with AM.BO' }]);
  });

  it('gives a violation inside a flow the flow as it stood, and a violation outside any flow none', () => {
    const request: Message = { type: 'LendRequest', ...bank };
    const tracker = new ConversationTracker();
    tracker.observe('server', request, 0);
    const [mismatch] = violationsOf(tracker.observe('device', { type: 'LendSuccess', ...bank, slot: 3 }, 1));
    expect(mismatch).toMatchObject({ violation: 'mismatch', field: 'slot', steps: [{ move: 'CC', message: request, at: 0 }] });
    const [second] = violationsOf(tracker.observe('server', { type: 'LendRequest', ...bank, slot: 3 }, 2));
    expect(second).toMatchObject({ violation: 'unexpected', steps: [{ move: 'CC', at: 0 }, { move: 'MC.BO', at: 1 }] });
    const [lone] = violationsOf(tracker.observe('device', { type: 'ReturnSuccess', ...bank }, 3));
    expect(lone).toMatchObject({ violation: 'unexpected' });
    expect(lone).not.toHaveProperty('steps');
  });

  it('reports RQ.F as a rejected return', () => {
    const events = track([
      ['device', { type: 'OwnershipQuery', ...bank }],
      ['server', { type: 'OwnershipAnswer', belongs: false, ...bank }],
    ]);
    expect(events).toStrictEqual([
      {
        kind: 'returnRejected',
        flow: 'return',
        imei,
        slot: 2,
        powerBankId: '1234567890',
        startedAt: 0,
        at: 1,
        steps: [
          { move: 'MQ', from: 'device', message: { type: 'OwnershipQuery', ...bank }, at: 0 },
          { move: 'RQ.F', from: 'server', message: { type: 'OwnershipAnswer', belongs: false, ...bank }, at: 1 },
        ],
        description: 'return rejected: slot 2, power bank 1234567890 (MQ → RQ.F)',
      },
    ]);
  });
});

describe('ConversationTracker.observeItem: what the decoder reports', () => {
  function observeStream(stream: string, mode: 'lenient' | 'strict', tracker = new ConversationTracker()): ConversationEvent[] {
    const decoder = createDecoder({ mode, from: 'device' });
    return [...decoder.push(ascii(stream)), ...decoder.end()].flatMap((item) => tracker.observeItem('device', item, 0));
  }

  it('reports each deviation lenient mode accepted, then follows the message', () => {
    const events = observeStream('{860123456789014,CH,,3fce}\r\n', 'lenient');
    expect(events).toMatchObject([
      { violation: 'deviation', code: 'QUOTES', flow: 'heartbeat', offset: 1, message: { type: 'Heartbeat' }, imei },
      { violation: 'deviation', code: 'LOWERCASE_CRC', expected: 'the CRC in uppercase hex', received: 'the CRC "3fce" at byte 21 is in lowercase hex' },
      { kind: 'heartbeat' },
    ]);
    expect(events[1]?.description).toBe(
      'frame at byte 0 {860123456789014,CH,,3fce}: LOWERCASE_CRC — expected: the CRC in uppercase hex; received: the CRC "3fce" at byte 21 is in lowercase hex',
    );
  });

  it('decodes again, leniently, a frame strict mode refused for a deviation, and follows its message', () => {
    const tracker = new ConversationTracker();
    tracker.observe('server', { type: 'LendRequest', ...bank }, 0);
    const station = new StationSimulator({ imei, deviations: ['SEPARATOR', 'LINE_ENDING'] });
    const frame = new TextDecoder().decode(station.encode({ type: 'LendSuccess', ...bank }));
    expect(frame).toBe('{"860123456789014,MC.BO.2.1234567890,E95C"}\n');
    const events = observeStream(frame, 'strict', tracker);
    expect(events).toMatchObject([
      { violation: 'deviation', code: 'SEPARATOR', flow: 'lend', received: expect.stringContaining('(strict mode refuses the frame)') },
      { violation: 'deviation', code: 'LINE_ENDING', flow: 'lend', expected: '"\\r\\n"', received: '"\\n"', offset: 43 },
    ]);
    expect(events[1]?.description).toBe('line ending at byte 43: LINE_ENDING — expected: "\\r\\n"; received: "\\n"');
    expect(tracker.openFlows()).toMatchObject([{ flow: 'lend', expected: expect.stringContaining('with AM.BO') }]);
  });

  it('reports a frame both deviant and broken as a deviation and a decode error', () => {
    const events = observeStream('{860123456789014,CH,,0000}\r\n', 'strict');
    expect(events).toMatchObject([
      { violation: 'deviation', code: 'QUOTES', flow: undefined },
      { violation: 'decodeError', code: 'CRC', received: expect.stringContaining('does not match 3FCE') },
    ]);
  });

  it('reports a frame that does not decode, with its IMEI and flow when known', () => {
    const events = observeStream('{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n{"86012345678901X,CH,,0000"}\r\n', 'strict');
    expect(events).toMatchObject([
      { violation: 'decodeError', code: 'DIRECTION', flow: 'lend', offset: 0, imei },
      { violation: 'decodeError', code: 'CRC', flow: undefined, offset: 45 },
    ]);
    expect(events[0]?.description).toBe(
      'frame at byte 0 {"860123456789014,CC,BW.2.1234567890,7BA7"}: DIRECTION error — expected: a frame that decodes; received: LendRequest (CC at byte 18) is sent by the server, but these frames come from the device',
    );
  });

  it('reports noise, truncated and oversized frames as discarded, escaping what is not printable', () => {
    const heartbeat = '{"860123456789014,CH,,3FCE"}\r\n';
    const events = observeStream(`AT\x00\r\n${heartbeat}{"8601${heartbeat}{"${'A'.repeat(1100)}"}`, 'lenient').filter((event) => event.kind === 'violation');
    expect(events).toMatchObject([
      { violation: 'discarded', code: 'noise', offset: 0, received: '"AT\\x00"' },
      { violation: 'discarded', code: 'truncated', offset: 35, received: '"{"8601"' },
      { violation: 'discarded', code: 'tooLong', offset: 71, received: expect.stringMatching(/^"\{"A+…"$/) },
      { violation: 'discarded', code: 'tooLong', offset: 1095, received: expect.stringMatching(/^"A+…"$/) },
    ]);
    expect(events[0]?.description).toBe('3 bytes at byte 0: discarded, noise — expected: complete frames, nothing between them but line endings; received: "AT\\x00"');
  });

  it('shows unprintable bytes of a frame escaped, and at most 80 bytes of it', () => {
    const long = `{"860123456789014,AQ,${'1.FU.1234567890;'.repeat(6)},0000"}`;
    const events = observeStream(`{"860123456789014,CH\r\n,,3FCE"}\r\n${long}\r\n`, 'strict');
    expect(events).toMatchObject([
      { violation: 'decodeError', description: expect.stringContaining('frame at byte 0 {"860123456789014,CH\\r\\n,,3FCE"}: FRAME error') },
      { violation: 'decodeError', description: expect.stringContaining(`frame at byte 32 ${long.slice(0, 80)}…: `) },
    ]);
  });

  it('reports a frame followed directly by the next bytes, without a line ending, for each side apart', () => {
    const tracker = new ConversationTracker();
    const heartbeat = '{"860123456789014,CH,,3FCE"}';
    const events = observeStream(`${heartbeat}${heartbeat}\r\n${heartbeat}AT\r\n`, 'strict', tracker);
    expect(events.map((event) => (event.kind === 'violation' ? `${event.violation}:${event.code}@${event.offset}` : event.kind))).toEqual([
      'heartbeat',
      'deviation:LINE_ENDING@28',
      'heartbeat',
      'heartbeat',
      'deviation:LINE_ENDING@86',
      'discarded:noise@86',
    ]);
    expect(events[1]).toMatchObject({
      flow: 'heartbeat',
      description: 'line ending at byte 28: LINE_ENDING — expected: "\\r\\n"; received: nothing: the next bytes follow the } directly',
    });
    // The server's stream is another stream: its offsets do not continue the station's.
    const server = createDecoder({ from: 'server' }).push(ascii('{"860123456789014,CQ,,AFC5"}\r\n'));
    expect(server.flatMap((item) => tracker.observeItem('server', item, 0))).toEqual([]);
    // Without a line ending in the dialect, none is expected.
    const bare = new ConversationTracker({ dialect: { lineEnding: '' } });
    const decoder = createDecoder({ dialect: { lineEnding: '' } });
    expect(decoder.push(ascii(`${heartbeat}${heartbeat}`)).flatMap((item) => bare.observeItem('device', item, 0)).map((event) => event.kind)).toEqual(['heartbeat', 'heartbeat']);
  });

  it('shows printable ASCII from space to tilde as is, and escapes the bytes around it', () => {
    const decoder = createDecoder();
    const items = [...decoder.push(Uint8Array.of(0x1f, 0x20, 0x41, 0x7e, 0x7f, 0xff)), ...decoder.end()];
    expect(items.flatMap((item) => new ConversationTracker().observeItem('device', item, 0))).toMatchObject([
      { violation: 'discarded', code: 'noise', received: '"\\x1f A~\\x7f\\xff"' },
    ]);
  });

  it('shows a frame of exactly 80 bytes whole, without an ellipsis', () => {
    const frame = `{"860123456789014,AQ,1.FU.1234567890;2.FU.1234567890;3.FU.12345678901234;,0000"}`;
    expect(frame).toHaveLength(80);
    const events = observeStream(`${frame}\r\n`, 'strict');
    expect(events).toMatchObject([{ violation: 'decodeError', code: 'CRC', description: expect.stringMatching(/^frame at byte 0 \{.*\}: CRC error — /) }]);
    expect(events[0]?.description.startsWith(`frame at byte 0 ${frame}: CRC error`)).toBe(true);
  });

  it('notices a missing line ending after a frame that did not decode', () => {
    const events = observeStream('{"860123456789014,CH,,0000"}{"860123456789014,CH,,3FCE"}\r\n', 'strict');
    expect(events.map((event) => (event.kind === 'violation' ? `${event.violation}:${event.code}@${event.offset}` : event.kind))).toEqual([
      'decodeError:CRC@0',
      'deviation:LINE_ENDING@28',
      'heartbeat',
    ]);
  });

  it('places the deviation of a frame both deviant and broken in the stream, and describes it', () => {
    const events = observeStream('{"860123456789014,CH,,3FCE"}\r\n{860123456789014,CH,,0000}\r\n', 'strict');
    expect(events).toMatchObject([{ kind: 'heartbeat' }, { violation: 'deviation', code: 'QUOTES', offset: 31 }, { violation: 'decodeError', code: 'CRC', offset: 30 }]);
    expect(events[1]?.description).toMatch(/^frame at byte 30 \{860123456789014,CH,,0000\}: QUOTES — expected: the body between double quotes/);
  });

  it('keeps the station\'s IMEI on a decode error whose frame has none that can be read', () => {
    const events = observeStream('{"86012345678901X,CH,,0000"}\r\n', 'strict', new ConversationTracker({ imei }));
    expect(events).toMatchObject([{ violation: 'decodeError', imei }]);
  });

  it('reports a line ending where the dialect has none', () => {
    const tracker = new ConversationTracker({ dialect: { lineEnding: '' } });
    const decoder = createDecoder({ dialect: { lineEnding: '' } });
    const events = decoder.push(ascii('{"860123456789014,CH,,3FCE"}\r\n')).flatMap((item) => tracker.observeItem('device', item, 0));
    expect(events).toMatchObject([{ kind: 'heartbeat' }, { violation: 'deviation', code: 'LINE_ENDING', expected: 'no line ending', received: '"\\r\\n"' }]);
  });

  it('re-decodes in the tracker\'s dialect', () => {
    const dialect = { crc: 'CRC-16/XMODEM', quotes: false } as const;
    const tracker = new ConversationTracker({ dialect });
    const frame = encode({ type: 'Heartbeat', imei }, { dialect: { ...dialect, quotes: true } });
    const decoder = createDecoder({ dialect, mode: 'strict' });
    const events = decoder.push(frame).flatMap((item) => tracker.observeItem('device', item, 0));
    expect(events).toMatchObject([{ violation: 'deviation', code: 'QUOTES' }, { kind: 'heartbeat' }]);
  });

  it('never throws, and reports every event with a description, whatever the messages', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('device' as const, 'server' as const), arbMessage(), fc.integer({ min: 0, max: 100_000 }))), (steps) => {
        const tracker = new ConversationTracker({ answerTimeout: 10_000, heartbeatGap: 50_000 });
        let now = 0;
        for (const [from, message, wait] of steps) {
          now += wait;
          for (const event of tracker.observe(from, message, now)) expect(event.description.length).toBeGreaterThan(0);
        }
        for (const event of tracker.tick(now + 10_001)) expect(event.kind).toBe('violation');
        expect(tracker.openFlows()).toEqual([]);
      }),
    );
  });
});
