/**
 * When each open connection of the hub is due to be closed for saying nothing: a
 * connection's deadline only moves later as frames come, so its heap entry is left
 * where it is and pushed again when it comes up early; binding to a station, which may
 * bring the deadline forward, schedules it anew. Entries of closed connections are
 * dropped as they come up.
 *
 * @module
 * @internal
 */

import { Deadlines } from './deadlines.js';
import type { HubLink } from './link.js';

/** How many more entries than open connections the heap may hold before the stale ones are dropped. */
const STALE_SLACK = 64;

/** The silence deadlines of a hub's connections. */
export class LinkDeadlines {
  private readonly heap = new Deadlines<HubLink>();
  /** The connections opened and not closed yet. */
  private open = 0;

  /** A new connection: it is due `helloTimeoutMs` after it opened. */
  opened(link: HubLink): void {
    this.open++;
    this.schedule(link);
  }

  /** A connection is closed: its entry is stale. */
  closed(): void {
    this.open--;
    if (this.heap.size > 2 * this.open + STALE_SLACK) this.heap.retain((link, time) => !link.isClosed && time === link.scheduled);
  }

  /** Adds `link` to the deadlines if it is due earlier than it is scheduled (one just bound, say). */
  schedule(link: HubLink): void {
    const deadline = link.deadline;
    if (deadline >= link.scheduled) return;
    link.scheduled = deadline;
    this.heap.push(deadline, link);
  }

  /** The earliest deadline of an open link, or `undefined`. */
  earliest(): number | undefined {
    return this.first()?.deadline;
  }

  /** The open link due first, if it is due at `now`, taken off the deadlines. */
  due(now: number): HubLink | undefined {
    const link = this.first();
    if (link === undefined || link.deadline > now) return undefined;
    this.heap.pop();
    link.scheduled = Infinity;
    return link;
  }

  /**
   * The open link due first, its entry at the front of the heap: entries of closed
   * links, and older entries of a link scheduled again, are dropped; a link whose
   * deadline moved later since is pushed again at its deadline.
   */
  private first(): HubLink | undefined {
    for (;;) {
      const link = this.heap.firstItem;
      if (link === undefined) return undefined;
      const time = this.heap.firstTime!;
      if (link.isClosed || time !== link.scheduled) {
        this.heap.pop();
        continue;
      }
      if (link.deadline <= time) return link;
      this.heap.pop();
      link.scheduled = Infinity;
      this.schedule(link);
    }
  }
}
