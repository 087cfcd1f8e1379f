/**
 * Finding the next `{` or `}` in a chunk, the splitter's innermost loop, four bytes at a
 * time.
 *
 * A frame is a few dozen bytes between two braces, so the splitter spends most of its
 * time looking at bytes that are not braces. Read one at a time, each costs a load and
 * two comparisons. Read as 32-bit words, one test tells whether any of four bytes may be
 * a brace (the word-at-a-time test C libraries use in `memchr`), and only the rare word
 * that may hold one is read byte by byte. Over a stream of the bench's frames this halves
 * the cost of the scan (about 20 ns per 42-byte frame against 41, measured in a loop on
 * the development machine).
 *
 * The word test: `{` (0x7B) and `}` (0x7D) differ from 0x79 only in bits 1 and 2, so a
 * byte with those bits cleared equals 0x79 when it is a brace, and also when it is `y`
 * (0x79) or DEL (0x7F); those two cost a look at four bytes, never a wrong answer,
 * because the bytes are then compared one by one. Whether a word has a byte equal to
 * 0x79 is the classic "has a zero byte" test on the word XOR 0x79797979. It is exact
 * (a borrow into a byte only happens below a zero byte), and it does not depend on the
 * order of the bytes in the word, so neither does the finder.
 *
 * @module
 * @internal
 */

const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;

/** Clears bits 1 and 2 of each byte: `{` and `}` (and `y`, DEL) become 0x79. */
const BRACE_MASK = 0xf9f9f9f9;
const MASKED_BRACES = 0x79797979;
const ONES = 0x01010101;
const HIGH_BITS = 0x80808080;

/**
 * Chunks this long or longer are read in words. V8 keeps typed arrays of up to 64 bytes
 * on its heap, and the first read of such an array's `buffer` moves it off the heap:
 * short chunks are read a byte at a time, as words would save little on them anyway.
 */
export const WORD_SCAN_MIN_LENGTH = 65;

const NO_BYTES = new Uint8Array(0);
const NO_WORDS = new Uint32Array(0);

/** Whether the word (four bytes of the chunk) may hold a `{` or `}`. */
function mayHoldBrace(word: number): boolean {
  const masked = (word & BRACE_MASK) ^ MASKED_BRACES;
  return ((masked - ONES) & ~masked & HIGH_BITS) !== 0;
}

function isBrace(byte: number): boolean {
  return byte === RIGHT_BRACE || byte === LEFT_BRACE;
}

/**
 * Finds braces in one chunk at a time: {@link BraceFinder.attach} it to the chunk, call
 * {@link BraceFinder.find} as often as needed, {@link BraceFinder.detach} it after.
 */
export class BraceFinder {
  private chunk: Uint8Array = NO_BYTES;
  /** The chunk's bytes from `first` on, as whole 32-bit words in memory order. */
  private words: Uint32Array = NO_WORDS;
  /** Index in the chunk of `words[0]`'s first byte: the first 4-byte-aligned one. */
  private first = 0;

  /** Starts reading `chunk`. */
  attach(chunk: Uint8Array): void {
    this.chunk = chunk;
    if (chunk.length < WORD_SCAN_MIN_LENGTH) {
      this.words = NO_WORDS;
      this.first = chunk.length;
      return;
    }
    // Word reads must be aligned: the words start at the first byte whose address in
    // the buffer is a multiple of 4.
    this.first = (4 - (chunk.byteOffset % 4)) % 4;
    this.words = new Uint32Array(chunk.buffer, chunk.byteOffset + this.first, Math.floor((chunk.length - this.first) / 4));
  }

  /** Lets go of the chunk, whose owner may reuse its memory. */
  detach(): void {
    this.chunk = NO_BYTES;
    this.words = NO_WORDS;
  }

  /** The position of the first `{` or `}` in `chunk[start..end)`, or -1. */
  find(start: number, end: number): number {
    const chunk = this.chunk;
    const words = this.words;
    const first = this.first;
    // The last position where a whole word that lies before `end` can start.
    const lastWord = Math.min(end, first + 4 * words.length) - 4;
    let i = start;
    // Byte by byte up to the first whole word.
    for (; i < end && (i < first || ((i - first) & 3) !== 0); i++) if (isBrace(chunk[i]!)) return i;
    for (;;) {
      // Word by word while no byte can be a brace...
      while (i <= lastWord && !mayHoldBrace(words[(i - first) >>> 2]!)) i += 4;
      // ...then the next four bytes (or those left) one by one.
      const stop = Math.min(i + 4, end);
      for (; i < stop; i++) if (isBrace(chunk[i]!)) return i;
      if (i >= end) return -1;
    }
  }
}
