/**
 * What the station hub reports: one union of plain objects, discriminated by `type`.
 * Every event has `at` (the `now` of the call that caused it, or the latest `now` the
 * hub was given, for an ownership check that resolved later) and, once the connection's
 * station is known, `imei`.
 *
 * @module
 */

import type { DecodeError } from '../errors.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { Message } from '../messages/index.js';
import type { DiscardedEvent } from '../stream/events.js';
import type { LendOutcome, StatusOutcome } from './outcomes.js';

/**
 * Why a station went offline: `closed` (the socket closed), `silent` (no valid frame for
 * `heartbeatTimeoutMs`), `abusive` (it flooded), `sendFailed` (the `send` callback
 * threw), `disconnected` ({@link StationHub.disconnect}), `handedOff`
 * ({@link StationHub.handOff}).
 *
 * @example
 * ```ts
 * import type { OfflineReason } from 'powerbank-codec';
 *
 * const ours = (reason: OfflineReason) => reason === 'disconnected' || reason === 'handedOff';
 * ```
 */
export type OfflineReason = 'closed' | 'silent' | 'abusive' | 'sendFailed' | 'disconnected' | 'handedOff';

/**
 * Everything the station hub reports, discriminated by `type`. Every event has `at` (the
 * `now` of the call that caused it; for an ownership check that resolved between calls,
 * or an abort, the latest `now` the hub was given) and, once the connection's station is
 * known, `imei`. Events are delivered in order, synchronously at the end of the call
 * that caused them (`receive`, `tick`, `lend`, …), once the hub's state has settled: a
 * listener may call the hub, and sees every change the event reports (the slot of a
 * `lent` event is free, the request of a `settled` event is no longer pending); the
 * events of its call are delivered after those already waiting.
 *
 * What a server usually does with them: `lent` / `lateAnswer` (a `LendSuccess` message)
 * start billing; `returned` stops it; `violation`, `frameError`, `abusive`,
 * `ownershipFailed` and `linkError` go to the logs; `online` / `offline` to monitoring.
 *
 * @example
 * ```ts
 * import { createStationHub, type HubEvent } from 'powerbank-codec';
 *
 * function onEvent(event: HubEvent): void {
 *   switch (event.type) {
 *     case 'lateAnswer':
 *       if (event.message.type === 'LendSuccess') console.warn(`request ${event.requestId}: the customer has ${event.message.powerBankId}`);
 *       break;
 *     case 'abusive': console.warn(`closed a flooding connection ${event.imei ?? ''}`); break;
 *     default: console.log(event.type, event.imei ?? '');
 *   }
 * }
 * createStationHub({ ownership: () => true, onEvent });
 * ```
 */
export type HubEvent =
  | /** The station's first valid frame bound a connection to it; it was offline before. */
    { readonly type: 'online'; readonly at: number; readonly imei: string }
  | /** The station connected again on a new connection while the old one was bound: the old one is closed; pending requests stay. */
    { readonly type: 'replaced'; readonly at: number; readonly imei: string }
  | /**
   * The station has no connection any more (see {@link OfflineReason}). Its pending lends
   * and status queries settle `offline`.
   */
    { readonly type: 'offline'; readonly at: number; readonly imei: string; readonly reason: OfflineReason }
  | /** A connection that never sent a valid frame was closed after `helloTimeoutMs`. */
    { readonly type: 'silent'; readonly at: number; readonly imei?: undefined }
  | /** A heartbeat (`CH`). */
    { readonly type: 'heartbeat'; readonly at: number; readonly imei: string }
  | /** A status answer (`AQ`), kept as the station's last status; `requestIds` are the queries it answered (none: unasked). */
    { readonly type: 'status'; readonly at: number; readonly imei: string; readonly slots: readonly SlotStatus[]; readonly requestIds: readonly string[] }
  | /** A lend succeeded (`MC.BO`, acknowledged): the customer has the bank. */
    { readonly type: 'lent'; readonly at: number; readonly imei: string; readonly requestId: string; readonly slot: number; readonly powerBankId: string }
  | /** A lend failed (`MR.BF`, acknowledged). */
    { readonly type: 'lendFailed'; readonly at: number; readonly imei: string; readonly requestId: string; readonly slot: number; readonly powerBankId: string }
  | /** A returned bank is in the station (`MC.RO`, acknowledged). */
    { readonly type: 'returned'; readonly at: number; readonly imei: string; readonly slot: number; readonly powerBankId: string }
  | /** The ownership check said no: `RQ.F` was sent, the station ejects the bank. */
    { readonly type: 'returnRejected'; readonly at: number; readonly imei: string; readonly slot: number; readonly powerBankId: string }
  | /** A return failed in the station (`MR.RF`, acknowledged). */
    { readonly type: 'returnFailed'; readonly at: number; readonly imei: string; readonly slot: number; readonly powerBankId: string }
  | /** The ownership check threw, rejected or gave no boolean (`error`), or the station was offline when it resolved (`offline`): no `RQ` was sent. */
    {
    readonly type: 'ownershipFailed';
    readonly at: number;
    readonly imei: string;
    readonly slot: number;
    readonly powerBankId: string;
    readonly reason: 'error' | 'offline';
    readonly error?: unknown;
  }
  | /**
   * An answer to a request that had already settled `timeout`, `offline` or `aborted`
   * (`outcome`). A late `MC.BO` means the customer has the bank although the app was told
   * otherwise: it is acknowledged and reported here, never dropped.
   */
    {
    readonly type: 'lateAnswer';
    readonly at: number;
    readonly imei: string;
    readonly requestId: string;
    readonly outcome: 'timeout' | 'offline' | 'aborted';
    readonly message: Message;
  }
  | /** A report already counted (the station did not get our acknowledgement): acknowledged again, counted once. */
    { readonly type: 'duplicate'; readonly at: number; readonly imei: string; readonly message: Message }
  | /**
   * A valid frame no flow expects: `unexpected` (an answer to nothing, which is still
   * acknowledged when it is a report), `mismatch` (a slot or power-bank id other than the
   * request's), or `otherImei` (another IMEI on a bound
   * connection: ignored, and spent from the garbage budget).
   */
    { readonly type: 'violation'; readonly at: number; readonly imei?: string; readonly reason: 'unexpected' | 'mismatch' | 'otherImei'; readonly message: Message }
  | /** What the decoder could not use: a frame that did not decode (`error`), or a discarded run of bytes (`discarded`). */
    { readonly type: 'frameError'; readonly at: number; readonly imei?: string; readonly error?: DecodeError; readonly discarded?: DiscardedEvent }
  | /** The connection spent its garbage budget (`garbage`) or sent valid frames faster than `maxFramesPerSecond` (`rate`): `close()` was called. */
    { readonly type: 'abusive'; readonly at: number; readonly imei?: string; readonly reason: 'garbage' | 'rate' }
  | /** A `send` or `close` callback threw; the hub carried on (a failed send closes the connection). */
    { readonly type: 'linkError'; readonly at: number; readonly imei?: string; readonly during: 'send' | 'close'; readonly error: unknown }
  | /** A request settled: the same outcome its promise resolves with (restored requests have no promise; this is how they end). */
    { readonly type: 'settled'; readonly at: number; readonly imei: string; readonly requestId: string; readonly kind: 'lend' | 'status'; readonly result: LendOutcome | StatusOutcome };
