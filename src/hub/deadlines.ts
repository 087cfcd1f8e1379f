/**
 * Things due at a time, earliest first: a binary min-heap, so that the hub finds its
 * next deadline without looking at every connection and request. An entry is never
 * updated in place: when a thing's time moves, the hub pushes it again and skips the
 * entries that no longer hold as it reaches them, and when they outnumber the others it
 * drops them all at once (`retain`), so that what is done with is not kept until its time.
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
    if (this.times.length > 0) this.siftDown(0, lastTime, lastItem);
  }

  /** Keeps only the entries `keep` accepts, in one pass (then one heap is rebuilt from them). */
  retain(keep: (item: T, time: number) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.times.length; i++) {
      if (!keep(this.items[i]!, this.times[i]!)) continue;
      this.times[kept] = this.times[i]!;
      this.items[kept] = this.items[i]!;
      kept++;
    }
    this.times.length = kept;
    this.items.length = kept;
    for (let at = (kept >> 1) - 1; at >= 0; at--) this.siftDown(at, this.times[at]!, this.items[at]!);
  }

  /** Puts `(time, item)` at `at`, or below it where its children are earlier. */
  private siftDown(at: number, time: number, item: T): void {
    const size = this.times.length;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.times[right]! < this.times[left]! ? right : left;
      if (this.times[child]! >= time) break;
      this.move(child, at);
      at = child;
    }
    this.times[at] = time;
    this.items[at] = item;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.items[to] = this.items[from]!;
  }
}
