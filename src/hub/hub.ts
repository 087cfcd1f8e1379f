/**
 * The station hub: every connection, every station and every request of a server, in
 * one sans-I/O object. Bytes in (`link.receive`), bytes out (`transport.send`), time
 * passed in (`now` on every call, `tick` for deadlines); no socket, timer or clock.
 *
 * @module
 */

import { ProtocolError } from '../errors.js';
import { isPowerBankId } from '../fields/powerBankId.js';
import { isSlot } from '../fields/slot.js';
import type { Message } from '../messages/index.js';
import type { HubEvent } from './events.js';
import { onStationMessage, type FlowHost } from './flows.js';
import { Deadlines } from './deadlines.js';
import { HubLink, type LinkEnd, type LinkOwner, type StationLink, type Transport } from './link.js';
import { checkHubOptions, type HubSettings, type StationHubOptions } from './options.js';
import type { LendOptions, LendOutcome, RequestOptions, StationInfo, StatusOutcome } from './outcomes.js';
import { publicView, Requests, type EarlyOutcome, type Pending } from './requests.js';
import { exportStations, restoreStations, type HubSnapshot } from './snapshot.js';
import { NONE, StationState } from './station.js';

/**
 * A server's side of the protocol for many stations, sans-I/O. See
 * {@link createStationHub}.
 *
 * @example
 * ```ts
 * import { createStationHub, type StationHub } from 'powerbank-codec';
 *
 * const hub: StationHub = createStationHub({ ownership: () => true });
 * hub.nextDeadline(); // undefined: nothing to wait for
 * ```
 */
export interface StationHub {
  /** A new connection (one per TCP connection), opened at `now`. */
  connect(transport: Transport, now: number): StationLink;
  /**
   * Lends the power bank in `slot` of station `imei`: sends `CC`, and settles with the
   * station's answer, or `timeout` once `tick` passes the deadline, or `offline`,
   * `aborted`, `refused` (see {@link LendOutcome}). Never rejects; throws a
   * `ProtocolError` (`OPTIONS`) at once when `now` or `timeoutMs` is not a valid number.
   */
  lend(imei: string, slot: number, options: LendOptions): Promise<LendOutcome>;
  /**
   * Asks station `imei` for its status (`CQ`); queries in flight together share one `CQ`
   * and its answer. Never rejects; throws like {@link StationHub.lend} for invalid options.
   */
  queryStatus(imei: string, options: RequestOptions): Promise<StatusOutcome>;
  /** Runs what is due at `now`: request deadlines, silent connections. */
  tick(now: number): void;
  /** The earliest time `tick` has something to do, or `undefined` when nothing waits. */
  nextDeadline(): number | undefined;
  /** What the hub knows about station `imei`, or `undefined` when it has never heard of it. */
  station(imei: string): StationInfo | undefined;
  /** Settles when no request and no ownership check is in flight (for a graceful shutdown). */
  drain(): Promise<void>;
  /** What billing depends on, as plain JSON (see {@link HubSnapshot}); the hub goes on as before. */
  export(): HubSnapshot;
  /**
   * Takes over the state of a snapshot (from another process): its requests settle here,
   * at their deadlines or with the station's answer once it reconnects, and only through
   * `settled` events (their promises and signals stayed in the other process). Request
   * ids go on from the snapshot's. Throws a `ProtocolError` (`OPTIONS`) for what is not
   * a snapshot, or names a request already in flight here.
   */
  restore(snapshot: HubSnapshot): void;
}

/**
 * Creates a station hub: the whole server side of PROTOCOL.md section 5 for any number
 * of stations, without I/O. Hand it each connection's bytes and the time, call `tick`
 * at `nextDeadline()`, and it writes the answers through each connection's `send`, reports
 * {@link HubEvent}s, and settles `lend` and `queryStatus`. Invalid options throw a
 * `ProtocolError` (`OPTIONS`).
 *
 * @example
 * ```ts
 * import { createStationHub } from 'powerbank-codec';
 *
 * const sent: string[] = [];
 * const hub = createStationHub({ ownership: () => true, onEvent: (event) => console.log(event.type) });
 * const link = hub.connect({ send: (bytes) => void sent.push(new TextDecoder().decode(bytes)), close: () => {} }, 0);
 * link.receive(new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\r\n'), 10); // 'online', 'heartbeat'
 * const lending = hub.lend('860123456789014', 2, { now: 20, powerBankId: '1234567890' });
 * sent; // ['{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n']
 * link.receive(new TextEncoder().encode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n'), 30);
 * await lending; // { outcome: 'lent', requestId: 1, imei: '860123456789014', slot: 2, powerBankId: '1234567890' }
 * ```
 */
export function createStationHub(options: StationHubOptions): StationHub {
  return new Hub(checkHubOptions(options));
}

