/**
 * Memory a connection costs: the bytes a decoder keeps alive while its connection is
 * idle, and while it holds half a frame. Measured as the growth of the heap and of
 * array-buffer memory (typed arrays keep their bytes outside the heap) when many
 * decoders are alive, after a full GC, divided by their number.
 */
import { createDecoder } from 'powerbank-codec';
import { collectGarbage, quantile } from './measure.js';

const DECODERS = 10_000;

function liveBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Bytes retained per decoder when `DECODERS` of them are alive, each given `chunk` (if
 * any). A function of its own, so that no array of an earlier measure is still held in
 * a stack slot when the next one starts.
 */
function measureOnce(chunk: Uint8Array | undefined): number {
  collectGarbage();
  const before = liveBytes();
  const decoders = Array.from({ length: DECODERS }, () => {
    const decoder = createDecoder();
    if (chunk !== undefined) decoder.push(chunk);
    return decoder;
  });
  collectGarbage();
  const after = liveBytes();
  if (decoders.length !== DECODERS) throw new Error('unreachable');
  return (after - before) / DECODERS - 8; // less the array's own slot
}

/** The median of 5 measures. */
function retainedPerDecoder(chunk: Uint8Array | undefined): number {
  const results = Array.from({ length: 5 }, () => measureOnce(chunk));
  return quantile(results.sort((a, b) => a - b), 0.5);
}

export interface MemoryFigures {
  readonly idle: number;
  readonly halfFrame: number;
}

/** The bytes one connection's decoder retains, idle and holding half of `frame`. */
export function measureDecoderMemory(frame: Uint8Array): MemoryFigures {
  return { idle: retainedPerDecoder(undefined), halfFrame: retainedPerDecoder(frame.subarray(0, frame.length >> 1)) };
}

/** The largest idle decoder the simplify issue allows. */
export const IDLE_DECODER_LIMIT = 256;
