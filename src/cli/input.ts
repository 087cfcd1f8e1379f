/**
 * Where the bytes come from: a file, or stdin (no file, or `-`), raw or as hex text,
 * chunk by chunk as they arrive.
 *
 * @module
 */

import { open } from 'node:fs/promises';
import { UsageError } from './args.js';
import { HexParser } from './hex.js';

/** The input named on the command line: a path, or `undefined` for stdin. */
export function inputPath(positional: string | undefined): string | undefined {
  return positional === undefined || positional === '-' ? undefined : positional;
}

function describeFailure(path: string, error: unknown): UsageError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file' :
    code === 'EACCES' ? 'permission denied' :
    code === 'EISDIR' ? 'it is a directory' :
    error instanceof Error ? error.message : String(error);
  return new UsageError(`cannot read ${JSON.stringify(path)}: ${reason}`);
}

/** The raw chunks of the file at `path`, or of stdin. Opening fails early, as a {@link UsageError}. */
async function rawChunks(path: string | undefined): Promise<AsyncIterable<Uint8Array>> {
  if (path === undefined) {
    if (process.stdin.isTTY) process.stderr.write('reading stdin (end with Ctrl-D; give a file name to read a file)\n');
    return process.stdin;
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw describeFailure(path, error);
  }
  const stream = handle.createReadStream();
  return (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (error) {
      throw describeFailure(path, error);
    }
  })();
}

/** The bytes of hex text, chunk by chunk (see `hex.ts` for what is accepted). */
export async function* fromHex(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const text = new TextDecoder();
  const hex = new HexParser();
  for await (const chunk of chunks) {
    const bytes = hex.push(text.decode(chunk, { stream: true }));
    if (bytes.length > 0) yield bytes;
  }
  for (const bytes of [hex.push(text.decode()), hex.end()]) if (bytes.length > 0) yield bytes;
}

/** The input's bytes as they arrive: the file at `path` or stdin, decoded from hex when `hex` is set. */
export async function readInput(path: string | undefined, hex: boolean): Promise<AsyncIterable<Uint8Array>> {
  const chunks = await rawChunks(path);
  return hex ? fromHex(chunks) : chunks;
}

/**
 * The first bytes of `chunks`: `count` of them (fewer if it ends first), or as many as
 * it takes for `enough` to say so; and every byte again: to tell a capture file by its
 * magic number, or a log by its first lines, then read it from the start. `ended`: the
 * input ended within the head.
 */
export async function peek(
  chunks: AsyncIterable<Uint8Array>,
  enough: number | ((head: Uint8Array) => boolean),
): Promise<{ head: Uint8Array; chunks: AsyncIterable<Uint8Array>; ended: boolean }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first: Uint8Array[] = [];
  let head = new Uint8Array(0);
  let done = false;
  while (typeof enough === 'number' ? head.length < enough : !enough(head)) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    first.push(next.value);
    const joined = new Uint8Array(head.length + next.value.length);
    joined.set(head);
    joined.set(next.value, head.length);
    head = joined;
  }
  return {
    head,
    ended: done,
    chunks: (async function* () {
      yield* first;
      if (done) return;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
    })(),
  };
}
