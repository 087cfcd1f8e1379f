/**
 * The station hub against a model, with fast-check: two server processes (hubs) and
 * random interleavings of lends, returns, status queries, lost, late and repeated
 * messages, reconnects, garbage, aborts, ticks, stations that move to the other process
 * (with or without a hand-off), disconnects, process crashes (the survivor restores the
 * dead one's snapshot into its running hub), and listeners that call the hub from inside
 * an event. Checked: every request settles exactly once (its promise and its `settled`
 * event agree, whichever process it ends in); every report delivered is acknowledged on
 * the spot; every `MC.BO` a station sent in answer to a `CC` is reported as `lent` or
 * `lateAnswer` by a hub that holds that lend, so no lend is both `lent` and `timeout`
 * without a `lateAnswer`; `sent` says whether the `CC` went out; a listener sees the hub
 * as the call left it; nothing is lost across export, hand-off and restore.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, createStationHub, type HubEvent, type LendOutcome, type Message, type StationHub, type StationLink, type StatusOutcome } from 'powerbank-codec';
import { StationSimulator } from 'powerbank-codec/testing';

const IMEIS = ['860123456789014', '860123456789022'];
const STATIONS = IMEIS.length;
const SLOTS = 3;
const HOOKED = ['online', 'offline', 'replaced', 'status', 'lent', 'lendFailed', 'lateAnswer', 'duplicate', 'violation', 'returned', 'returnRejected', 'settled', 'abusive'] as const;

type Action =
  | { t: 'lend'; s: number; slot: number; named: boolean; abortable: boolean }
  | { t: 'status'; s: number }
  | { t: 'insert'; s: number; slot: number; id: number }
  | { t: 'toStation'; s: number; drop: boolean }
  | { t: 'toHub'; s: number }
  | { t: 'repeat'; s: number }
  | { t: 'reconnect'; s: number }
  | { t: 'disconnect'; s: number }
  | { t: 'kick'; s: number }
  | { t: 'move'; s: number }
  | { t: 'handOff'; s: number }
  | { t: 'garbage'; s: number; bytes: number }
  | { t: 'tick'; ms: number }
  | { t: 'abort' }
  | { t: 'crash'; p: number }
  | { t: 'hook'; on: (typeof HOOKED)[number]; call: 'lend' | 'status' | 'export' };

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
  { arbitrary: fc.record({ t: fc.constant('kick' as const), s: station }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('move' as const), s: station }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('handOff' as const), s: station }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('garbage' as const), s: station, bytes: fc.integer({ min: 1, max: 3_000 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 40_000 }) }), weight: 3 },
  { arbitrary: fc.constant({ t: 'abort' as const }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('crash' as const), p: fc.nat({ max: 1 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('hook' as const), on: fc.constantFrom(...HOOKED), call: fc.constantFrom('lend' as const, 'status' as const, 'export' as const) }), weight: 2 },
);

/** A message on its way, with the lend request it answers (a `CC`, or the `MC.BO` a station sent for it). */
interface InFlight {
  readonly message: Message;
  readonly requestId?: string;
}

const REPORTS = new Set(['LendSuccess', 'LendFailure', 'ReturnSuccess', 'ReturnFailure']);
const ACK: Record<string, string> = { LendSuccess: 'LendSuccessAck', LendFailure: 'LendFailureAck', ReturnSuccess: 'ReturnSuccessAck', ReturnFailure: 'ReturnFailureAck' };