/** The timeout of a request; a `ProtocolError` (`OPTIONS`) when `now` or `timeoutMs` is not a number a deadline can be made of. */
function checkRequest(options: RequestOptions, fallback: number): number {
  const { now, timeoutMs = fallback } = options ?? {};
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new ProtocolError('OPTIONS', 'now', `now must be a finite number of milliseconds; got ${String(now)}`);
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new ProtocolError('OPTIONS', 'timeoutMs', `timeoutMs must be a positive number; got ${String(timeoutMs)}`);
  }
  return timeoutMs;
}

/** The {@link StationHub}. */
class Hub implements StationHub, LinkOwner, FlowHost {
  readonly requests = new Requests();
  latest = -Infinity;
  private readonly links = new Set<HubLink>();
  /**
   * Every open link by the time it is due to be closed for silence. A link's deadline
   * only moves later as frames come (the entry then comes up early and is pushed again),
   * except when it binds, which schedules it anew.
   */
  private readonly linkDeadlines = new Deadlines<HubLink>();
  private readonly stations = new Map<string, StationState>();

  constructor(readonly settings: HubSettings) {}

  connect(transport: Transport, now: number): StationLink {
    this.at(now);
    const link = new HubLink(this, transport, now);
    this.links.add(link);
    this.schedule(link);
    return link;
  }

  lend(imei: string, slot: number, options: LendOptions): Promise<LendOutcome> {
    const timeoutMs = checkRequest(options, this.settings.answerTimeoutMs);
    const { now, signal } = options;
    this.at(now);
    const requestId = this.requests.newId();
    const station = this.stations.get(imei);
    const powerBankId = options.powerBankId ?? station?.bankIn(slot);
    const refuse = (reason: 'slotBusy' | 'unknownSlot' | 'noBank' | 'invalidId'): Promise<LendOutcome> =>
      this.immediately({ outcome: 'refused', requestId, imei, slot, reason }, 'lend', now);
    if (!isSlot(slot, this.settings.dialect.slotCount)) return refuse('unknownSlot');
    if (powerBankId !== undefined && !isPowerBankId(powerBankId)) return refuse('invalidId');
    if (station?.link === undefined) return this.immediately({ outcome: 'offline', requestId, imei, slot, ...(powerBankId === undefined ? {} : { powerBankId }) }, 'lend', now);
    if (station.lends.has(slot)) return refuse('slotBusy');
    if (powerBankId === undefined) return refuse('noBank');
    if (signal?.aborted === true) return this.immediately({ outcome: 'aborted', requestId, imei, slot, powerBankId }, 'lend', now);
    const pending = this.register({ requestId, kind: 'lend', imei, slot, powerBankId, deadline: now + timeoutMs }, signal);
    station.lends.set(slot, pending);
    this.send(station, { type: 'LendRequest', imei, slot, powerBankId }, now);
    return pending.promise as Promise<LendOutcome>;
  }

  queryStatus(imei: string, options: RequestOptions): Promise<StatusOutcome> {
    const timeoutMs = checkRequest(options, this.settings.answerTimeoutMs);
    const { now, signal } = options;
    this.at(now);
    const requestId = this.requests.newId();
    const station = this.stations.get(imei);
    if (station?.link === undefined) return this.immediately({ outcome: 'offline', requestId, imei }, 'status', now);
    if (signal?.aborted === true) return this.immediately({ outcome: 'aborted', requestId, imei }, 'status', now);
    const pending = this.register({ requestId, kind: 'status', imei, deadline: now + timeoutMs }, signal);
    station.queries = [...station.queries, pending];
    if (station.queries.length === 1) this.send(station, { type: 'StatusQuery', imei }, now);
    return pending.promise as Promise<StatusOutcome>;
  }

  tick(now: number): void {
    this.at(now);
    for (let link = this.firstLink(); link !== undefined && link.deadline <= now; link = this.firstLink()) {
      this.linkDeadlines.pop();
      link.shut(link.imei === undefined ? 'hello' : 'silent', now);
    }
    for (const pending of this.requests.due(now)) this.endEarly(pending, 'timeout', now);
  }

  nextDeadline(): number | undefined {
    const request = this.requests.earliest();
    const link = this.firstLink()?.deadline;
    return request === undefined || (link !== undefined && link < request) ? link : request;
  }

  /** Adds `link` to the deadlines if it is due earlier than it is scheduled. */
  private schedule(link: HubLink): void {
    const deadline = link.deadline;
    if (deadline >= link.scheduled) return;
    link.scheduled = deadline;
    this.linkDeadlines.push(deadline, link);
  }

  /**
   * The open link due first, its entry at the front of the deadlines: entries of closed
   * links, and older entries of a link scheduled again, are dropped; a link whose
   * deadline moved later since is pushed again at its deadline.
   */
  private firstLink(): HubLink | undefined {
    for (;;) {
      const link = this.linkDeadlines.firstItem;
      if (link === undefined) return undefined;
      const time = this.linkDeadlines.firstTime!;
      if (link.isClosed || !this.links.has(link) || time !== link.scheduled) {
        this.linkDeadlines.pop();
        continue;
      }
      if (link.deadline <= time) return link;
      this.linkDeadlines.pop();
      link.scheduled = Infinity;
      this.schedule(link);
    }
  }

