/**
 * The bytes of an unfinished frame that the splitter keeps between chunks (their owners
 * may reuse them): one buffer, grown by doubling and never past `maxFrameLength`, and the
 * copies and views of a frame that the splitter hands out. Plain functions over the
 * splitter's own fields, so that a splitter stays one small object.
 *
 * @module
 * @internal
 */

/** The size of the buffer first made for an unfinished frame. */
const KEPT_START = 64;

/** No bytes kept: the buffer of a splitter between frames. */
export const NO_BYTES = new Uint8Array(0);

/**
 * `buffer[0..kept)` then `chunk[from..)`, in `buffer` when it has room, else in a new
 * buffer: twice as large (64 bytes at first, or what is needed if more), and never
 * larger than `maxLength`.
 */
export function appendBytes(buffer: Uint8Array, kept: number, chunk: Uint8Array, from: number, maxLength: number): Uint8Array {
  const needed = kept + chunk.length - from;
  if (buffer.length < needed) {
    // 64 bytes at first: V8 keeps typed arrays that small on its heap, where they are cheap.
    const grown = new Uint8Array(Math.min(maxLength, Math.max(needed, KEPT_START, 2 * buffer.length)));
    copy(buffer, 0, kept, grown, 0);
    buffer = grown;
  }
  copy(chunk, from, chunk.length, buffer, kept);
  return buffer;
}

/** A copy of at most `limit` bytes: `buffer[0..kept)`, then `chunk[from..end)`. */
export function joinBytes(buffer: Uint8Array, kept: number, chunk: Uint8Array, from: number, end: number, limit: number): Uint8Array {
  const length = Math.min(kept + end - from, limit);
  const bytes = new Uint8Array(length);
  const fromBuffer = Math.min(kept, length);
  copy(buffer, 0, fromBuffer, bytes, 0);
  copy(chunk, from, from + length - fromBuffer, bytes, fromBuffer);
  return bytes;
}

/** `chunk[start..end)` as a plain `Uint8Array` over the chunk's memory, even when the chunk is a Node `Buffer`. */
export function viewOf(chunk: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, end - start);
}

/** Copies `source[start..end)` to `target` at `at`: a plain loop, cheaper than `set` on the short runs of a frame. */
function copy(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): void {
  for (let i = start; i < end; i++) target[at++] = source[i]!;
}