class Model {
  now = 0;
  /** The two processes; a crashed one is replaced by a new hub with a new id. */
  readonly hubs: StationHub[] = [];
  readonly hubIds: string[] = [];
  private generation = 0;
  /** Every event heard (a crashed process is not heard any more), with the id of the hub that reported it. */
  readonly events: Array<{ hubId: string; event: HubEvent }> = [];
  readonly sims = IMEIS.map((imei, i) => new StationSimulator({ imei, seed: i + 1, banks: [{ slot: 1, powerBankId: `B${i}1` }], lendFailureRate: 0.2, returnFailureRate: 0.2, faultySlots: [3] }));
  /** The process each station talks to, and its connection there. */
  readonly owner: number[] = IMEIS.map(() => 0);
  readonly links: Array<StationLink | undefined> = IMEIS.map(() => undefined);
  /** Processes that still hold a station's state after it moved away from them without a hand-off. */
  readonly stale: Array<Set<number>> = IMEIS.map(() => new Set());
  /** The hub that holds each request's state (in flight or expired), by hub id. */
  readonly holder = new Map<string, string>();
  /** What the hub sent on each station's current connection, not yet handed to the station. */
  readonly toStation: InFlight[][] = IMEIS.map(() => []);
  readonly toHub: InFlight[][] = IMEIS.map(() => []);
  readonly lastReport: Array<Message | undefined> = IMEIS.map(() => undefined);
  /** What the hub wrote during the current `receive`. */
  private written: Message[] = [];
  /** How many `CC` the hubs wrote, on any connection. */
  private commands = 0;
  readonly promises = new Map<string, Array<LendOutcome | StatusOutcome>>();
  /** Whether a `CC` went out for each lend the model made. */
  readonly commandSent = new Map<string, boolean>();
  /** Requests of processes that crashed: their promises may never settle. */
  readonly orphaned = new Set<string>();
  readonly controllers: AbortController[] = [];
  private hook: Extract<Action, { t: 'hook' }> | undefined = undefined;
  failures: string[] = [];

  constructor() {
    for (let p = 0; p < 2; p++) this.startProcess(p);
  }

  startProcess(p: number): void {
    const hubId = `p${this.generation++}`;
    const hub: StationHub = createStationHub({
      hubId,
      ownership: (id) => !id.endsWith('3'),
      garbageBudgetBytes: 4_000,
      onEvent: (event) => {
        if (this.hubs[p] !== hub) return; // a crashed process is not heard
        this.events.push({ hubId, event });
        this.react(p, event);
      },
    });
    this.hubs[p] = hub;
    this.hubIds[p] = hubId;
  }

  /** A listener's call to the hub, armed by a `hook` action: first, what it sees must be the hub as the call left it. */
  react(p: number, event: HubEvent): void {
    const hook = this.hook;
    if (hook === undefined || hook.on !== event.type || event.imei === undefined) return;
    this.hook = undefined;
    const hub = this.hubs[p]!;
    const seen = hub.station(event.imei);
    if (event.type === 'settled' && seen?.pending.some((request) => request.requestId === event.requestId)) this.failures.push(`settled ${event.requestId} still pending in the listener`);
    if ((event.type === 'lent' || event.type === 'lendFailed') && seen?.pending.some((request) => request.requestId === event.requestId)) this.failures.push(`${event.type} ${event.requestId} still pending`);
    if (event.type === 'offline' && seen?.online === true) this.failures.push('offline, but online in the listener');
    const s = IMEIS.indexOf(event.imei);
    if (hook.call === 'lend') this.lend(p, s, ('slot' in event ? event.slot : 1) ?? 1, true, undefined);
    else if (hook.call === 'status') this.track(hub.queryStatus(event.imei, { now: this.now }));
    else JSON.parse(JSON.stringify(hub.export()));
  }

