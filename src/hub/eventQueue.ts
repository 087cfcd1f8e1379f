/**
 * The hub's events on their way to the listener: the events of a call from outside
 * (bytes received, a lend, a tick) are queued while the call runs and delivered, in
 * order, when it ends, so that a listener always sees a hub in a consistent state. A
 * listener that calls the hub again adds its events to the same queue, after the others.
 *
 * @module
 * @internal
 */

import type { HubEvent } from './events.js';

/** The most event slots the queue keeps between calls. */
const QUEUE_KEPT = 1_024;

/** The events of the current call, for `listener` (none is kept without one). */
export class EventQueue {
  /** The events of the current call: the first `queued` of `queue`. */
  private queue: Array<HubEvent | undefined> = [];
  private queued = 0;
  /** Whether a call from outside is under way (its events not all delivered yet). */
  private busy = false;

  constructor(private readonly listener: ((event: HubEvent) => void) | undefined) {}

  /** Queues `event`, for delivery when the outermost call ends. */
  emit(event: HubEvent): void {
    if (this.listener !== undefined) this.queue[this.queued++] = event;
  }

  /** A call from outside begins: `true` for the outermost call, which must then call `leave`. */
  enter(): boolean {
    if (this.busy) return false;
    return (this.busy = true);
  }

  /** The outermost call ends: the events it caused are delivered. */
  leave(): void {
    const { queue, listener } = this;
    // A listener's call to the hub adds its events to the queue: they follow, in order.
    for (let i = 0; i < this.queued; i++) {
      const event = queue[i]!;
      queue[i] = undefined;
      try {
        listener!(event);
      } catch {
        // The hub's state is already consistent; a listener's bug must not corrupt it.
      }
    }
    this.queued = 0;
    if (queue.length > QUEUE_KEPT) this.queue = []; // after a burst (a tick that closed many connections)
    this.busy = false;
  }

  /** Runs `work` as a call from outside: its events are delivered when the outermost call ends. */
  call<T>(work: () => T): T {
    const outermost = this.enter();
    try {
      return work();
    } finally {
      if (outermost) this.leave();
    }
  }
}
