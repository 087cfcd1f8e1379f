/**
 * The station hub: every connection, every station and every request of a server, in
 * one sans-I/O object. Bytes in (`link.receive`), bytes out (`transport.send`), time
 * passed in (`now` on every call, `tick` for deadlines); no socket, timer or clock.
 *
 * @module
 */

import { isPowerBankId } from '../fields/powerBankId.js';
import { isSlot } from '../fields/slot.js';
import type { Message } from '../messages/index.js';
import type { HubEvent, OfflineReason } from './events.js';
import { EventQueue } from './eventQueue.js';
import { onStationMessage, type FlowHost } from './flows.js';
import { HubLink, type LinkEnd, type LinkOwner, type StationLink, type Transport } from './link.js';
import { LinkDeadlines } from './linkDeadlines.js';
import { checkHubOptions, checkRequestOptions, type HubSettings, type StationHubOptions } from './options.js';
import type { LendOptions, LendOutcome, RequestOptions, StationInfo, StatusOutcome } from './outcomes.js';
import { newPending, publicView, Requests, type EarlyOutcome, type Pending } from './requests.js';
import { exportStations, restoreStations, type HubSnapshot, type RestoreHost } from './snapshot.js';
import type { StationHub } from './stationHub.js';
import { StationState } from './station.js';

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
 * const hub = createStationHub({ hubId: 'eu-1', ownership: () => true, onEvent: (event) => console.log(event.type) });
 * const link = hub.connect({ send: (bytes) => void sent.push(new TextDecoder().decode(bytes)), close: () => {} }, 0);
 * link.receive(new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\r\n'), 10); // 'online', 'heartbeat'
 * const lending = hub.lend('860123456789014', 2, { now: 20, powerBankId: '1234567890' });
 * sent; // ['{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n']
 * link.receive(new TextEncoder().encode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n'), 30);
 * await lending; // { outcome: 'lent', requestId: 'eu-1-1', imei: '860123456789014', slot: 2, powerBankId: '1234567890', sent: true }
 * ```
 */
export function createStationHub(options: StationHubOptions): StationHub {
  return new Hub(checkHubOptions(options));
}

/** The {@link StationHub}. */
class Hub implements StationHub, LinkOwner, FlowHost, RestoreHost {
  readonly requests: Requests;
  latest = -Infinity;
  /** Every open connection, by the time it is due to be closed for silence. */
  private readonly links = new LinkDeadlines();
  private readonly stations = new Map<string, StationState>();
  /** The events of the current call, delivered when it ends. */
  private readonly events: EventQueue;

  constructor(readonly settings: HubSettings) {
    this.requests = new Requests(settings.hubId);
    this.events = new EventQueue(settings.onEvent);
  }

  connect(transport: Transport, now: number): StationLink {
    this.at(now);
    const link = new HubLink(this, transport, now);
    this.links.opened(link);
    return link;
  }

  lend(imei: string, slot: number, options: LendOptions): Promise<LendOutcome> {
    const timeoutMs = checkRequestOptions(options, this.settings.answerTimeoutMs);
    return this.call(() => this.startLend(imei, slot, options, timeoutMs));
  }

  queryStatus(imei: string, options: RequestOptions): Promise<StatusOutcome> {
    const timeoutMs = checkRequestOptions(options, this.settings.answerTimeoutMs);
    return this.call(() => this.startQuery(imei, options, timeoutMs));
  }

  tick(now: number): void {
    this.call(() => {
      this.at(now);
      for (let link = this.links.due(now); link !== undefined; link = this.links.due(now)) link.shut(link.station === undefined ? 'hello' : 'silent', now);
      for (const pending of this.requests.due(now)) this.endEarly(pending, 'timeout', now);
    });
  }

  nextDeadline(): number | undefined {
    const request = this.requests.earliest();
    const link = this.links.earliest();
    return request === undefined || (link !== undefined && link < request) ? link : request;
  }

  station(imei: string): StationInfo | undefined {
    const station = this.stations.get(imei);
    if (station === undefined) return undefined;
    const { online, lastSeen, lastStatus } = station;
    return { imei, online, lastSeen, lastStatus, pending: station.pending().map(publicView) };
  }

  disconnect(imei: string, now: number): boolean {
    return this.call(() => {
      this.at(now);
      const link = this.stations.get(imei)?.link;
      link?.shut('disconnected', now);
      return link !== undefined;
    });
  }

  handOff(imei: string, now: number): HubSnapshot {
    return this.call(() => {
      this.at(now);
      const station = this.stations.get(imei);
      if (station === undefined) return exportStations([], this.requests);
      station.link?.shut('handedOff', now);
      const snapshot = exportStations([station], this.requests);
      // What is still in flight (requests restored here, which have no promise) goes on in the other hub.
      for (const pending of station.pending()) this.requests.remove(pending);
      this.stations.delete(imei);
      return snapshot;
    });
  }

  drain(): Promise<void> {
    return this.requests.drain();
  }

  export(imei?: string): HubSnapshot {
    const station = imei === undefined ? undefined : this.stations.get(imei);
    return exportStations(imei === undefined ? this.stations.values() : station === undefined ? [] : [station], this.requests);
  }

  restore(snapshot: HubSnapshot): void {
    this.call(() => restoreStations(snapshot, this));
  }

  // LinkOwner, FlowHost and RestoreHost: what connections, flows and restores call.

  emit(event: HubEvent): void {
    this.events.emit(event);
  }

  enter(): boolean {
    return this.events.enter();
  }

  leave(): void {
    this.events.leave();
  }

  call<T>(work: () => T): T {
    return this.events.call(work);
  }

  stationOf(imei: string): StationState {
    let station = this.stations.get(imei);
    if (station === undefined) this.stations.set(imei, (station = new StationState(imei)));
    return station;
  }

  bind(link: HubLink, imei: string, now: number): void {
    const station = this.stationOf(imei);
    station.lastSeen = now;
    link.station = station;
    this.links.schedule(link); // bound, it is due after the heartbeat timeout: maybe earlier than before
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
    station.lastSeen = now; // when its link is due, too
    onStationMessage(this, station, message, now);
  }

  gone(link: HubLink, why: LinkEnd, now: number): void {
    this.at(now);
    this.links.closed();
    const station = link.station;
    if (station === undefined) {
      if (why === 'hello') this.emit({ type: 'silent', at: now });
      return;
    }
    if (station.link !== link) return; // replaced by a newer connection
    station.link = undefined;
    this.emit({ type: 'offline', at: now, imei: station.imei, reason: why as OfflineReason });
    for (const pending of station.pending()) this.endEarly(pending, 'offline', now);
  }

  send(station: StationState, message: Message, now: number): boolean {
    return station.link?.send(message, now) ?? false;
  }

  settle(pending: Pending, result: LendOutcome | StatusOutcome, now: number): void {
    this.requests.settle(pending, result);
    this.stations.get(pending.imei)!.settled(pending, result.outcome, now);
    const { requestId, kind, imei } = pending;
    this.emit({ type: 'settled', at: now, imei, requestId, kind, result });
  }

  private startLend(imei: string, slot: number, options: LendOptions, timeoutMs: number): Promise<LendOutcome> {
    const { now, signal } = options;
    this.at(now);
    const requestId = this.requests.newId();
    const station = this.stations.get(imei);
    const powerBankId = options.powerBankId ?? station?.bankIn(slot);
    const refuse = (reason: 'slotBusy' | 'unknownSlot' | 'noBank' | 'invalidId'): Promise<LendOutcome> =>
      this.immediately({ outcome: 'refused', requestId, imei, slot, reason, sent: false }, 'lend', now);
    if (!isSlot(slot, this.settings.dialect.slotCount)) return refuse('unknownSlot');
    if (powerBankId !== undefined && !isPowerBankId(powerBankId)) return refuse('invalidId');
    const link = station?.link;
    if (station === undefined || link === undefined) {
      return this.immediately({ outcome: 'offline', requestId, imei, slot, ...(powerBankId === undefined ? {} : { powerBankId }), sent: false }, 'lend', now);
    }
    if (station.peek(slot)?.lend !== undefined) return refuse('slotBusy');
    if (powerBankId === undefined) return refuse('noBank');
    if (signal?.aborted === true) return this.immediately({ outcome: 'aborted', requestId, imei, slot, powerBankId, sent: false }, 'lend', now);
    const pending = newPending(requestId, 'lend', imei, slot, powerBankId, now + timeoutMs);
    const promise = this.register(pending, signal);
    station.slot(slot).lend = pending;
    // A `send` that throws closes the connection, which settles the lend `offline`, not sent.
    if (link.send({ type: 'LendRequest', imei, slot, powerBankId }, now)) pending.sent = true;
    return promise as Promise<LendOutcome>;
  }

  private startQuery(imei: string, options: RequestOptions, timeoutMs: number): Promise<StatusOutcome> {
    const { now, signal } = options;
    this.at(now);
    const requestId = this.requests.newId();
    const station = this.stations.get(imei);
    const link = station?.link;
    if (station === undefined || link === undefined) return this.immediately({ outcome: 'offline', requestId, imei, sent: false }, 'status', now);
    if (signal?.aborted === true) return this.immediately({ outcome: 'aborted', requestId, imei, sent: false }, 'status', now);
    const pending = newPending(requestId, 'status', imei, undefined, undefined, now + timeoutMs);
    const promise = this.register(pending, signal);
    station.queries = [...station.queries, pending];
    // One `CQ` per connection answers every query in flight.
    if (station.queriedOn !== link && link.send({ type: 'StatusQuery', imei }, now)) station.queriedOn = link;
    if (station.queriedOn === link) pending.sent = true;
    return promise as Promise<StatusOutcome>;
  }

  /** Settles `pending` before its answer came: a later answer will be a late answer. */
  private endEarly(pending: Pending, outcome: EarlyOutcome, now: number): void {
    const { requestId, imei, slot, powerBankId, sent } = pending;
    if (pending.kind === 'status') this.settle(pending, { outcome, requestId, imei, sent }, now);
    else this.settle(pending, { outcome, requestId, imei, slot: slot!, powerBankId: powerBankId!, sent }, now);
  }

  /** A request settled as it is made: nothing was sent. */
  private immediately<R extends LendOutcome | StatusOutcome>(result: R, kind: 'lend' | 'status', now: number): Promise<R> {
    this.emit({ type: 'settled', at: now, imei: result.imei, requestId: result.requestId, kind, result });
    return Promise.resolve(result);
  }

  /** Registers a request in flight, with its promise and its abort listener. */
  private register(pending: Pending, signal: AbortSignal | undefined): Promise<unknown> {
    const promise = new Promise<unknown>((settle) => (pending.resolve = settle as Pending['resolve']));
    if (signal !== undefined) {
      const abort = (): void => this.call(() => this.endEarly(pending, 'aborted', this.latest));
      signal.addEventListener('abort', abort, { once: true });
      pending.detach = () => signal.removeEventListener('abort', abort);
    }
    this.requests.add(pending);
    return promise;
  }

  /** Remembers the latest time given, for what resolves between calls. */
  private at(now: number): void {
    if (now > this.latest) this.latest = now;
  }
}
