/**
 * fast-check arbitraries for fuzzing code that speaks the protocol: valid messages,
 * dialects, encoded frames, frames with a described corruption, noisy streams and ways
 * to cut a stream into chunks. Import them from `powerbank-codec/arbitraries`; they need
 * `fast-check` (an optional peer dependency: the main entry does not).
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode } from 'powerbank-codec';
 * import { arbFrame } from 'powerbank-codec/arbitraries';
 *
 * fc.assert(fc.property(arbFrame({ dialect: 'any' }), ({ bytes, dialect, message }) => {
 *   const result = decode(bytes, { dialect });
 *   return result.ok && result.message.type === message.type;
 * }));
 * ```
 *
 * @module powerbank-codec/arbitraries
 */

export { arbMessage, type ArbMessageOptions } from './messages.js';
export { arbDialect, type ArbDialectOptions } from './dialects.js';
export { arbFrame, type ArbFrameOptions, type GeneratedFrame } from './frames.js';
export { arbCorruptedFrame, type ArbCorruptedFrameOptions, type CorruptedFrame, type Corruption } from './corruptions.js';
export { arbChunking, arbNoisyStream, Chunking, type NoisyStream } from './streams.js';
