/**
 * Things due at a time, earliest first: a binary min-heap, so that the hub finds its
 * next deadline without looking at every connection and request. An entry is never
 * updated in place: when a thing's time moves, the hub pushes it again and skips the
 * entries that no longer hold as it reaches them.
 *
 * @module
 * @internal
 */

/** A min-heap of `(time, item)` entries. */
export class Deadlines<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  /** The earliest time, or `undefined` when empty. */
  get firstTime(): number | undefined {
    return this.times[0];
  }

  /** The item of the earliest time, or `undefined` when empty. */
  get firstItem(): T | undefined {
    return this.items[0];
  }

  push(time: number, item: T): void {
    let at = this.times.length;
    this.times.push(time);
    this.items.push(item);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.times[parent]! <= time) break;
      this.move(parent, at);
      at = parent;
    }
    this.times[at] = time;
    this.items[at] = item;
  }

  /** Removes the earliest entry. */
  pop(): void {
    const lastTime = this.times.pop()!;
    const lastItem = this.items.pop()!;
    const size = this.times.length;
    if (size === 0) return;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.times[right]! < this.times[left]! ? right : left;
      if (this.times[child]! >= lastTime) break;
      this.move(child, at);
      at = child;
    }
    this.times[at] = lastTime;
    this.items[at] = lastItem;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.items[to] = this.items[from]!;
  }
}
