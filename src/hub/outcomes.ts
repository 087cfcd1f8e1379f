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
 * - `offline`: the station was offline, or went offline before answering (its connection
 *   closed, fell silent, or was closed by {@link StationHub.disconnect} or
 *   {@link StationHub.handOff});
 * - `aborted`: the caller's `AbortSignal` fired first;
 * - `refused`: nothing was sent: `slotBusy` (a lend of that slot is in flight),
 *   `unknownSlot` (not 1..slotCount), `noBank` (no `powerBankId` given and the last
 *   status lists no bank in the slot), `invalidId` (not a power-bank id).
 *
 * `sent` says whether the lend command (`CC`) was handed to the connection. It matters
 * for billing when there is no answer: `timeout`, `offline` or `aborted` with `sent:
 * true` means the station may have released the bank (its answer, if it comes, is a
 * `lateAnswer` event); with `sent: false` (the station was offline, the signal had
 * fired, the connection's `send` threw) no bank can have left. `lent` and `failed` are
 * always `sent: true`, `refused` always `sent: false`.
 *
 * `requestId` is unique across hubs (see {@link StationHubOptions.hubId}), so billing can
 * key on it.
 *
 * @example
 * ```ts
 * import type { LendOutcome } from 'powerbank-codec';
 *
 * function message(result: LendOutcome): string {
 *   switch (result.outcome) {
 *     case 'lent': return `take power bank ${result.powerBankId} from slot ${result.slot}`;
 *     case 'refused': return `cannot lend (${result.reason})`;
 *     case 'failed': return 'the station could not release the bank';
 *     default: return result.sent ? 'no answer yet: the bank may be out, we will tell you' : 'the station is unreachable: try again';
 *   }
 * }
 * ```
 */
export type LendOutcome =
  | { readonly outcome: 'lent' | 'failed'; readonly requestId: string; readonly imei: string; readonly slot: number; readonly powerBankId: string; readonly sent: true }
  | {
    readonly outcome: 'timeout' | 'offline' | 'aborted';
    readonly requestId: string;
    readonly imei: string;
    readonly slot: number;
    readonly powerBankId?: string;
    readonly sent: boolean;
  }
  | {
    readonly outcome: 'refused';
    readonly requestId: string;
    readonly imei: string;
    readonly slot: number;
    readonly reason: 'slotBusy' | 'unknownSlot' | 'noBank' | 'invalidId';
    readonly sent: false;
  };

/**
 * How a status query settles ({@link StationHub.queryStatus}), exactly once: `answered`
 * with the slots of the station's `AQ`, or `timeout`, `offline`, `aborted`. `sent` says
 * whether a status query (`CQ`) went out for it, as for {@link LendOutcome}.
 *
 * @example
 * ```ts
 * import type { StatusOutcome } from 'powerbank-codec';
 *
 * const count = (result: StatusOutcome) => (result.outcome === 'answered' ? result.slots.length : 0);
 * ```
 */
export type StatusOutcome =
  | { readonly outcome: 'answered'; readonly requestId: string; readonly imei: string; readonly slots: readonly SlotStatus[]; readonly sent: true }
  | { readonly outcome: 'timeout' | 'offline' | 'aborted'; readonly requestId: string; readonly imei: string; readonly sent: boolean };

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
 * const describe = (request: PendingRequest) => `${request.kind} ${request.requestId} due at ${request.deadline}`;
 * ```
 */
export interface PendingRequest {
  /** Unique across hubs: `<hubId>-<n>` (see {@link StationHubOptions.hubId}). */
  readonly requestId: string;
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
