/**
 * The options of the station hub: their types, their documented defaults, and the
 * checks that refuse an invalid one with a `ProtocolError` (`OPTIONS`) when the hub is
 * created.
 *
 * @module
 */

import { resolveDialect, type Dialect, type ResolvedDialect } from '../dialect.js';
import type { EncodeOptions } from '../encode.js';
import type { StreamDecoderOptions } from '../stream/decoder.js';
import { ProtocolError } from '../errors.js';
import type { HubEvent } from './events.js';
import type { RequestOptions } from './outcomes.js';

/**
 * Options of {@link createStationHub}. Only `ownership` is required; every other option
 * has the default named beside it.
 *
 * @example
 * ```ts
 * import { createStationHub, type StationHubOptions } from 'powerbank-codec';
 *
 * const options: StationHubOptions = {
 *   hubId: 'eu-1a', // this process's name: request ids are eu-1a-1, eu-1a-2, …
 *   ownership: async (powerBankId) => powerBankId.startsWith('12'), // a database look-up
 *   onEvent: (event) => console.log(event.type, event.imei ?? ''),
 *   answerTimeoutMs: 20_000,
 * };
 * const hub = createStationHub(options);
 * ```
 */
export interface StationHubOptions {
  /**
   * Whether the power bank `powerBankId`, inserted into `slot` of station `imei`,
   * belongs to the system (PROTOCOL.md section 5, the return). Called once for each
   * ownership query (`MQ`); a repeated query while the answer is pending does not call
   * it again. It may answer at once or with a Promise (a database look-up): the hub
   * sends `RQ` when it resolves. When it throws, rejects or gives anything but a boolean,
   * the hub sends nothing (the station ejects the bank after its own timeout, or asks
   * again) and reports an `ownershipFailed` event.
   */
  readonly ownership: (powerBankId: string, slot: number, imei: string) => boolean | Promise<boolean>;
  /**
   * Called with every {@link HubEvent}, in order, at the end of the hub call that caused
   * it (once the hub's state has settled: a listener may call the hub). What it throws
   * is caught and ignored. Default: nothing.
   */
  readonly onEvent?: ((event: HubEvent) => void) | undefined;
  /**
   * The name of this hub, which starts every request id it makes (`<hubId>-1`,
   * `<hubId>-2`, …), so that request ids are unique across the processes that hand
   * stations to one another and a billing system can key on them: 1 to 64 letters,
   * digits, `_`, `.`, `:` or `-`. Give each process a name of its own (its host and
   * port, a pod name); a process restarted under the same name must restore its last
   * snapshot ({@link StationHub.restore}), which makes ids go on after the snapshot's.
   * Default: 10 random letters and digits, new for each hub.
   */
  readonly hubId?: string | undefined;
  /** The stations' dialect (default: the canonical one). */
  readonly dialect?: Partial<Dialect> | undefined;
  /** Decoding mode: `lenient` (default) accepts the deviations of real firmware, `strict` refuses them. */
  readonly mode?: 'lenient' | 'strict' | undefined;
  /** The longest frame kept, `{` to `}` (default: the decoder's, the longest valid frame of the dialect and at least 1024). */
  readonly maxFrameLength?: number | undefined;
  /** How long a lend or status query waits for the station's answer (default 30,000 ms). */
  readonly answerTimeoutMs?: number | undefined;
  /**
   * A station that sends no valid frame for this long is offline: its connection is
   * closed (a silent station, a half-open socket). Default 180,000 ms: three heartbeats
   * of the usual 60-second interval.
   */
  readonly heartbeatTimeoutMs?: number | undefined;
  /** A connection that sends no valid frame this long after it opened is closed (default 90,000 ms). */
  readonly helloTimeoutMs?: number | undefined;
  /**
   * The garbage budget of a connection, in bytes (default 8,192): every byte the decoder
   * could not use (noise, truncated and too-long runs, frames that do not decode, frames
   * for another IMEI) spends one, every byte of a valid frame earns one back, up to the
   * budget. A connection that overspends is reported `abusive` and closed, at once, even
   * in the middle of a chunk.
   */
  readonly garbageBudgetBytes?: number | undefined;
  /**
   * The valid frames a connection may send per second, on average, and in a burst
   * (default 100; a station sends a few a minute). A connection that sends more (a flood
   * of valid frames, a replay loop) is reported `abusive` and closed, at once.
   */
  readonly maxFramesPerSecond?: number | undefined;
}

