/**
 * The streaming layer's invariants as fast-check properties, shared by the test suite
 * and the fuzz harness.
 */
import fc from 'fast-check';
import { createDecoder, FrameSplitter, type DecoderItem, type SplitterEvent } from 'powerbank-codec';
import { arbChunking, arbFrame, arbNoisyStream, type Chunking } from 'powerbank-codec/arbitraries';
import { splitWhole } from '../support/splitterModel.js';
import { arbStream } from '../support/streams.js';

type LineEnding = '\r\n' | '\n' | '';
const arbMax = fc.constantFrom(1024, 64, 30, 2);
const arbLineEnding = fc.constantFrom<LineEnding>('\r\n', '\n', '');

function split(chunks: readonly Uint8Array[], maxFrameLength: number, lineEnding: LineEnding = '\r\n'): SplitterEvent[] {
  const splitter = new FrameSplitter({ maxFrameLength, dialect: { lineEnding } });
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
}

const same = (a: unknown, b: unknown) => fc.stringify(a) === fc.stringify(b);

/** The events of `splitWhole(prefix)` that no later byte can change. */
function sealedEvents(prefix: Uint8Array, maxFrameLength: number, lineEnding: LineEnding): SplitterEvent[] {
  return splitWhole(prefix, maxFrameLength, lineEnding, false);
}

interface SplitterModel {
  readonly maxFrameLength: number;
  readonly lineEnding: LineEnding;
  stream: number[];
}
interface SplitterReal {
  readonly splitter: FrameSplitter;
  events: SplitterEvent[];
}

class Push implements fc.Command<SplitterModel, SplitterReal> {
  constructor(readonly chunk: Uint8Array) {}
  check = () => true;
  run(model: SplitterModel, real: SplitterReal) {
    real.events.push(...real.splitter.push(this.chunk));
    model.stream.push(...this.chunk);
    const expected = sealedEvents(Uint8Array.from(model.stream), model.maxFrameLength, model.lineEnding);
    if (!same(real.events, expected)) throw new Error(`after push, ${real.events.length} events where the model has ${expected.length}`);
    if (real.splitter.bufferedLength > model.maxFrameLength) throw new Error(`buffered ${real.splitter.bufferedLength} bytes`);
  }
  toString = () => `push(${fc.stringify(this.chunk)})`;
}

class End implements fc.Command<SplitterModel, SplitterReal> {
  check = () => true;
  run(model: SplitterModel, real: SplitterReal) {
    real.events.push(...real.splitter.end());
    const expected = splitWhole(Uint8Array.from(model.stream), model.maxFrameLength, model.lineEnding);
    if (!same(real.events, expected)) throw new Error(`after end, ${real.events.length} events where the model has ${expected.length}`);
    if (real.splitter.bufferedLength !== 0) throw new Error('end() left bytes buffered');
    model.stream = [];
    real.events = [];
  }
  toString = () => 'end()';
}

const arbChunk = fc.oneof(arbStream, fc.uint8Array({ maxLength: 5 }), fc.constantFrom(...['{', '}', '\r', '\n', '"', 'X'].map((c) => new TextEncoder().encode(c))));
const arbSplitterCommands = fc.commands([arbChunk.map((chunk) => new Push(chunk)), fc.constant(new End())], { maxCommands: 40 });

const decodeAll = (chunks: readonly Uint8Array[], dialect: Parameters<typeof createDecoder>[0]): DecoderItem[] => {
  const decoder = createDecoder(dialect);
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
};
