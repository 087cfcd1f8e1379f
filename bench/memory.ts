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

/** Bytes retained per decoder when `DECODERS` of them are alive, each given `chunk` (if any): median of 5. */
function retainedPerDecoder(chunk: Uint8Array | undefined): number {
  const results: number[] = [];
  for (let repeat = 0; repeat < 5; repeat++) {
    collectGarbage();
    const before = liveBytes();
    const decoders = Array.from({ length: DECODERS }, () => {
      const decoder = createDecoder();
      if (chunk !== undefined) decoder.push(chunk);
      return decoder;
    });
    collectGarbage();
    results.push((liveBytes() - before - 8 * DECODERS) / DECODERS); // less the array's own slots
    if (decoders.length !== DECODERS) throw new Error('unreachable');
  }
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
