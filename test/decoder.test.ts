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

  it('applies maxFrameLength, reporting the frame as soon as it crosses it, then the rest', () => {
    expect(decodeAll([ascii(HEARTBEAT)], { maxFrameLength: 20 })).toMatchObject([
      { kind: 'tooLong', offset: 0, length: 20 },
      { kind: 'tooLong', offset: 20, length: 8 },
    ]);
  });

  it.each([
    [3, 'CRC-16/MODBUS'],
    [48, 'CRC-16/MODBUS'],
    [60, 'CRC-16/MODBUS'],
    [999, 'CRC-16/MODBUS'],
    [48, 'none'],
    [999, 'none'],
  ] as const)('decodes the longest status answer of a %i-slot dialect (CRC %s) with the default maxFrameLength', (slotCount, crc) => {
    const dialect = { slotCount, crc };
    const slots = Array.from({ length: slotCount }, (_, i) => ({ slot: i + 1, status: 'full' as const, powerBankId: 'A'.repeat(32) }));
    const frame = encode({ type: 'StatusAnswer', imei: '860123456789014', slots }, { dialect });
    const items = decodeAll([frame], { dialect });
    expect(items.map((item) => item.kind)).toEqual(['message']);
    // The limit (at least 1024) keeps a frame of its length, and bites one byte after.
    const limit = Math.max(1024, frame.length - 2);
    const ofLength = (length: number) => ascii(`{"${'A'.repeat(length - 4)}"}`);
    expect(decodeAll([ofLength(limit)], { dialect }).map((item) => item.kind)).toEqual(['error']);
    expect(decodeAll([ofLength(limit + 1)], { dialect }).map((item) => item.kind)).toEqual(['tooLong', 'tooLong']);
  });

  it('accepts an explicit maxFrameLength below the longest frame, and reports longer frames as tooLong', () => {
    const dialect = { slotCount: 48 };
    const slots = Array.from({ length: 48 }, (_, i) => ({ slot: i + 1, status: 'full' as const, powerBankId: 'A'.repeat(32) }));
    const frame = encode({ type: 'StatusAnswer', imei: '860123456789014', slots }, { dialect });
    expect(decodeAll([frame], { dialect, maxFrameLength: 1024 }).map((item) => item.kind)).toEqual(['tooLong', 'tooLong']);
  });

  it('reports a flood while it goes on: the first event as the limit is crossed, then one per maxFrameLength bytes', () => {
    const decoder = createDecoder();
    expect(decoder.push(ascii('{"860123456789014,CH,'))).toEqual([]);
    let fed = 21;
    let items: DecoderItem[] = [];
    while (items.length === 0 && fed < 100_000) {
      items = decoder.push(ascii('x'.repeat(100)));
      fed += 100;
    }
    expect(fed).toBe(1121);
    expect(items).toMatchObject([{ kind: 'tooLong', offset: 0, length: 1024 }]);
    expect(decoder.bufferedLength).toBe(0);
    // 1 MB more: about one event per 1 KB, every byte counted, and the next frame decodes.
    const flood = [...decoder.push(ascii('x'.repeat(1 << 20))), ...decoder.push(ascii(`}\r\n${HEARTBEAT}\r\n`)), ...decoder.end()];
    expect(flood.length).toBeLessThan(1030);
    expect(flood.at(-1)).toMatchObject({ kind: 'message' });
    const discarded = flood.filter((item) => item.kind === 'tooLong');
    expect(discarded.reduce((sum, item) => sum + item.length, 1024)).toBe(fed + (1 << 20) + 1);
    discarded.forEach((item, i) => expect(item.offset).toBe(i === 0 ? 1024 : discarded[i - 1]!.offset + discarded[i - 1]!.length));
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

  it.each(['{', '{}', '{"', '"}', 'x\n', '\r\n', '{"860123456789014,', '}{', '{x}\r\n', '{"8{}'])(
    '64 KB of %j repeated cost few items, every byte is accounted for, and the next frame decodes',
    async (pattern) => {
      const hostile = ascii(pattern.repeat(Math.ceil(65536 / pattern.length)).slice(0, 65536));
      const items = await collect(decodeStream([hostile, ascii(`${HEARTBEAT}\r\n`)]));
      expect(items.length).toBeLessThanOrEqual(100);
      expect(items.at(-1)).toMatchObject({ kind: 'message', offset: 65536 });
      // Every byte but CR and LF is in exactly one item, in order.
      let at = 0;
      const skipped = new Set<number>();
      for (const item of items) {
        if (item.kind === 'lineEnding') continue;
        expect(item.offset).toBeGreaterThanOrEqual(at);
        for (; at < item.offset; at++) skipped.add(hostile[at]!);
        at = item.offset + item.length;
      }
      expect([...skipped].filter((byte) => byte !== 0x0d && byte !== 0x0a)).toEqual([]);
    },
  );

  it('64 KB of random bytes cost few items, and the next frame decodes', async () => {
    let seed = 7;
    const hostile = Uint8Array.from({ length: 65536 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 23);
    const items = await collect(decodeStream([hostile, ascii(`\r\n${HEARTBEAT}\r\n`)]));
    expect(items.length).toBeLessThanOrEqual(1000);
    expect(items.at(-1)).toMatchObject({ kind: 'message' });
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