  connect(s: number): void {
    const decoder = createDecoder({ from: 'server' });
    const inbox: InFlight[] = [];
    this.toStation[s] = inbox;
    this.links[s] = this.hubs[this.owner[s]!]!.connect(
      {
        send: (bytes) => {
          for (const item of decoder.push(bytes)) {
            if (item.kind !== 'message') throw new Error('bad frame from the hub');
            this.written.push(item.message);
            if (item.message.type === 'LendRequest') this.commands++;
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
    const hubId = this.hubIds[this.owner[s]!]!;
    this.written = [];
    const before = this.events.length;
    this.links[s]!.receive(this.sims[s]!.encode(message), this.now);
    const caused = this.events.slice(before).filter((heard) => heard.hubId === hubId).map((heard) => heard.event);
    if (REPORTS.has(message.type)) {
      const ack = this.written.find((written) => written.type === ACK[message.type]);
      // A station sends an unacknowledged report again; the only excuse for no
      // acknowledgement is a connection closed under it (a flood before it).
      if (ack === undefined && !this.links[s]!.isClosed) this.failures.push(`no ${ACK[message.type]} for ${JSON.stringify(message)}`);
      if (ack === undefined) this.toHub[s]!.unshift({ message });
      this.lastReport[s] = message;
    }
    const { requestId } = inFlight;
    // A hub that holds the lend must report its answer; one that does not yet (the
    // station moved, the old process has not handed it off) acknowledges it all the same.
    if (message.type === 'LendSuccess' && requestId !== undefined && this.holder.get(requestId) === hubId) {
      if (!caused.some((event) => (event.type === 'lent' || event.type === 'lateAnswer') && event.imei === message.imei)) {
        this.failures.push(`MC.BO for request ${requestId} not reported as lent or late: ${caused.map((event) => event.type).join(',')}`);
      }
    }
  }

  track(promise: Promise<LendOutcome | StatusOutcome>): void {
    void promise.then((result) => {
      const list = this.promises.get(result.requestId) ?? [];
      list.push(result);
      this.promises.set(result.requestId, list);
      const sent = this.commandSent.get(result.requestId);
      if (sent !== undefined && result.sent !== sent) this.failures.push(`${result.requestId} ${result.outcome}: sent ${result.sent}, but the CC ${sent ? 'went out' : 'did not'}`);
    });
  }

  /** A lend by process `p`; its `CC` is tagged with the request id so that the station's answer can be followed. */
  lend(p: number, s: number, slot: number, named: boolean, signal: AbortSignal | undefined): void {
    const imei = IMEIS[s]!;
    const inbox = this.owner[s] === p ? this.toStation[s]! : [];
    const before = inbox.length;
    const commands = this.commands;
    const bank = this.sims[s]!.status().find((record) => record.slot === slot)?.powerBankId;
    const promise = this.hubs[p]!.lend(imei, slot, { now: this.now, signal, ...(named ? { powerBankId: bank ?? 'NONE' } : {}) });
    const pending = this.hubs[p]!.station(imei)?.pending.find((request) => request.kind === 'lend' && request.slot === slot);
    if (pending !== undefined && !this.holder.has(pending.requestId)) {
      this.holder.set(pending.requestId, this.hubIds[p]!);
      this.commandSent.set(pending.requestId, this.commands > commands);
      if (inbox.length > before) inbox[inbox.length - 1] = { message: inbox.at(-1)!.message, requestId: pending.requestId };
    }
    this.track(promise);
  }

  /** Station `s`'s state leaves process `from` for process `to`. */
  handOver(s: number, from: number, to: number): void {
    const snapshot = JSON.parse(JSON.stringify(this.hubs[from]!.handOff(IMEIS[s]!, this.now))) as ReturnType<StationHub['export']>;
    this.moveHolders(this.hubIds[from]!, this.hubIds[to]!, (requestId) => snapshot.stations.some((saved) => saved.pending.some((request) => request.requestId === requestId) || saved.expiredLends.some((expired) => expired.requestId === requestId)));
    this.hubs[to]!.restore(snapshot);
  }

  moveHolders(from: string, to: string, which: (requestId: string) => boolean): void {
    for (const [requestId, holder] of this.holder) if (holder === from && which(requestId)) this.holder.set(requestId, to);
  }

  run(a: Action): void {
    switch (a.t) {
      case 'lend': {
        const controller = new AbortController();
        if (a.abortable) this.controllers.push(controller);
        this.lend(this.owner[a.s]!, a.s, a.slot, a.named, controller.signal);
        return;
      }
      case 'status':
        this.track(this.hubs[this.owner[a.s]!]!.queryStatus(IMEIS[a.s]!, { now: this.now }));
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
      case 'kick':
        this.hubs[this.owner[a.s]!]!.disconnect(IMEIS[a.s]!, this.now);
        return;
      case 'move': {
        // The station's new connection lands on the other process; the old one stays half-open there.
        const from = this.owner[a.s]!;
        this.owner[a.s] = 1 - from;
        this.stale[a.s]!.add(from);
        this.stale[a.s]!.delete(1 - from);
        this.links[a.s] = undefined;
        this.toStation[a.s] = [];
        return;
      }
      case 'handOff': {
        const owner = this.owner[a.s]!;
        const [stale] = this.stale[a.s]!;
        if (stale !== undefined) {
          this.stale[a.s]!.delete(stale);
          this.handOver(a.s, stale, owner); // the old process gives up what it knows to the station's new one
          return;
        }
        this.handOver(a.s, owner, 1 - owner); // a planned move: the station reconnects to the other process
        this.owner[a.s] = 1 - owner;
        this.links[a.s] = undefined;
        this.toStation[a.s] = [];
        return;
      }
      case 'garbage':
        this.links[a.s]?.receive(new Uint8Array(a.bytes).fill(0x7b), this.now);
        return;
      case 'tick':
        this.now += a.ms;
        for (const hub of this.hubs) hub.tick(this.now);
        for (const sim of this.sims) sim.tick(this.now);
        return;
      case 'abort':
        this.controllers.shift()?.abort();
        return;
      case 'crash': {
        // Process p dies with its connections; the other restores its snapshot into its running hub and takes its stations.
        const p = a.p;
        const dead = this.hubIds[p]!;
        const snapshot = JSON.parse(JSON.stringify(this.hubs[p]!.export())) as ReturnType<StationHub['export']>;
        for (const saved of snapshot.stations) for (const request of saved.pending) this.orphaned.add(request.requestId);
        this.startProcess(p);
        this.hubs[1 - p]!.restore(snapshot);
        this.moveHolders(dead, this.hubIds[1 - p]!, () => true);
        for (let s = 0; s < STATIONS; s++) {
          this.stale[s]!.delete(p);
          if (this.owner[s] !== p) continue;
          this.owner[s] = 1 - p;
          this.stale[s]!.delete(1 - p);
          this.links[s] = undefined;
          this.toStation[s] = [];
        }
        return;
      }
      case 'hook':
        this.hook = a;
        return;
    }
  }

  /** Everything delivered, every move handed off, every deadline passed. */
  async finish(): Promise<void> {
    this.hook = undefined;
    for (let round = 0; round < 10; round++) {
      for (let s = 0; s < STATIONS; s++) {
        while (this.toStation[s]!.length > 0) this.run({ t: 'toStation', s, drop: false });
        while (this.toHub[s]!.length > 0) this.run({ t: 'toHub', s });
      }
    }
    for (let s = 0; s < STATIONS; s++) while (this.stale[s]!.size > 0) this.run({ t: 'handOff', s });
    this.now += 1_000_000;
    for (const hub of this.hubs) hub.tick(this.now);
    await Promise.all(this.hubs.map((hub) => hub.drain()));
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

describe('the station hub against a model', () => {
  it('settles every request exactly once, acknowledges every report, reports every lend, loses nothing across hand-off and restore', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 20, maxLength: 150, size: 'max' }), async (actions) => {
        const model = new Model();
        for (let s = 0; s < STATIONS; s++) model.connect(s);
        for (const a of actions) model.run(a);
        await model.finish();
        expect(model.failures).toEqual([]);
        const settled = new Map<string, HubEvent[]>();
        for (const { event } of model.events) {
          if (event.type !== 'settled') continue;
          settled.set(event.requestId, [...(settled.get(event.requestId) ?? []), event]);
        }
        for (const [requestId, events] of settled) {
          expect(events, `request ${requestId}`).toHaveLength(1);
          const promised = model.promises.get(requestId) ?? [];
          if (model.orphaned.has(requestId)) expect(promised.length).toBeLessThanOrEqual(1);
          else expect(promised, `request ${requestId}`).toEqual([events[0]!.type === 'settled' && events[0]!.result]);
        }
        for (const requestId of model.promises.keys()) expect(settled.has(requestId), `request ${requestId} settled`).toBe(true);
        for (const requestId of model.holder.keys()) expect(settled.has(requestId) || model.orphaned.has(requestId), `request ${requestId} settled`).toBe(true);
        for (const hub of model.hubs) {
          expect(hub.nextDeadline()).toBeUndefined(); // every connection fell silent, every request settled
          for (const imei of IMEIS) expect(hub.station(imei)?.pending ?? []).toEqual([]);
        }
        const lateOnce = model.events.flatMap(({ event }) => (event.type === 'lateAnswer' ? [event.requestId] : []));
        expect(new Set(lateOnce).size).toBe(lateOnce.length);
      }),
      { numRuns: 300 },
    );
  });
});
