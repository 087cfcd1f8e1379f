/**
 * A small fixed-size cache of the checked field strings a decoder produced for recent
 * frames. A station sends its IMEI in every frame and the ids of the power banks it
 * holds in every status answer, and a connection carries one station: so a decoder that
 * finds the bytes of a field in its cache returns the string it built the first time,
 * without building a new one or checking the bytes again (they are the bytes that
 * passed the check then).
 *
 * A hit never returns a wrong string: the hash only picks the slot, and the slot's
 * string is returned only when its bytes, kept beside it, equal the field's bytes one by
 * one. Storing puts the string in its slot, in place of the one there. Memory is
 * bounded: a fixed number of slots, each holding a string of at most `maxLength`
 * characters and a copy of its bytes.
 *
 * @module
 * @internal
 */

/** How many of the last bytes of a string the hash reads: where IMEIs and ids differ most. */
const HASHED_BYTES = 3;

/** The smallest power of two that is at least `count`. */
function powerOfTwoAtLeast(count: number): number {
  let size = 1;
  while (size < count) size *= 2;
  return size;
}

/** `bytes[start..end)`, one to four bytes, as a little-endian 32-bit word (zero-padded). */
function packWord(bytes: Uint8Array, start: number, end: number): number {
  let word = 0;
  for (let i = end - 1; i >= start; i--) word = (word << 8) | bytes[i]!;
  return word;
}

/** Strings of bytes, built once and handed out again while they stay in their slot. */
export class StringCache {
  /** The string in each slot ('' when empty). */
  private readonly strings: string[];
  /**
   * The bytes of each slot's string, four to a word, `wordsPerSlot` words per slot (the
   * last word of a string holds its last one to four bytes, zero-padded). Comparing a
   * word with four bytes packed from the frame reads 1.25 values per byte where
   * comparing byte by byte reads 2: a 15-digit IMEI compares in about two thirds of the
   * time.
   */
  private readonly keys: Int32Array;
  private readonly wordsPerSlot: number;
  private readonly mask: number;

  /**
   * A cache with room for at least `capacity` strings (rounded up to a power of two) of
   * at most `maxLength` characters; longer ones are never cached.
   */
  constructor(
    capacity: number,
    readonly maxLength: number,
  ) {
    const size = powerOfTwoAtLeast(capacity);
    this.strings = new Array<string>(size).fill('');
    this.wordsPerSlot = Math.ceil(maxLength / 4);
    this.keys = new Int32Array(size * this.wordsPerSlot);
    this.mask = size - 1;
  }

  /** The number of slots: the most strings the cache ever holds. */
  get size(): number {
    return this.strings.length;
  }

  /** How many slots hold a string. */
  get count(): number {
    let count = 0;
    for (const text of this.strings) if (text !== '') count++;
    return count;
  }

  /** The cached string that `bytes[start..end)` spells, if there is one. */
  find(bytes: Uint8Array, start: number, end: number): string | undefined {
    const length = end - start;
    if (length === 0 || length > this.maxLength) return undefined;
    const slot = this.slotOf(bytes, start, end);
    const cached = this.strings[slot]!;
    return cached.length === length && this.keyEquals(slot * this.wordsPerSlot, bytes, start, end) ? cached : undefined;
  }

  /** Keeps `text`, the string that `bytes[start..end)` spells, for `find`; returns `text`. */
  store(text: string, bytes: Uint8Array, start: number, end: number): string {
    if (end - start > this.maxLength) return text;
    const slot = this.slotOf(bytes, start, end);
    this.strings[slot] = text;
    let word = slot * this.wordsPerSlot;
    for (let i = start; i < end; i += 4) this.keys[word++] = packWord(bytes, i, Math.min(i + 4, end));
    return text;
  }

  /**
   * The slot for `bytes[start..end)`: its length and its last three bytes, packed in 32
   * bits, hashed by one multiplication (Knuth's multiplicative hashing).
   */
  private slotOf(bytes: Uint8Array, start: number, end: number): number {
    let key = end - start;
    for (let i = Math.max(start, end - HASHED_BYTES); i < end; i++) key = (key << 8) | bytes[i]!;
    return (Math.imul(key, 0x9e3779b1) >>> 16) & this.mask;
  }

  /**
   * Whether the key that starts at word `word` holds the bytes `bytes[start..end)`: the
   * differences of all the words OR-ed together, tested once at the end.
   */
  private keyEquals(word: number, bytes: Uint8Array, start: number, end: number): boolean {
    const keys = this.keys;
    let difference = 0;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      difference |= (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) ^ keys[word++]!;
    }
    if (i < end) difference |= packWord(bytes, i, end) ^ keys[word]!;
    return difference === 0;
  }
}
