/**
 * Valid encoded frames, with the message and the dialect each encodes.
 *
 * @module
 * @internal
 */

import * as fc from 'fast-check';
import type { Bytes } from '../bytes.js';
import { canonicalDialect, type Dialect } from '../dialect.js';
import { encode } from '../encode.js';
import type { Message, MessageType } from '../messages/index.js';
import { arbDialect } from './dialects.js';
import { arbMessage } from './messages.js';

/**
 * A valid frame as {@link arbFrame} generates it: the bytes, the message they encode
 * and the dialect they are in.
 */
export interface GeneratedFrame {
  readonly bytes: Bytes;
  readonly message: Message;
  readonly dialect: Dialect;
}

/**
 * Options for {@link arbFrame} and {@link arbCorruptedFrame}.
 *
 * @example
 * ```ts
 * import { arbDialect, type ArbFrameOptions } from 'powerbank-codec/arbitraries';
 *
 * const xmodem: ArbFrameOptions = { dialect: { crc: 'CRC-16/XMODEM', quotes: false }, types: ['Heartbeat'] };
 * const anyWithCrc: ArbFrameOptions = { dialect: arbDialect({ noCrc: false }) };
 * ```
 */
export interface ArbFrameOptions {
  /**
   * The dialect: a fixed (partial) one, `'any'` for any of {@link arbDialect}'s, or an
   * arbitrary of your own (default: the canonical dialect).
   */
  readonly dialect?: Partial<Dialect> | 'any' | fc.Arbitrary<Dialect>;
  /** Only these message types (default: all 14). */
  readonly types?: readonly MessageType[];
}

/** The dialects `dialect` stands for. */
export function arbDialectOf(dialect: ArbFrameOptions['dialect']): fc.Arbitrary<Dialect> {
  if (dialect === 'any') return arbDialect();
  if (dialect instanceof fc.Arbitrary) return dialect;
  return fc.constant({ ...canonicalDialect, ...dialect });
}

/**
 * A valid encoded frame, line ending included, with the message and dialect it encodes.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode } from 'powerbank-codec';
 * import { arbFrame } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbFrame(), ({ bytes }) => decode(bytes, { mode: 'strict' }).ok));
 * ```
 */
export function arbFrame(options: ArbFrameOptions = {}): fc.Arbitrary<GeneratedFrame> {
  return arbDialectOf(options.dialect).chain((dialect) =>
    arbMessage({ slotCount: dialect.slotCount, ...(options.types ? { types: options.types } : {}) }).map((message) => ({
      bytes: encode(message, { dialect }),
      message,
      dialect,
    })),
  );
}
