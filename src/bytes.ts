/**
 * Byte helpers shared by the codec: text in and out of `Uint8Array` without Node's
 * `Buffer`, so the core runs in browsers, Deno and Bun as well.
 *
 * @module
 * @internal
 */

/**
 * The bytes the library makes for you (a frame from {@link encode}, say): a `Uint8Array`
 * over a plain `ArrayBuffer`, never a `SharedArrayBuffer`. Under TypeScript 5.7 and
 * later that is `Uint8Array<ArrayBuffer>`, which DOM APIs such as `new Blob([bytes])`,
 * `fetch(url, { body: bytes })` and `crypto.subtle.digest('SHA-256', bytes)` require;
 * under older TypeScript, whose `Uint8Array` is not generic, it is plain `Uint8Array`.
 *
 * @example
 * ```ts
 * import { encode, type Bytes } from 'powerbank-codec';
 *
 * const frame: Bytes = encode({ type: 'Heartbeat', imei: '860123456789014' });
 * const blob = new Blob([frame]); // type-checks with the DOM lib of TypeScript 5.9
 * ```
 */
// `slice` returns a copy in a new ArrayBuffer, typed so by each TypeScript version.
export type Bytes = ReturnType<Uint8Array['slice']>;

const utf8 = new TextEncoder();

/** The bytes of `input`: a `Uint8Array` as it is, a string as UTF-8 (new bytes). */
export function toBytes(input: string): Bytes;
export function toBytes(input: Uint8Array | string): Uint8Array;
export function toBytes(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string') return input;
  const bytes = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i);
    if (code > 0x7f) return utf8.encode(input);
    bytes[i] = code;
  }
  return bytes;
}

const objectTag = Object.prototype.toString;

/**
 * The bytes `input` holds, or `undefined` when it holds none: a `Uint8Array` as it is, a
 * string as UTF-8, and what a caller in plain JavaScript may hand over instead (another
 * typed array or a `DataView`: its bytes; an `ArrayBuffer`), from any realm (a `vm`
 * context, an iframe), where `instanceof Uint8Array` is false.
 */
export function bytesOf(input: unknown): Uint8Array | undefined {
  if (input instanceof Uint8Array || typeof input === 'string') return toBytes(input);
  const tag = objectTag.call(input);
  if (!ArrayBuffer.isView(input) && tag !== '[object ArrayBuffer]' && tag !== '[object SharedArrayBuffer]') return undefined;
  try {
    return ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : new Uint8Array(input as ArrayBufferLike);
  } catch {
    // A view of a detached buffer, or of a resizable one shrunk below it: no bytes left.
    return new Uint8Array(0);
  }
}

/** What a value is, in a word or two, for a message that says it is not what was expected. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * `bytes[start..end)` as a string, one character per byte (Latin-1): eight bytes per
 * `String.fromCharCode` call, then four, two and one, so that a power-bank id of 12
 * characters is two pieces, not five.
 */
export function byteString(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  let i = start;
  for (; i + 8 <= end; i += 8) {
    text += String.fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!, bytes[i + 4]!, bytes[i + 5]!, bytes[i + 6]!, bytes[i + 7]!);
  }
  if (i + 4 <= end) {
    text += String.fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!);
    i += 4;
  }
  if (i + 2 <= end) {
    text += String.fromCharCode(bytes[i]!, bytes[i + 1]!);
    i += 2;
  }
  if (i < end) text += String.fromCharCode(bytes[i]!);
  return text;
}

/** `bytes[start..end)` as {@link byteString} does, cut after 40 bytes (with `…`): a field shown in an error message. */
export function excerpt(bytes: Uint8Array, start: number, end: number): string {
  return end - start > 40 ? `${byteString(bytes, start, start + 40)}…` : byteString(bytes, start, end);
}

/** The sixteen uppercase hex digits. */
export const HEX_DIGITS = '0123456789ABCDEF';

/** `value` (0..0xFFFF) as four uppercase hex digits. */
export function hex4(value: number): string {
  return (
    HEX_DIGITS[(value >>> 12) & 0xf]! +
    HEX_DIGITS[(value >>> 8) & 0xf]! +
    HEX_DIGITS[(value >>> 4) & 0xf]! +
    HEX_DIGITS[value & 0xf]!
  );
}

/** A byte shown for a human: `'A'` for printable ASCII, `0x0A` otherwise. */
export function describeByte(byte: number | undefined): string {
  if (byte === undefined) return 'the end of the frame';
  if (byte >= 0x20 && byte < 0x7f) return `'${String.fromCharCode(byte)}'`;
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Whether `bytes[start..end)` spells the ASCII string `text`. */
export function spells(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The position of the first `byte` in `bytes[start..end)`, or -1. */
export function indexOfByte(bytes: Uint8Array, byte: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (bytes[i] === byte) return i;
  return -1;
}

/** The bytes of a chunk, or a `TypeError` for a value that holds none. */
export function chunkBytes(chunk: unknown, what = 'a chunk is a Uint8Array'): Uint8Array {
  const bytes = typeof chunk === 'string' ? undefined : bytesOf(chunk);
  if (bytes === undefined) throw new TypeError(`${what}; got ${describeValue(chunk)}`);
  return bytes;
}
