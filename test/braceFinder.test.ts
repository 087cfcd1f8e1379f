/**
 * The splitter's brace finder is internal, so this file imports it from `src/`;
 * `splitter.test.ts` checks the frames the splitter finds with it, and the stream
 * properties check the finder against a byte-by-byte scan on arbitrary bytes.
 */
import { describe, expect, it } from 'vitest';
import { BraceFinder, WORD_SCAN_MIN_LENGTH } from '../src/stream/braceFinder.js';

const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
/** Bytes that look like a brace to the word test: `y` and DEL. */
const LOOKALIKES = [0x79, 0x7f];

/** `bytes` copied to `alignment` bytes past a 4-byte boundary of a larger buffer. */
function at(alignment: number, bytes: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(new ArrayBuffer(bytes.length + 8), 4 + alignment, bytes.length);
  chunk.set(bytes);
  return chunk;
}

function finderOn(chunk: Uint8Array): BraceFinder {
  const finder = new BraceFinder();
  finder.attach(chunk);
  return finder;
}

/** A Uint8Array that counts the reads of its `buffer`. */
class CountingArray extends Uint8Array {
  bufferReads = 0;
  override get buffer(): ArrayBuffer {
    this.bufferReads++;
    return super.buffer as ArrayBuffer;
  }
}

describe('BraceFinder', () => {
  it('finds a brace at every position, at every alignment, in short and long chunks', () => {
    for (const length of [1, 7, WORD_SCAN_MIN_LENGTH - 1, WORD_SCAN_MIN_LENGTH, 100]) {
      for (let alignment = 0; alignment < 4; alignment++) {
        for (let position = 0; position < length; position++) {
          for (const brace of [LEFT_BRACE, RIGHT_BRACE]) {
            const bytes = new Uint8Array(length).fill(0x41);
            bytes[position] = brace;
            const finder = finderOn(at(alignment, bytes));
            expect(finder.find(0, length)).toBe(position);
            expect(finder.find(position + 1, length)).toBe(-1);
            expect(finder.find(0, position)).toBe(-1);
          }
        }
      }
    }
  });

  it('passes over bytes that look like braces to the word test, and over every other byte', () => {
    for (let alignment = 0; alignment < 4; alignment++) {
      for (let byte = 0; byte < 256; byte++) {
        if (byte === LEFT_BRACE || byte === RIGHT_BRACE) continue;
        const bytes = new Uint8Array(100).fill(byte);
        bytes[97] = RIGHT_BRACE;
        expect(finderOn(at(alignment, bytes)).find(0, 100)).toBe(97);
      }
    }
    const lookalikes = new Uint8Array(100).map((_, i) => LOOKALIKES[i % 2]!);
    lookalikes[61] = LEFT_BRACE;
    expect(finderOn(at(1, lookalikes)).find(3, 100)).toBe(61);
  });

  it('finds the first of several braces in a word, from any start', () => {
    const bytes = new Uint8Array(80).fill(0x30);
    bytes.set([RIGHT_BRACE, 0x0d, 0x0a, LEFT_BRACE], 40);
    const finder = finderOn(at(0, bytes));
    expect(finder.find(0, 80)).toBe(40);
    expect(finder.find(41, 80)).toBe(43);
    expect(finder.find(41, 43)).toBe(-1);
  });

  it(`reads the buffer of chunks of ${WORD_SCAN_MIN_LENGTH} bytes or more only, once`, () => {
    for (const length of [WORD_SCAN_MIN_LENGTH - 1, WORD_SCAN_MIN_LENGTH]) {
      const chunk = new CountingArray(length);
      const finder = finderOn(chunk);
      finder.find(0, length);
      finder.find(1, length);
      expect(chunk.bufferReads).toBe(length < WORD_SCAN_MIN_LENGTH ? 0 : 1);
    }
  });

  it('lets go of the chunk when detached', () => {
    const chunk = new Uint8Array(100).fill(RIGHT_BRACE);
    const finder = finderOn(chunk);
    expect(finder.find(0, 100)).toBe(0);
    finder.detach();
    expect(finder.find(0, 100)).toBe(-1);
  });
});
