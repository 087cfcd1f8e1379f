/**
 * The options of the frame splitter: their type, the default `maxFrameLength` of a
 * dialect, and the check that refuses an invalid one with a `ProtocolError` (`OPTIONS`)
 * when the splitter is made.
 *
 * @module
 */

import { resolveDialect, type Dialect } from '../dialect.js';
import { ProtocolError } from '../errors.js';
import { longestFrameLength } from '../messages/index.js';

/**
 * Options for {@link FrameSplitter}.
 *
 * @example
 * ```ts
 * import { FrameSplitter, type FrameSplitterOptions } from 'powerbank-codec';
 *
 * const options: FrameSplitterOptions = { dialect: { lineEnding: '\n', slotCount: 48 } };
 * const splitter = new FrameSplitter(options);
 * ```
 */
export interface FrameSplitterOptions {
  /**
   * The firmware variant: its line ending is the one expected after `}` (others give
   * `lineEnding` events), and its slot count sets the default `maxFrameLength`.
   */
  readonly dialect?: Partial<Dialect> | undefined;
  /**
   * The longest frame, `{` to `}`, that is kept. The default is the longest valid frame
   * of the dialect (a status answer with every slot full and 32-character ids), and at
   * least 1024 bytes. A smaller limit is allowed: frames longer than it are then
   * reported as `tooLong`, valid or not.
   */
  readonly maxFrameLength?: number | undefined;
}

/** The least default `maxFrameLength`, whatever the dialect. */
const MIN_DEFAULT_MAX_FRAME_LENGTH = 1024;

/** The default `maxFrameLength` for a dialect: its longest valid frame, and at least 1024 bytes. */
function defaultMaxFrameLength(dialect: Dialect): number {
  return Math.max(MIN_DEFAULT_MAX_FRAME_LENGTH, longestFrameLength(dialect));
}

/** What a splitter reads by: the options with their defaults, checked. @internal */
export interface SplitterSettings {
  readonly maxFrameLength: number;
  /** The line ending expected after every frame. */
  readonly lineEnding: Dialect['lineEnding'];
}

/** The options with their defaults, checked: an invalid one throws a `ProtocolError` (`OPTIONS`). @internal */
export function checkSplitterOptions(options: FrameSplitterOptions): SplitterSettings {
  const dialect = resolveDialect(options.dialect);
  const { maxFrameLength = defaultMaxFrameLength(dialect) } = options;
  if (!Number.isInteger(maxFrameLength) || maxFrameLength < 2) {
    throw new ProtocolError('OPTIONS', 'maxFrameLength', `maxFrameLength must be an integer of at least 2; got ${String(maxFrameLength)}`);
  }
  return { maxFrameLength, lineEnding: dialect.lineEnding };
}
