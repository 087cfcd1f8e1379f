/**
 * The station hub against a model, with fast-check: random interleavings of lends,
 * returns, status queries, lost, late and repeated messages, reconnects, garbage, aborts,
 * ticks, and moves of the whole state to another hub (export, restore). Checked: every
 * request settles exactly once (its promise and its `settled` event agree); every report
 * delivered is acknowledged on the spot; every `MC.BO` a station sent in answer to a `CC`
 * is reported as `lent` or `lateAnswer`, so no lend is both `lent` and `timeout` without
 * a `lateAnswer`; nothing is lost across export and restore.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, createStationHub, type HubEvent, type LendOutcome, type Message, type StationHub, type StationLink, type StatusOutcome } from 'powerbank-codec';
import { StationSimulator } from 'powerbank-codec/testing';

const IMEIS = ['860123456789014', '860123456789022'];
const STATIONS = IMEIS.length;
const SLOTS = 3;

type Action =
  | { t: 'lend'; s: number; slot: number; named: boolean; abortable: boolean }
  | { t: 'status'; s: number }
  | { t: 'insert'; s: number; slot: number; id: number }
  | { t: 'toStation'; s: number; drop: boolean }
  | { t: 'toHub'; s: number }
  | { t: 'repeat'; s: number }
  | { t: 'reconnect'; s: number }
  | { t: 'disconnect'; s: number }
  | { t: 'garbage'; s: number; bytes: number }
  | { t: 'tick'; ms: number }
  | { t: 'abort' }
  | { t: 'migrate' };

const station = fc.nat({ max: STATIONS - 1 });
const slot = fc.integer({ min: 1, max: SLOTS });
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('lend' as const), s: station, slot, named: fc.boolean(), abortable: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('status' as const), s: station }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('insert' as const), s: station, slot, id: fc.nat({ max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('toStation' as const), s: station, drop: fc.boolean() }), weight: 6 },
  { arbitrary: fc.record({ t: fc.constant('toHub' as const), s: station }), weight: 6 },
  { arbitrary: fc.record({ t: fc.constant('repeat' as const), s: station }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('reconnect' as const), s: station }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('disconnect' as const), s: station }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('garbage' as const), s: station, bytes: fc.integer({ min: 1, max: 3_000 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 40_000 }) }), weight: 3 },
  { arbitrary: fc.constant({ t: 'abort' as const }), weight: 1 },
  { arbitrary: fc.constant({ t: 'migrate' as const }), weight: 1 },
);

/** A message on its way, with the lend request it answers (a `CC`, or the `MC.BO` a station sent for it). */
interface InFlight {
  readonly message: Message;
  readonly requestId?: number;
}

const REPORTS = new Set(['LendSuccess', 'LendFailure', 'ReturnSuccess', 'ReturnFailure']);
const ACK: Record<string, string> = { LendSuccess: 'LendSuccessAck', LendFailure: 'LendFailureAck', ReturnSuccess: 'ReturnSuccessAck', ReturnFailure: 'ReturnFailureAck' };

class Model {
  now = 0;
  hub!: StationHub;
  readonly events: HubEvent[] = [];
  readonly sims = IMEIS.map((imei, i) => new StationSimulator({ imei, seed: i + 1, banks: [{ slot: 1, powerBankId: `B${i}1` }], lendFailureRate: 0.2, returnFailureRate: 0.2, faultySlots: [3] }));
  readonly links: Array<StationLink | undefined> = IMEIS.map(() => undefined);
  /** What the hub sent on each station's current connection, not yet handed to the station. */
  readonly toStation: InFlight[][] = IMEIS.map(() => []);
  readonly toHub: InFlight[][] = IMEIS.map(() => []);
  readonly lastReport: Array<Message | undefined> = IMEIS.map(() => undefined);
  /** What the hub wrote during the current `receive`. */
  private written: Message[] = [];
  readonly promises = new Map<number, Array<LendOutcome | StatusOutcome>>();
  readonly migrated = new Set<number>();
  readonly controllers: AbortController[] = [];
  failures: string[] = [];

  constructor() {
    this.hub = this.newHub();
  }

  newHub(): StationHub {
    // A hub that was migrated away from is a dead process: what it still does is not heard.
    const hub: StationHub = createStationHub({ ownership: (id) => !id.endsWith('3'), onEvent: (event) => void (this.hub === hub && this.events.push(event)), garbageBudgetBytes: 4_000 });
    return hub;
  }

  connect(s: number): void {
    const decoder = createDecoder({ from: 'server' });
    const inbox: InFlight[] = [];
    this.toStation[s] = inbox;
    this.links[s] = this.hub.connect(
      {
        send: (bytes) => {
          for (const item of decoder.push(bytes)) {
            if (item.kind !== 'message') throw new Error('bad frame from the hub');
            this.written.push(item.message);
            inbox.push({ message: item.message });
          }
        },
        close: () => {},
      },
      this.now,
    );
    this.deliver(s, { message: { type: 'Heartbeat', imei: IMEIS[s]! } });
  }

  /** Hands one message to the hub on the station's connection (reconnecting first, as a station does). */
  deliver(s: number, inFlight: InFlight): void {
    if (this.links[s] === undefined || this.links[s]!.isClosed) this.connect(s);
    const { message } = inFlight;
    this.written = [];
    const before = this.events.length;
    this.links[s]!.receive(this.sims[s]!.encode(message), this.now);
    const caused = this.events.slice(before);
    if (REPORTS.has(message.type)) {
      const ack = this.written.find((written) => written.type === ACK[message.type]);
      // A station sends an unacknowledged report again; the only excuse for no
      // acknowledgement is a connection closed under it (a flood before it).
      if (ack === undefined && !this.links[s]!.isClosed) this.failures.push(`no ${ACK[message.type]} for ${JSON.stringify(message)}`);
      if (ack === undefined) this.toHub[s]!.unshift({ message });
      this.lastReport[s] = message;
    }
    if (message.type === 'LendSuccess' && inFlight.requestId !== undefined && !caused.some((event) => event.type === 'lent' || event.type === 'lateAnswer')) {
      this.failures.push(`MC.BO for request ${inFlight.requestId} not reported as lent or late: ${caused.map((event) => event.type).join(',')}`);
    }
  }

