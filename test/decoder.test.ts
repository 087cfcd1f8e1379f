import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDecodeTransform,
  createDecoder,
  decodeStream,
  encode,
  isProtocolError,
  type DecoderItem,
  type Message,
} from 'powerbank-codec';
import { arbMessage } from 'powerbank-codec/arbitraries';
import { concat } from './support/streams.js';

const ascii = (text: string) => new TextEncoder().encode(text);
const HEARTBEAT = '{"860123456789014,CH,,3FCE"}';

function decodeAll(chunks: readonly Uint8Array[], options?: Parameters<typeof createDecoder>[0]): DecoderItem[] {
  const decoder = createDecoder(options);
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
}

const messagesOf = (items: readonly DecoderItem[]): Message[] => items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('createDecoder', () => {
  it('yields decoded messages, decode errors and discarded runs in stream order', () => {
    const stream = ascii(`AT\r\n${HEARTBEAT}\r\n{"860123456789014,CH,,0000"}\r\n{"8601`);
    const items = decodeAll([stream]);
    expect(items.map((item) => item.kind)).toEqual(['noise', 'message', 'error', 'truncated']);
    expect(items[1]).toMatchObject({ kind: 'message', offset: 4, length: 28, message: { type: 'Heartbeat' }, deviations: [] });
    expect(items[2]).toMatchObject({ kind: 'error', offset: 34, length: 28, error: { code: 'CRC', offset: 22 } });
  });

  it('passes decode options through and reports line endings other than the dialect\'s', () => {
    const items = decodeAll([ascii(`{860123456789014,CH,,3FCE}\n`)], { mode: 'strict' });
    expect(items).toMatchObject([
      { kind: 'error', error: { code: 'FRAME', deviation: 'QUOTES' } },
      { kind: 'lineEnding', offset: 26, seen: '\n', expected: '\r\n' },
    ]);
    const lf = decodeAll([ascii(`${HEARTBEAT}\n`)], { dialect: { lineEnding: '\n' }, from: 'server' });
    expect(lf).toMatchObject([{ kind: 'error', error: { code: 'DIRECTION' } }]);
  });

  it('applies maxFrameLength', () => {
    expect(decodeAll([ascii(HEARTBEAT)], { maxFrameLength: 20 }).map((item) => item.kind)).toEqual(['tooLong']);
  });

  it('takes strings as UTF-8', () => {
    const decoder = createDecoder();
    expect(decoder.push(HEARTBEAT.slice(0, 5))).toEqual([]);
    expect(decoder.bufferedLength).toBe(5);
    expect(decoder.push(HEARTBEAT.slice(5))).toMatchObject([{ kind: 'message' }]);
  });

  it('reads an ArrayBuffer, a DataView, other typed arrays and a Uint8Array of another realm as their bytes, whatever the chunking', () => {
    const views: Array<(bytes: Uint8Array) => unknown> = [
      (bytes) => bytes,
      (bytes) => bytes.slice().buffer,
      (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      (bytes) => runInNewContext('new Uint8Array(bytes)', { bytes: [...bytes] }),
      // A Uint16Array over the same bytes: its length counts elements, not bytes.
      (bytes) => (bytes.byteLength % 2 === 0 && bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) : bytes),
    ];
    fc.assert(
      fc.property(fc.array(arbMessage(), { minLength: 1, maxLength: 4 }), fc.array(fc.nat({ max: 80 }), { maxLength: 6 }), fc.array(fc.nat({ max: views.length - 1 })), (messages, cuts, picks) => {
        const stream = concat(messages.map((message) => encode(message)));
        const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, index) => stream.slice(start, [...points, stream.length][index]));
        const decoder = createDecoder();
        const items = [...chunks.flatMap((chunk, index) => decoder.push(views[picks[index] ?? 0]!(chunk) as Uint8Array)), ...decoder.end()];
        expect(items.map(({ kind, offset }) => ({ kind, offset }))).toEqual(decodeAll([stream]).map(({ kind, offset }) => ({ kind, offset })));
        expect(messagesOf(items)).toEqual(messages);
      }),
    );
  });

  it('throws a TypeError for a chunk that holds no bytes, and carries on as if it had not been given', () => {
    const decoder = createDecoder();
    decoder.push(HEARTBEAT.slice(0, 5));
    for (const chunk of [null, undefined, 42, [0x7b], { length: 3 }]) {
      expect(() => decoder.push(chunk as unknown as Uint8Array)).toThrow(TypeError);
    }
    expect(() => decoder.push(null as unknown as Uint8Array)).toThrow('a chunk is a Uint8Array or a string; got null');
    expect(decoder.bufferedLength).toBe(5);
    expect(decoder.push(`${HEARTBEAT.slice(5)}\r\n${HEARTBEAT}`)).toMatchObject([{ kind: 'message', offset: 0 }, { kind: 'message', offset: 30 }]);
  });

  it('throws OPTIONS for invalid options, once, when created', () => {
    for (const options of [{ maxFrameLength: 0 }, { mode: 'exact' as 'strict' }, { dialect: { slotCount: 0 } }]) {
      let caught: unknown;
      try {
        createDecoder(options);
      } catch (error) {
        caught = error;
      }
      expect(isProtocolError(caught) && caught.code).toBe('OPTIONS');
    }
  });
});

