/**
 * The streaming decoder: the frame splitter and `decode` in one object, and the two
 * adapters that put it on an async iterable or a WHATWG stream.
 *
 * @module
 */

import { chunkBytes, toBytes } from '../bytes.js';
import { frameDecoderFor, type DecodeOptions, type FrameDecoder } from '../decode.js';
import type { DecodeError, Deviation } from '../errors.js';
import type { Message } from '../messages/index.js';
import type { DiscardedEvent, LineEndingEvent, SplitterEvent } from './events.js';
import { FrameSplitter } from './splitter.js';

/** A frame that decoded. `offset` and `length` place the frame in the stream. */
export interface MessageItem {
  readonly kind: 'message';
  /** Position of the frame's `{` in the whole stream. */
  readonly offset: number;
  /** Number of bytes in the frame, `{` to `}`. */
  readonly length: number;
  /** The frame's bytes (a view into the chunk when the frame lay inside one; see {@link FrameEvent}). */
  readonly frame: Uint8Array;
  /** The decoded message. */
  readonly message: Message;
  /** The deviations lenient mode accepted, in byte order (empty when canonical). */
  readonly deviations: readonly Deviation[];
}

/**
 * A frame that did not decode. `error.offset` counts from the frame's `{`; add `offset`
 * for the position in the stream.
 */
export interface ErrorItem {
  readonly kind: 'error';
  /** Position of the frame's `{` in the whole stream. */
  readonly offset: number;
  /** Number of bytes in the frame, `{` to `}`. */
  readonly length: number;
  /** The frame's bytes (a view into the chunk when the frame lay inside one). */
  readonly frame: Uint8Array;
  /** Why the frame was refused. */
  readonly error: DecodeError;
}

/**
 * What the streaming decoder yields, in stream order: a decoded `message`, an `error`
 * for a frame that did not decode, a run of discarded bytes (`noise`, `tooLong`,
 * `truncated`), or a `lineEnding` other than the dialect's after the frame before it.
 *
 * @example
 * ```ts
 * import { createDecoder, type DecoderItem } from 'powerbank-codec';
 *
 * function log(item: DecoderItem): string {
 *   switch (item.kind) {
 *     case 'message': return `${item.message.type} from ${item.message.imei}`;
 *     case 'error': return `${item.error.code} at byte ${item.offset + item.error.offset}: ${item.error.message}`;
 *     case 'lineEnding': return `line ending ${JSON.stringify(item.seen)} at byte ${item.offset}`;
 *     default: return `${item.length} bytes of ${item.kind} at byte ${item.offset}`;
 *   }
 * }
 * createDecoder().push(new TextEncoder().encode('AT\r\n{"860123456789014,CH,,3FCE"}\r\n')).map(log);
 * // ['2 bytes of noise at byte 0', 'Heartbeat from 860123456789014']
 * ```
 */
export type DecoderItem = MessageItem | ErrorItem | DiscardedEvent | LineEndingEvent;

/**
 * Options for {@link createDecoder}, {@link decodeStream} and
 * {@link createDecodeTransform}: those of `decode`, plus the splitter's frame limit.
 *
 * @example
 * ```ts
 * import { createDecoder, type StreamDecoderOptions } from 'powerbank-codec';
 *
 * const options: StreamDecoderOptions = { from: 'device', maxFrameLength: 512, dialect: { slotCount: 6 } };
 * const decoder = createDecoder(options);
 * ```
 */
export interface StreamDecoderOptions extends DecodeOptions {
  /**
   * The longest frame, `{` to `}`, that is kept. The default is the longest valid frame
   * of the dialect (a status answer with every slot full and 32-character ids), and at
   * least 1024 bytes. A smaller limit is allowed: frames longer than it are then
   * reported as `tooLong`, valid or not.
   */
  readonly maxFrameLength?: number | undefined;
}

/**
 * A frame splitter and decoder for one byte stream (one per connection). See
 * {@link createDecoder}.
 *
 * @example
 * ```ts
 * import { createDecoder, type StreamDecoder } from 'powerbank-codec';
 *
 * const decoder: StreamDecoder = createDecoder();
 * decoder.push(new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\r\n'));
 * decoder.end();
 * ```
 */
export interface StreamDecoder {
  /**
   * Feeds the next chunk (bytes, or a string taken as UTF-8); returns the items it
   * completes. From plain JavaScript, another typed array, a `DataView` or an
   * `ArrayBuffer` is read as its bytes; any other value throws a `TypeError` and leaves
   * the decoder as it was.
   */
  push(chunk: Uint8Array | string): DecoderItem[];
  /** Ends the stream; returns the items of whatever was left, and resets the decoder. */
  end(): DecoderItem[];
  /** Bytes of an unfinished frame held between chunks: at most `maxFrameLength`. */
  readonly bufferedLength: number;
}

/**
 * Creates a streaming decoder: a {@link FrameSplitter} and `decode` in one object. Feed
 * it the chunks of one connection as they arrive; every complete frame comes back
 * decoded (or as an error), every discarded run of bytes as an event, in stream order,
 * whatever the chunking. Invalid options throw a `ProtocolError` (`OPTIONS`) here, once.
 *
 * @example
 * ```ts
 * import { createDecoder } from 'powerbank-codec';
 *
 * const decoder = createDecoder({ from: 'device' });
 * const bytes = new TextEncoder().encode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
 * decoder.push(bytes.subarray(0, 20)); // []
 * const [item] = decoder.push(bytes.subarray(20));
 * if (item?.kind === 'message') console.log(item.message.type); // 'LendSuccess'
 * ```
 */