  track(promise: Promise<LendOutcome | StatusOutcome>): void {
    void promise.then((result) => {
      const list = this.promises.get(result.requestId) ?? [];
      list.push(result);
      this.promises.set(result.requestId, list);
    });
  }

  run(a: Action): void {
    switch (a.t) {
      case 'lend': {
        const imei = IMEIS[a.s]!;
        const controller = new AbortController();
        if (a.abortable) this.controllers.push(controller);
        const inbox = this.toStation[a.s]!;
        const before = inbox.length;
        const bank = this.sims[a.s]!.status().find((record) => record.slot === a.slot)?.powerBankId;
        this.track(this.hub.lend(imei, a.slot, { now: this.now, signal: controller.signal, ...(a.named ? { powerBankId: bank ?? 'NONE' } : {}) }));
        const pending = this.hub.station(imei)?.pending.find((request) => request.kind === 'lend' && request.slot === a.slot);
        if (inbox.length > before && pending !== undefined) inbox[inbox.length - 1] = { message: inbox[inbox.length - 1]!.message, requestId: pending.requestId };
        return;
      }
      case 'status':
        this.track(this.hub.queryStatus(IMEIS[a.s]!, { now: this.now }));
        return;
      case 'insert': {
        const sim = this.sims[a.s]!;
        if (!sim.emptySlots().includes(a.slot)) return;
        for (const message of sim.insert(a.slot, `R${a.s}${a.id}`, this.now)) this.toHub[a.s]!.push({ message });
        return;
      }
      case 'toStation': {
        const next = this.toStation[a.s]!.shift();
        if (next === undefined || a.drop) return;
        for (const message of this.sims[a.s]!.receive(next.message, this.now)) {
          this.toHub[a.s]!.push(message.type === 'LendSuccess' && next.requestId !== undefined ? { message, requestId: next.requestId } : { message });
        }
        return;
      }
      case 'toHub': {
        const next = this.toHub[a.s]!.shift();
        if (next !== undefined) this.deliver(a.s, next);
        return;
      }
      case 'repeat': {
        const last = this.lastReport[a.s];
        if (last !== undefined) this.deliver(a.s, { message: last });
        return;
      }
      case 'reconnect':
        this.connect(a.s);
        return;
      case 'disconnect':
        this.links[a.s]?.closed(this.now);
        return;
      case 'garbage':
        this.links[a.s]?.receive(new Uint8Array(a.bytes).fill(0x7b), this.now);
        return;
      case 'tick':
        this.now += a.ms;
        this.hub.tick(this.now);
        for (const sim of this.sims) sim.tick(this.now);
        return;
      case 'abort':
        this.controllers.shift()?.abort();
        return;
      case 'migrate': {
        // The process dies: its connections and whatever was on them are gone; another takes over.
        const snapshot = JSON.parse(JSON.stringify(this.hub.export())) as ReturnType<StationHub['export']>;
        for (const saved of snapshot.stations) for (const request of saved.pending) this.migrated.add(request.requestId);
        this.hub = this.newHub();
        this.hub.restore(snapshot);
        for (let s = 0; s < STATIONS; s++) {
          this.links[s] = undefined;
          this.toStation[s] = [];
        }
        return;
      }
    }
  }

  /** Everything delivered, every deadline passed. */
  async finish(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      for (let s = 0; s < STATIONS; s++) {
        while (this.toStation[s]!.length > 0) this.run({ t: 'toStation', s, drop: false });
        while (this.toHub[s]!.length > 0) this.run({ t: 'toHub', s });
      }
    }
    this.now += 1_000_000;
    this.hub.tick(this.now);
    await this.hub.drain();
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

describe('the station hub against a model', () => {
  it('settles every request exactly once, acknowledges every report, reports every lend, loses nothing across export and restore', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 20, maxLength: 150, size: 'max' }), async (actions) => {
        const model = new Model();
        for (let s = 0; s < STATIONS; s++) model.connect(s);
        for (const a of actions) model.run(a);
        await model.finish();
        expect(model.failures).toEqual([]);
        const settled = new Map<number, HubEvent[]>();
        for (const event of model.events) {
          if (event.type !== 'settled') continue;
          settled.set(event.requestId, [...(settled.get(event.requestId) ?? []), event]);
        }
        for (const [requestId, events] of settled) {
          expect(events, `request ${requestId}`).toHaveLength(1);
          const promised = model.promises.get(requestId) ?? [];
          if (model.migrated.has(requestId)) expect(promised.length).toBeLessThanOrEqual(1);
          else expect(promised, `request ${requestId}`).toEqual([events[0]!.type === 'settled' && events[0]!.result]);
        }
        for (const requestId of model.promises.keys()) expect(settled.has(requestId)).toBe(true);
        expect(model.hub.nextDeadline()).toBeUndefined(); // every connection fell silent, every request settled
        for (const imei of IMEIS) expect(model.hub.station(imei)?.pending ?? []).toEqual([]);
        const lateOnce = model.events.filter((event) => event.type === 'lateAnswer').map((event) => event.type === 'lateAnswer' && event.requestId);
        expect(new Set(lateOnce).size).toBe(lateOnce.length);
      }),
      { numRuns: 300 },
    );
  });
});