describe('decodeStream', () => {
  it('decodes an async generator, a plain iterable and string chunks', async () => {
    async function* chunks() {
      yield ascii(HEARTBEAT.slice(0, 9));
      yield ascii(`${HEARTBEAT.slice(9)}\r\n${HEARTBEAT.slice(0, 3)}`);
      yield HEARTBEAT.slice(3);
    }
    expect((await collect(decodeStream(chunks()))).map((item) => item.kind)).toEqual(['message', 'message']);
    expect((await collect(decodeStream([ascii(HEARTBEAT), ascii('{')]))).map((item) => item.kind)).toEqual(['message', 'truncated']);
  });

  it('hands on the items of a large chunk a slice at a time, the same items as push gives', async () => {
    // 300 heartbeats (9 KB): frames straddle the slices, and one ends right at a slice's end.
    const big = ascii(`${`${HEARTBEAT}\r\n`.repeat(300)}{"8601`);
    const sliced = await collect(decodeStream([big]));
    const whole = decodeAll([big]);
    expect(sliced.map(({ kind, offset, length }) => ({ kind, offset, length }))).toEqual(whole.map(({ kind, offset, length }) => ({ kind, offset, length })));
    expect(sliced).toHaveLength(301);
    // Sliced at 4 KB: the frame across byte 4096 (bytes 4080..4107) is a copy, the others views of the chunk.
    const frameOf = (item: DecoderItem | undefined) => (item?.kind === 'message' ? item.frame : undefined);
    expect(frameOf(sliced[136])?.buffer).not.toBe(big.buffer);
    expect([135, 137, 299].map((index) => frameOf(sliced[index])?.buffer === big.buffer)).toEqual([true, true, true]);
    expect(whole.every((item) => item.kind !== 'message' || item.frame.buffer === big.buffer)).toBe(true);
  });

  it('reads an ArrayBuffer chunk as its bytes, and ends with a TypeError for a chunk that holds none', async () => {
    expect((await collect(decodeStream([ascii(HEARTBEAT).buffer as unknown as Uint8Array]))).map((item) => item.kind)).toEqual(['message']);
    await expect(collect(decodeStream([ascii(HEARTBEAT), 7 as unknown as Uint8Array]))).rejects.toThrow(TypeError);
  });

  it('decodes a WHATWG ReadableStream', async () => {
    const frames = [HEARTBEAT, '{"860123456789014,MC,BO.2.1234567890,88DD"}'];
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = ascii(frames.join('\r\n'));
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const items = await collect(decodeStream(source));
    expect(messagesOf(items).map((message) => message.type)).toEqual(['Heartbeat', 'LendSuccess']);
  });

  it('reads a ReadableStream through its reader where it is not async-iterable, and cancels it on break', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(ascii(`${HEARTBEAT}\r\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const readerOnly = { getReader: () => stream.getReader() } as unknown as ReadableStream<Uint8Array>;
    let count = 0;
    for await (const item of decodeStream(readerOnly)) {
      expect(item.kind).toBe('message');
      if (++count === 3) break;
    }
    expect(cancelled).toBe(true);
  });

  it('reads a ReadableStream through its reader to its end', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(ascii(`${HEARTBEAT}\r\n${HEARTBEAT}`));
        controller.close();
      },
    });
    const readerOnly = { getReader: () => stream.getReader() } as unknown as ReadableStream<Uint8Array>;
    expect((await collect(decodeStream(readerOnly))).map((item) => item.kind)).toEqual(['message', 'message']);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* endless() {
      try {
        for (;;) yield ascii(`${HEARTBEAT}\r\n`);
      } finally {
        closed = true;
      }
    }
    for await (const item of decodeStream(endless())) {
      expect(item.kind).toBe('message');
      break;
    }
    expect(closed).toBe(true);
  });

  it('decodes 1,000 frames sent over a real TCP socket in random-sized writes', async () => {
    const messages = fc.sample(arbMessage(), { numRuns: 1_000, seed: 42 });
    const bytes = concat(messages.map((message) => encode(message)));
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const [socket] = await accepted;

    const received = collect(decodeStream(socket, { from: 'device' }));
    const sizes = fc.sample(fc.integer({ min: 1, max: 700 }), { numRuns: bytes.length, seed: 7 });
    let at = 0;
    for (const size of sizes) {
      if (at >= bytes.length) break;
      const piece = bytes.subarray(at, at + size);
      at += piece.length;
      if (!client.write(piece)) await once(client, 'drain');
    }
    client.end();
    const items = await received;
    server.close();

    const deviceMessages = messages.filter((message) => ['Heartbeat', 'StatusAnswer', 'OwnershipQuery', 'LendSuccess', 'ReturnSuccess', 'LendFailure', 'ReturnFailure'].includes(message.type));
    expect(messagesOf(items)).toEqual(deviceMessages);
    expect(items.filter((item) => item.kind === 'error').every((item) => item.kind === 'error' && item.error.code === 'DIRECTION')).toBe(true);
    expect(items.length).toBe(1_000);
  });
});

describe('createDecodeTransform', () => {
  it('decodes through pipeThrough', async () => {
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(ascii(`noise\r\n${HEARTBEAT.slice(0, 12)}`));
        controller.enqueue(ascii(`${HEARTBEAT.slice(12)}\r\n{"8`));
        controller.close();
      },
    });
    const items = await collect(source.pipeThrough(createDecodeTransform()));
    expect(items.map((item) => item.kind)).toEqual(['noise', 'message', 'truncated']);
  });
});