export function createDecoder(options: StreamDecoderOptions = {}): StreamDecoder {
  return new ConnectionDecoder(options);
}

/** The {@link StreamDecoder} of one connection: its splitter, and the decoder of its options. */
class ConnectionDecoder implements StreamDecoder {
  private readonly frames: FrameDecoder;
  private readonly splitter: FrameSplitter;

  constructor(options: StreamDecoderOptions) {
    this.frames = frameDecoderFor(options);
    this.splitter = new FrameSplitter({ dialect: this.frames.dialect, maxFrameLength: options.maxFrameLength });
  }

  push(chunk: Uint8Array | string): DecoderItem[] {
    return this.decodeFrames(this.splitter.push(bytesOfChunk(chunk)));
  }

  end(): DecoderItem[] {
    return this.decodeFrames(this.splitter.end());
  }

  get bufferedLength(): number {
    return this.splitter.bufferedLength;
  }

  /** Replaces each frame event by its decoded item, in the array the splitter returned. */
  private decodeFrames(events: SplitterEvent[]): DecoderItem[] {
    const items = events as DecoderItem[];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.kind !== 'frame') continue;
      const { offset, length, bytes: frame } = event;
      const result = this.frames.decode(frame);
      items[i] = result.ok
        ? { kind: 'message', offset, length, frame, message: result.message, deviations: result.deviations }
        : { kind: 'error', offset, length, frame, error: result.error };
    }
    return items;
  }
}

/** The bytes of a chunk of a stream: a string as UTF-8; a `TypeError` for a value that holds none. */
function bytesOfChunk(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? toBytes(chunk) : chunkBytes(chunk, 'a chunk is a Uint8Array or a string');
}

/**
 * A source of chunks {@link decodeStream} can read: an async iterable (a Node socket or
 * readable, an async generator), a WHATWG `ReadableStream` (read through its reader
 * where it is not async-iterable), or a plain iterable. Strings are taken as UTF-8.
 *
 * @example
 * ```ts
 * import { decodeStream, type ChunkSource } from 'powerbank-codec';
 *
 * const source: ChunkSource = ['{"860123456789014,', 'CH,,3FCE"}\r\n'];
 * for await (const item of decodeStream(source)) console.log(item.kind); // 'message'
 * ```
 */
export type ChunkSource =
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | ReadableStream<Uint8Array | string>;

/** The chunks of `source`, read through its reader when it is a stream that is not async-iterable (older browsers). */
async function* chunksOf(source: ChunkSource): AsyncGenerator<Uint8Array | string, void, undefined> {
  if (Symbol.asyncIterator in source || Symbol.iterator in source) {
    yield* source as AsyncIterable<Uint8Array | string>;
    return;
  }
  const reader = (source as ReadableStream<Uint8Array | string>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel();
    reader.releaseLock();
  }
}

/**
 * Decodes a byte stream: any async iterable of chunks (a Node `net.Socket`, an async
 * generator), a WHATWG `ReadableStream`, or a plain iterable. Yields every
 * {@link DecoderItem} in stream order and ends when the source ends. Breaking out of the
 * loop closes the source (a socket is destroyed, a stream cancelled); an error of the
 * source (a socket's `ECONNRESET`) ends the loop with that error.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:net';
 * import { decodeStream } from 'powerbank-codec';
 *
 * createServer(async (socket) => {
 *   try {
 *     for await (const item of decodeStream(socket, { from: 'device' })) {
 *       if (item.kind === 'message') console.log(item.message);
 *       else if (item.kind === 'error') console.warn(item.error.code, item.error.message);
 *     }
 *   } catch (error) {
 *     console.warn('connection lost:', error); // ECONNRESET ends the loop with the socket's error
 *   }
 * }).listen(9000);
 * ```
 */
export async function* decodeStream(source: ChunkSource, options: StreamDecoderOptions = {}): AsyncGenerator<DecoderItem, void, undefined> {
  const decoder = createDecoder(options);
  for await (const chunk of chunksOf(source)) yield* decoder.push(chunk);
  yield* decoder.end();
}

/**
 * A WHATWG `TransformStream` from bytes to {@link DecoderItem}s, for `pipeThrough` in
 * browsers, Deno, Bun and Node.
 *
 * @example
 * ```ts
 * import { createDecodeTransform } from 'powerbank-codec';
 *
 * const bytes = new TextEncoder().encode('{"860123456789014,CH,,3FCE"}\r\n');
 * const items = new Blob([bytes]).stream().pipeThrough(createDecodeTransform());
 * for await (const item of items) console.log(item.kind); // 'message'
 * ```
 */
export function createDecodeTransform(options: StreamDecoderOptions = {}): TransformStream<Uint8Array | string, DecoderItem> {
  const decoder = createDecoder(options);
  return new TransformStream({
    transform(chunk, controller) {
      for (const item of decoder.push(chunk)) controller.enqueue(item);
    },
    flush(controller) {
      for (const item of decoder.end()) controller.enqueue(item);
    },
  });
}
