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

export const streamProperties = {
  'splitter: chunking does not matter (any cut, empty and 1-byte chunks included)': () =>
    fc.property(arbStream, arbChunking(), arbMax, arbLineEnding, (stream, chunking: Chunking, max, lineEnding) =>
      same(split(chunking.split(stream), max, lineEnding), split([stream], max, lineEnding)),
    ),

  'splitter: agrees with a whole-stream reference model': () =>
    fc.property(arbStream, arbChunking(), arbMax, arbLineEnding, (stream, chunking: Chunking, max, lineEnding) =>
      same(split(chunking.split(stream), max, lineEnding), splitWhole(stream, max, lineEnding)),
    ),

  'splitter: model-based, every push returns exactly the events its bytes complete': () =>
    fc.property(arbMax, arbLineEnding, arbSplitterCommands, (maxFrameLength, lineEnding, commands) => {
      const setup = () => ({
        model: { maxFrameLength, lineEnding, stream: [] },
        real: { splitter: new FrameSplitter({ maxFrameLength, dialect: { lineEnding } }), events: [] },
      });
      fc.modelRun(setup, commands);
    }),

  'splitter: nothing is lost, events are ordered, never overlap, and cover every byte but CR and LF between frames': () =>
    fc.property(arbStream, arbChunking(), arbMax, (stream, chunking: Chunking, max) => {
      const owner = new Array<boolean>(stream.length).fill(false);
      let previousEnd = 0;
      for (const event of split(chunking.split(stream), max)) {
        if (event.kind === 'lineEnding') continue;
        if (event.offset < previousEnd || event.length <= 0) return false;
        owner.fill(true, event.offset, event.offset + event.length);
        previousEnd = event.offset + event.length;
      }
      return previousEnd <= stream.length && owner.every((owned, i) => owned || stream[i] === 0x0d || stream[i] === 0x0a);
    }),

  'splitter: never buffers more than maxFrameLength': () =>
    fc.property(arbStream, arbChunking(), fc.integer({ min: 2, max: 80 }), (stream, chunking: Chunking, max) => {
      const splitter = new FrameSplitter({ maxFrameLength: max });
      return chunking.split(stream).every((chunk) => {
        splitter.push(chunk);
        return splitter.bufferedLength <= max;
      });
    }),

  'splitter: a truncated frame followed by a good frame yields truncated, then the frame': () =>
    fc.property(arbFrame({ dialect: 'any' }), fc.nat(), arbChunking(), ({ bytes, dialect }, cutAt, chunking: Chunking) => {
      const frame = bytes.subarray(0, bytes.length - dialect.lineEnding.length);
      const partial = frame.subarray(0, 1 + (cutAt % (frame.length - 1)));
      const stream = new Uint8Array([...partial, ...frame]);
      const events = split(chunking.split(stream), 1024, dialect.lineEnding);
      return same(events.map((e) => [e.kind, e.offset, e.length]), [['truncated', 0, partial.length], ['frame', partial.length, frame.length]]);
    }),

  'decoder: chunking does not matter (the same items, frames compared by content)': () =>
    fc.property(arbStream, arbChunking(), (stream, chunking: Chunking) => {
      const simplify = (items: DecoderItem[]) => items.map((item) => (item.kind === 'message' || item.kind === 'error' ? { ...item, frame: Array.from(item.frame) } : item));
      return same(simplify(decodeAll(chunking.split(stream), {})), simplify(decodeAll([stream], {})));
    }),

  'decoder: every valid frame comes out decoded, exactly once, in order, whatever the noise and chunking': () =>
    fc.property(arbNoisyStream({ dialect: 'any' }), arbChunking(), ({ bytes, messages, dialect }, chunking: Chunking) => {
      const decoded = decodeAll(chunking.split(bytes), { dialect }).flatMap((item) => (item.kind === 'message' ? [item.message] : []));
      return same(decoded, messages);
    }),
};
