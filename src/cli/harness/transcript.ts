/**
 * The live log of a run: every frame both ways with its time, raw and in words, a ✓ or
 * ✗ line for each flow completed and each problem, the steps as they start and end,
 * and the operator's prompts. A station that floods would make it endless: past
 * {@link MAX_LINES} lines in a step, lines are counted instead of printed.
 *
 * @module
 */

import type { Style } from '../style.js';
import { escaped } from '../format.js';

/** Frame and event lines printed per step, at most. */
export const MAX_LINES = 200;

/** The live log. */
export class Transcript {
  private lines = 0;
  private hidden = 0;

  constructor(
    private readonly write: (line: string) => void,
    readonly style: Style,
  ) {}

  /** A line that is always printed (headings, verdicts, prompts). */
  say(line: string): void {
    this.write(line);
  }

  /** A step begins: its heading, and a fresh line budget. */
  step(number: number, title: string): void {
    this.flush();
    this.write('');
    this.write(this.style.bold(`━━ ${number}. ${title}`));
  }

  /** A frame from the station (`←`) or to it (`→`), at `at` ms. */
  frame(at: number, direction: '←' | '→', bytes: Uint8Array, words: string): void {
    this.line(`  ${this.style.dim(`${(at / 1000).toFixed(3).padStart(8)} s`)} ${direction} ${escaped(bytes)}  ${this.style.dim(words)}`);
  }

  /** A flow completed. */
  good(text: string): void {
    this.line(this.style.ok(`             ✓ ${text}`));
  }

  /** A problem. */
  bad(text: string): void {
    this.line(this.style.bad(`             ✗ ${text}`));
  }

  /** Something the harness noticed that is neither. */
  note(text: string): void {
    this.line(this.style.warn(`  ${text}`));
  }

  /** Says how many lines were not printed, if any; the next step starts a fresh budget. */
  flush(): void {
    if (this.hidden > 0) this.write(this.style.dim(`  … ${this.hidden} more lines of this step not shown`));
    this.lines = 0;
    this.hidden = 0;
  }

  private line(text: string): void {
    if (this.lines >= MAX_LINES) {
      this.hidden++;
      return;
    }
    this.lines++;
    this.write(text);
  }
}