  station(imei: string): StationInfo | undefined {
    const station = this.stations.get(imei);
    if (station === undefined) return undefined;
    const { online, lastSeen, lastStatus } = station;
    return { imei, online, lastSeen, lastStatus, pending: station.pending().map(publicView) };
  }

  drain(): Promise<void> {
    return this.requests.drain();
  }

  export(): HubSnapshot {
    return exportStations(this.stations.values(), this.requests.peekId());
  }

  restore(snapshot: HubSnapshot): void {
    restoreStations(snapshot, this.stations, this.requests);
  }

  // LinkOwner and FlowHost: what connections and flows call.

  emit(event: HubEvent): void {
    try {
      this.settings.onEvent(event);
    } catch {
      // The hub's state is already consistent; a listener's bug must not corrupt it.
    }
  }

  bind(link: HubLink, imei: string, now: number): void {
    link.imei = imei;
    this.schedule(link); // bound, it is due after the heartbeat timeout: maybe earlier than before
    let station = this.stations.get(imei);
    if (station === undefined) this.stations.set(imei, (station = new StationState(imei)));
    link.station = station;
    const old = station.link;
    station.link = link;
    if (old === undefined) {
      this.emit({ type: 'online', at: now, imei });
      return;
    }
    this.emit({ type: 'replaced', at: now, imei });
    old.shut('replaced', now);
  }

  message(link: HubLink, message: Message, now: number): void {
    this.at(now);
    const station = link.station!;
    station.lastSeen = now;
    onStationMessage(this, station, message, now);
  }

  gone(link: HubLink, why: LinkEnd, now: number): void {
    this.at(now);
    this.links.delete(link);
    if (link.imei === undefined) {
      if (why === 'hello') this.emit({ type: 'silent', at: now });
      return;
    }
    const station = link.station!;
    if (station.link !== link) return; // replaced by a newer connection
    station.link = undefined;
    this.emit({ type: 'offline', at: now, imei: station.imei, reason: why as 'closed' | 'silent' | 'abusive' | 'sendFailed' });
    for (const pending of station.pending()) this.endEarly(pending, 'offline', now);
  }

  send(station: StationState, message: Message, now: number): void {
    station.link?.send(message, now);
  }

  settle(pending: Pending, result: LendOutcome | StatusOutcome, now: number): void {
    if (!this.requests.settle(pending, result)) return;
    const station = this.stations.get(pending.imei)!;
    const { requestId, kind, imei, slot, powerBankId } = pending;
    const outcome = result.outcome;
    const early = outcome === 'timeout' || outcome === 'offline' || outcome === 'aborted';
    if (kind === 'lend') {
      station.lends.delete(slot!);
      if (early) station.expiredLends.set(slot!, { requestId, outcome, powerBankId: powerBankId! });
    } else {
      station.queries = station.queries.length === 1 ? NONE : station.queries.filter((query) => query !== pending);
      if (early) station.expiredQuery = { requestId, outcome };
    }
    this.emit({ type: 'settled', at: now, imei, requestId, kind, result });
  }

  /** Settles `pending` before its answer came: a later answer will be a late answer. */
  private endEarly(pending: Pending, outcome: EarlyOutcome, now: number): void {
    const { requestId, imei, slot, powerBankId } = pending;
    if (pending.kind === 'status') this.settle(pending, { outcome, requestId, imei }, now);
    else this.settle(pending, { outcome, requestId, imei, slot: slot!, powerBankId: powerBankId! }, now);
  }

  /** A request settled as it is made: nothing was sent. */
  private immediately<R extends LendOutcome | StatusOutcome>(result: R, kind: 'lend' | 'status', now: number): Promise<R> {
    this.emit({ type: 'settled', at: now, imei: result.imei, requestId: result.requestId, kind, result });
    return Promise.resolve(result);
  }

  /** Registers a request in flight, with its promise and its abort listener. */
  private register(request: Omit<Pending, 'resolve' | 'detach'>, signal: AbortSignal | undefined): Pending & { promise: Promise<unknown> } {
    let resolve: Pending['resolve'];
    const promise = new Promise<unknown>((settle) => (resolve = settle as Pending['resolve']));
    const pending: Pending & { promise: Promise<unknown> } = { ...request, resolve, detach: undefined, promise };
    if (signal !== undefined) {
      const abort = (): void => this.endEarly(pending, 'aborted', this.latest);
      signal.addEventListener('abort', abort, { once: true });
      pending.detach = () => signal.removeEventListener('abort', abort);
    }
    this.requests.add(pending);
    return pending;
  }

  /** Remembers the latest time given, for what resolves between calls. */
  private at(now: number): void {
    if (now > this.latest) this.latest = now;
  }
}
