/**
 * What `decode` prints a line for: the decoder's items, and what the tool adds (stray
 * CR and LF bytes in --strict mode; for captures, gaps in a TCP stream and problems of
 * the capture file).
 *
 * @module
 */

import type { DecoderItem } from '../index.js';

/**
 * CR and LF bytes the splitter dropped between frames that are no frame's line ending
 * (a blank line, a line ending before the first frame): errors in --strict mode.
 */
export interface StrayLineEndings {
  readonly kind: 'strayLineEnding';
  readonly offset: number;
  readonly length: number;
}

/** Bytes of a TCP stream that the capture does not have (never captured, or cut off by the snapshot length). */
export interface Gap {
  readonly kind: 'gap';
  readonly offset: number;
  readonly length: number;
}

/** Something wrong with the capture file or a packet in it. */
export interface CaptureProblemRow {
  readonly kind: 'captureProblem';
  readonly message: string;
}

/** What the tool prints a line for. */
export type Row = DecoderItem | StrayLineEndings | Gap | CaptureProblemRow;

/**
 * In --strict mode, finds the CR and LF bytes the splitter drops between items, but for
 * the line ending right after a frame, in one byte stream: it follows the position up to
 * which every byte is in an item or a frame's line ending.
 */
export class StrayTracker {
  private accounted = 0;
  private afterFrame = false;

  constructor(
    private readonly strict: boolean,
    private readonly lineEndingLength: number,
  ) {}

  /** The items, with the stray line endings before each; `end`: the stream ends there. */
  rows(items: readonly DecoderItem[], end?: number): Row[] {
    if (!this.strict) return items as Row[];
    const rows: Row[] = [];
    const strays = (upTo: number) => {
      const from = this.afterFrame ? Math.min(this.accounted + this.lineEndingLength, upTo) : this.accounted;
      if (upTo > from) rows.push({ kind: 'strayLineEnding', offset: from, length: upTo - from });
    };
    for (const item of items) {
      strays(item.offset);
      rows.push(item);
      this.accounted = item.offset + item.length;
      this.afterFrame = item.kind === 'message' || item.kind === 'error';
    }
    if (end !== undefined) strays(end);
    return rows;
  }

  /** A gap in the stream: the bytes after it are accounted for from `resume` on. */
  skipTo(resume: number): void {
    this.accounted = resume;
    this.afterFrame = false;
  }
}
