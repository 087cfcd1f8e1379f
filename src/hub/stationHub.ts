/**
 * What a server calls on the station hub: the {@link StationHub} interface.
 * {@link createStationHub} makes one.
 *
 * @module
 */

import type { StationLink, Transport } from './link.js';
import type { LendOptions, LendOutcome, RequestOptions, StationInfo, StatusOutcome } from './outcomes.js';
import type { HubSnapshot } from './snapshot.js';

/**
 * A server's side of the protocol for many stations, sans-I/O. See
 * {@link createStationHub}.
 *
 * Events are delivered at the end of the call that caused them, once the hub's state has
 * settled, so a listener may call the hub (lend the slot a `lent` event freed, query a
 * station that came `online`); the events of such a call follow those already waiting.
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
   * `aborted`, `refused` (see {@link LendOutcome}; its `sent` says whether `CC` went
   * out). Never rejects; throws a `ProtocolError` (`OPTIONS`) at once when `now` or
   * `timeoutMs` is not a valid number.
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
  /**
   * Closes station `imei`'s connection from this side (`close()` is called): an
   * `offline` event (`disconnected`), and its requests in flight settle `offline`. What
   * the hub knows about the station stays. `false` when the station had no connection.
   */
  disconnect(imei: string, now: number): boolean;
  /**
   * Gives station `imei` up to another process: closes its connection, as
   * {@link StationHub.disconnect} does (`offline`, `handedOff`; its requests settle
   * `offline`, `sent` saying whether `CC` went out), then returns its state as a
   * snapshot and forgets it. Restore the snapshot in the hub that takes the station
   * over: an answer to this hub's lends is a `lateAnswer` there, a repeated report a
   * `duplicate`. A station this hub does not know gives a snapshot without stations.
   */
  handOff(imei: string, now: number): HubSnapshot;
  /** Settles when no request and no ownership check is in flight (for a graceful shutdown). */
  drain(): Promise<void>;
  /**
   * What billing depends on, as plain JSON (see {@link HubSnapshot}): of every station,
   * or of station `imei` only; the hub goes on as before.
   */
  export(imei?: string): HubSnapshot;
  /**
   * Takes over the state of a snapshot (from another process, or this one's last run),
   * merged into what the hub knows, so it can be done at any time, for one station or
   * all: its requests in flight settle here, at their deadlines or with the station's
   * answer, and only through `settled` events (their promises stayed in the other
   * process); a request the hub knows already is kept once. Where both sides know a
   * station, the newer last status wins, and, for returns under way and reports counted,
   * the side that heard from the station last; a restored lend of a slot that has a lend
   * in flight here settles `offline` at once (a `settled` event), its answer then being
   * a `lateAnswer`. Request ids are kept as they are; a snapshot of this hub's own
   * `hubId` makes new ids go on after its. Throws a `ProtocolError` (`OPTIONS`), before
   * changing anything, for what is not a snapshot.
   */
  restore(snapshot: HubSnapshot): void;
}