/** The options with their defaults, checked. @internal */
export interface HubSettings {
  readonly ownership: StationHubOptions['ownership'];
  /** `undefined` when no one listens: the hub then keeps no events. */
  readonly onEvent: ((event: HubEvent) => void) | undefined;
  readonly hubId: string;
  readonly dialect: ResolvedDialect;
  /** The options of every `encode` the hub does: the dialect as given. */
  readonly encoding: EncodeOptions;
  /** The options of every connection's decoder, the dialect as given. */
  readonly decoding: StreamDecoderOptions;
  readonly answerTimeoutMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly helloTimeoutMs: number;
  readonly garbageBudgetBytes: number;
  readonly maxFramesPerSecond: number;
  /** The milliseconds one frame takes of the rate: `1000 / maxFramesPerSecond`. */
  readonly frameInterval: number;
}

/** The defaults of {@link StationHubOptions}. @internal */
export const HUB_DEFAULTS = {
  answerTimeoutMs: 30_000,
  heartbeatTimeoutMs: 180_000,
  helloTimeoutMs: 90_000,
  garbageBudgetBytes: 8_192,
  maxFramesPerSecond: 100,
} as const;

function positive(value: unknown, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ProtocolError('OPTIONS', field, `${field} must be a positive number; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The characters of a hub id besides letters and digits: see {@link StationHubOptions.hubId}. */
const HUB_ID_MARKS = '_.:-';

function isHubId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 64) return false;
  for (const char of value) {
    const letterOrDigit = (char >= '0' && char <= '9') || (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
    if (!letterOrDigit && !HUB_ID_MARKS.includes(char)) return false;
  }
  return true;
}

/** A random hub id: 10 letters and digits, from the platform's crypto when it has one. */
function randomHubId(): string {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (bytes: Uint8Array) => Uint8Array } }).crypto;
  const bytes = new Uint8Array(10);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let id = '';
  for (const byte of bytes) id += (byte % 36).toString(36);
  return id;
}

/** Checks `options` and merges them over the defaults; throws a `ProtocolError` (`OPTIONS`) for an invalid one. @internal */
export function checkHubOptions(options: StationHubOptions): HubSettings {
  if (typeof options !== 'object' || options === null || typeof options.ownership !== 'function') {
    throw new ProtocolError('OPTIONS', 'ownership', 'options.ownership must be a function (powerBankId, slot, imei) => boolean | Promise<boolean>');
  }
  const { onEvent, mode = 'lenient', maxFrameLength, hubId = randomHubId() } = options;
  if (onEvent !== undefined && typeof onEvent !== 'function') throw new ProtocolError('OPTIONS', 'onEvent', 'options.onEvent must be a function');
  if (mode !== 'lenient' && mode !== 'strict') throw new ProtocolError('OPTIONS', 'mode', `mode must be 'lenient' or 'strict'; got ${JSON.stringify(mode)}`);
  if (!isHubId(hubId)) {
    throw new ProtocolError('OPTIONS', 'hubId', `hubId must be 1 to 64 letters, digits, _ . : or -; got ${JSON.stringify(hubId)}`);
  }
  const dialect = resolveDialect(options.dialect);
  const maxFramesPerSecond = positive(options.maxFramesPerSecond, HUB_DEFAULTS.maxFramesPerSecond, 'maxFramesPerSecond');
  // The canonical dialect (no `dialect` given) is the one `encode` and the decoders know
  // without resolving it again, and without a copy in every connection's decoder.
  const given = options.dialect === undefined ? {} : { dialect: { ...options.dialect } };
  return {
    ownership: options.ownership,
    onEvent,
    hubId,
    dialect,
    encoding: given,
    decoding: { from: 'device', mode, maxFrameLength: maxFrameLength === undefined ? undefined : positive(maxFrameLength, 0, 'maxFrameLength'), ...given },
    answerTimeoutMs: positive(options.answerTimeoutMs, HUB_DEFAULTS.answerTimeoutMs, 'answerTimeoutMs'),
    heartbeatTimeoutMs: positive(options.heartbeatTimeoutMs, HUB_DEFAULTS.heartbeatTimeoutMs, 'heartbeatTimeoutMs'),
    helloTimeoutMs: positive(options.helloTimeoutMs, HUB_DEFAULTS.helloTimeoutMs, 'helloTimeoutMs'),
    garbageBudgetBytes: positive(options.garbageBudgetBytes, HUB_DEFAULTS.garbageBudgetBytes, 'garbageBudgetBytes'),
    maxFramesPerSecond,
    frameInterval: 1_000 / maxFramesPerSecond,
  };
}

/** The timeout of a request; a `ProtocolError` (`OPTIONS`) when `now` or `timeoutMs` is not a number a deadline can be made of. @internal */
export function checkRequestOptions(options: RequestOptions, fallback: number): number {
  const { now, timeoutMs = fallback } = options ?? {};
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new ProtocolError('OPTIONS', 'now', `now must be a finite number of milliseconds; got ${String(now)}`);
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new ProtocolError('OPTIONS', 'timeoutMs', `timeoutMs must be a positive number; got ${String(timeoutMs)}`);
  }
  return timeoutMs;
}
