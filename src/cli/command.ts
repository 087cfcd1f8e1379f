/**
 * What every command of the tool is.
 *
 * @module
 */

/** One command: its name, a one-line summary for the overview, its help, and how to run it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The text `--help` prints: usage, options, examples. */
  readonly help: string;
  /** Runs the command; resolves to the exit status. Throws a `UsageError` for a usage mistake. */
  run(args: readonly string[]): Promise<number>;
}
