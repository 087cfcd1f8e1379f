/**
 * The error of a tool called the wrong way.
 *
 * @module
 */

/** A mistake in how the tool was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
