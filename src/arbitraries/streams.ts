/**
 * Byte streams: valid frames with noise between them, and ways to cut a stream into
 * chunks.
 *
 * @module
 * @internal
 */

import * as fc from 'fast-check';
import type { Bytes } from '../bytes.js';
import type { Dialect } from '../dialect.js';
import { encode } from '../encode.js';
import type { Message } from '../messages/index.js';
import { arbDialectOf, type ArbFrameOptions } from './frames.js';
import { arbMessage } from './messages.js';

/**
 * A way to cut a byte stream into chunks, as {@link arbChunking} generates it: at the
 * given positions (taken modulo the stream length plus one, so repeated positions give
 * empty chunks), or into chunks of one byte each.
 *
 * @example
 * ```ts
 * import { Chunking } from 'powerbank-codec/arbitraries';
 *
 * new Chunking([2, 2, 5]).split(new Uint8Array(6)).map((chunk) => chunk.length); // [2, 0, 3, 1]
 * new Chunking('everyByte').split(new Uint8Array(3)).length; // 3
 * ```
 */
export class Chunking {
  constructor(
    /** Cut positions, or `'everyByte'`. */
    readonly cuts: readonly number[] | 'everyByte',
  ) {}

  /** The chunks of `bytes`, each a copy (so a consumer may keep them). */
  split(bytes: Uint8Array): Uint8Array[] {
    if (this.cuts === 'everyByte') return Array.from(bytes, (byte) => Uint8Array.of(byte));
    const points = this.cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let from = 0;
    for (const point of points) {
      chunks.push(bytes.slice(from, point));
      from = point;
    }
    chunks.push(bytes.slice(from));
    return chunks;
  }

  /** How fast-check shows this value in a counterexample. */
  [fc.toStringMethod](): string {
    return this.cuts === 'everyByte' ? "new Chunking('everyByte')" : `new Chunking(${JSON.stringify(this.cuts)})`;
  }
}

/**
 * Ways to cut a byte stream into chunks: anywhere, with empty chunks, or one byte at a
 * time — for checking that chunking does not matter.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createDecoder, encode } from 'powerbank-codec';
 * import { arbChunking } from 'powerbank-codec/arbitraries';
 *
 * const stream = encode({ type: 'Heartbeat', imei: '860123456789014' });
 * fc.assert(fc.property(arbChunking(), (chunking) => {
 *   const decoder = createDecoder();
 *   const items = [...chunking.split(stream).flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
 *   return items.length === 1 && items[0]?.kind === 'message';
 * }));
 * ```
 */
export function arbChunking(options: { readonly maxCuts?: number } = {}): fc.Arbitrary<Chunking> {
  const { maxCuts = 40 } = options;
  return fc.oneof(
    { weight: 9, arbitrary: fc.array(fc.nat(), { maxLength: maxCuts }).map((cuts) => new Chunking(cuts)) },
    { weight: 1, arbitrary: fc.constant(new Chunking('everyByte')) },
  );
}

/** A byte stream of valid frames with arbitrary bytes between them, as {@link arbNoisyStream} generates it. */
export interface NoisyStream {
  readonly bytes: Bytes;
  /** The messages of the valid frames, in stream order. */
  readonly messages: readonly Message[];
  readonly dialect: Dialect;
}

/**
 * Valid frames (in one dialect) with arbitrary noise before, between and after them:
 * what a decoder must turn into exactly `messages`, in order, whatever the noise.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createDecoder } from 'powerbank-codec';
 * import { arbNoisyStream } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbNoisyStream(), ({ bytes, messages, dialect }) => {
 *   const decoder = createDecoder({ dialect });
 *   const items = [...decoder.push(bytes), ...decoder.end()];
 *   return items.filter((item) => item.kind === 'message').length === messages.length;
 * }));
 * ```
 */
export function arbNoisyStream(options: ArbFrameOptions & { readonly maxFrames?: number } = {}): fc.Arbitrary<NoisyStream> {
  const { maxFrames = 15 } = options;
  return arbDialectOf(options.dialect).chain((dialect) =>
    fc
      .tuple(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 60 }), arbMessage({ slotCount: dialect.slotCount, ...(options.types ? { types: options.types } : {}) })), {
          maxLength: maxFrames,
        }),
        fc.uint8Array({ maxLength: 60 }),
      )
      .map(([entries, tail]) => {
        const parts = entries.flatMap(([noise, message]) => [noise, encode(message, { dialect })]);
        parts.push(tail);
        const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
        let at = 0;
        for (const part of parts) {
          bytes.set(part, at);
          at += part.length;
        }
        return { bytes, messages: entries.map(([, message]) => message), dialect };
      }),
  );
}
