/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same
 * sequence on every platform, so a simulation replays exactly.
 *
 * @module
 * @internal
 */

/** A deterministic source of numbers in [0, 1). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  }

  /** Whether an event of probability `rate` happens this time. Draws a number even for 0 and 1, so that rates do not shift the sequence. */
  chance(rate: number): boolean {
    return this.next() < rate;
  }

  /** An integer in [0, count). */
  below(count: number): number {
    return Math.floor(this.next() * count);
  }
}
