/**
 * The internal "this field does not fit its grammar" value, turned into a public
 * `DecodeError` by `decode`.
 *
 * @module
 * @internal
 */

import type { DeviationCode } from '../errors.js';

/** Why a field does not fit its grammar. */
export class FieldFailure {
  constructor(
    /** Byte position in the decoded input. */
    readonly offset: number,
    /** What is wrong, naming the field and its position. */
    readonly message: string,
    /** Set when strict mode refused a lenient-mode deviation. */
    readonly deviation?: DeviationCode,
  ) {}
}
