/**
 * What the hub's requests settle with, and what it knows about a station: plain data,
 * discriminated unions on `outcome`.
 *
 * @module
 */

import type { SlotStatus } from '../messages/AQ.js';

/**
 * How a lend settles ({@link StationHub.lend}), exactly once:
 * - `lent`: the station reported `MC.BO` (acknowledged with `AM.BO`): the customer has the bank;
 * - `failed`: the station reported `MR.BF` (acknowledged with `AR.BF`);
 * - `timeout`: no answer by the deadline (a later answer comes as a `lateAnswer` event);
 * - `offline`: the station was offline, or went offline before answering;
 * - `aborted`: the caller's `AbortSignal` fired first;
 * - `refused`: nothing was sent: `slotBusy` (a lend of that slot is in flight),
 *   `unknownSlot` (not 1..slotCount), `noBank` (no `powerBankId` given and the last
 *   status lists no bank in the slot), `invalidId` (not a power-bank id).
 *
 * @example
 * ```ts
 * import type { LendOutcome } from 'powerbank-codec';
 *
 * function message(result: LendOutcome): string {
 *   switch (result.outcome) {
 *     case 'lent': return `take power bank ${result.powerBankId} from slot ${result.slot}`;
 *     case 'refused': return `cannot lend (${result.reason})`;
 *     default: return `lend ${result.outcome}`;
 *   }
 * }
 * ```
 */
export type LendOutcome =
  | { readonly outcome: 'lent' | 'failed'; readonly requestId: number; readonly imei: string; readonly slot: number; readonly powerBankId: string }
  | { readonly outcome: 'timeout' | 'offline' | 'aborted'; readonly requestId: number; readonly imei: string; readonly slot: number; readonly powerBankId?: string }
  | { readonly outcome: 'refused'; readonly requestId: number; readonly imei: string; readonly slot: number; readonly reason: 'slotBusy' | 'unknownSlot' | 'noBank' | 'invalidId' };

/**
 * How a status query settles ({@link StationHub.queryStatus}), exactly once: `answered`
 * with the slots of the station's `AQ`, or `timeout`, `offline`, `aborted`.
 *
 * @example
 * ```ts
 * import type { StatusOutcome } from 'powerbank-codec';
 *
 * const count = (result: StatusOutcome) => (result.outcome === 'answered' ? result.slots.length : 0);
 * ```
 */
export type StatusOutcome =
  | { readonly outcome: 'answered'; readonly requestId: number; readonly imei: string; readonly slots: readonly SlotStatus[] }
  | { readonly outcome: 'timeout' | 'offline' | 'aborted'; readonly requestId: number; readonly imei: string };

/**
 * Options of {@link StationHub.queryStatus}: the time now (required), and optionally a
 * deadline of its own and a signal to give up.
 *
 * @example
 * ```ts
 * import type { RequestOptions } from 'powerbank-codec';
 *
 * const options: RequestOptions = { now: Date.now(), timeoutMs: 10_000, signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface RequestOptions {
  /** The time now, in milliseconds, on the clock of every other call. */
  readonly now: number;
  /** How long to wait for the answer (default: the hub's `answerTimeoutMs`). */
  readonly timeoutMs?: number | undefined;
  /** Settles the request `aborted` when it fires (the customer gave up). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of {@link StationHub.lend}: those of every request, and the id of the bank to
 * lend.
 *
 * @example
 * ```ts
 * import type { LendOptions } from 'powerbank-codec';
 *
 * const options: LendOptions = { now: Date.now(), powerBankId: '1234567890' };
 * ```
 */
export interface LendOptions extends RequestOptions {
  /** The id sent in `CC` (default: the bank the last status answer listed in that slot). */
  readonly powerBankId?: string | undefined;
}

/**
 * A request in flight, as {@link StationHub.station} lists it and snapshots keep it.
 *
 * @example
 * ```ts
 * import type { PendingRequest } from 'powerbank-codec';
 *
 * const describe = (request: PendingRequest) => `${request.kind} #${request.requestId} due at ${request.deadline}`;
 * ```
 */
export interface PendingRequest {
  readonly requestId: number;
  readonly kind: 'lend' | 'status';
  readonly imei: string;
  /** The slot of a lend. */
  readonly slot?: number;
  /** The bank a lend asked for. */
  readonly powerBankId?: string;
  /** When it times out. */
  readonly deadline: number;
}

/**
 * What the hub knows about a station ({@link StationHub.station}).
 *
 * @example
 * ```ts
 * import type { StationInfo } from 'powerbank-codec';
 *
 * const available = (info: StationInfo) => info.online ? (info.lastStatus?.slots.filter((s) => s.status === 'full').length ?? 0) : 0;
 * ```
 */
export interface StationInfo {
  readonly imei: string;
  /** Whether a connection is bound to it. */
  readonly online: boolean;
  /** When its last valid frame arrived (`undefined` for a station known only from a snapshot). */
  readonly lastSeen: number | undefined;
  /** Its last status answer and when it came. */
  readonly lastStatus: { readonly slots: readonly SlotStatus[]; readonly at: number } | undefined;
  /** Its lends and status queries in flight. */
  readonly pending: readonly PendingRequest[];
}
