/**
 * What each command module implements: the grammar of its data field, both ways.
 *
 * @module
 * @internal
 */

import type { DeviationCode } from '../errors.js';
import type { FieldFailure } from '../fields/failure.js';
import { byteString } from '../bytes.js';
import { FrameWriter } from '../frame/writer.js';

/**
 * The ten command words of the protocol (PROTOCOL.md section 3).
 *
 * @example
 * ```ts
 * import { messageTypes, type CommandWord } from 'powerbank-codec';
 *
 * const word: CommandWord = messageTypes.StatusAnswer.command; // 'AQ'
 * ```
 */
export type CommandWord = 'CH' | 'CQ' | 'AQ' | 'CC' | 'MQ' | 'RQ' | 'MC' | 'AM' | 'MR' | 'AR';

/**
 * Which side sends a message: the station (`device`) or its back end (`server`).
 *
 * @example
 * ```ts
 * import { messageTypes, type Sender } from 'powerbank-codec';
 *
 * const sender: Sender = messageTypes.LendRequest.sender; // 'server'
 * ```
 */
export type Sender = 'device' | 'server';

/** What a data decoder needs to know besides the bytes. */
export interface DataContext {
  readonly slotCount: number;
  /**
   * Reports a lenient-mode deviation inside the data field. Returns a failure in
   * strict mode, `undefined` when the deviation was recorded and decoding goes on.
   */
  deviate(code: DeviationCode, offset: number, message: string): FieldFailure | undefined;
}

/**
 * One command word's codec: decodes its data into a message and encodes it back. `I` is
 * what encoding accepts, when it is wider than the message decoded (a status answer's
 * records may leave out their `code`).
 */
export interface CommandCodec<M extends { readonly type: string; readonly imei: string }, I = M> {
  readonly command: CommandWord;
  /** Who sends each message type this command word carries. */
  readonly sender: Sender;
  /** The message types this command word carries. */
  readonly types: readonly M['type'][];
  /** Decodes `bytes[start..end)`, the data field, into a message for `imei`. */
  decode(bytes: Uint8Array, start: number, end: number, imei: string, context: DataContext): M | FieldFailure;
  /** Writes the data field of `message` to `out`; throws a `ProtocolError` naming the invalid field. */
  write(message: I, slotCount: number, out: FrameWriter): void;
  /** The data field of `message` as text (what `write` writes), for code that assembles frames itself. */
  encode(message: I, slotCount: number): string;
}

/** A codec from everything but `encode`, which it derives from `write`. */
export function commandCodec<M extends { readonly type: string; readonly imei: string }, I = M>(
  codec: Omit<CommandCodec<M, I>, 'encode'>,
): CommandCodec<M, I> {
  const { command, sender, types, decode, write } = codec;
  return {
    command,
    sender,
    types,
    decode,
    write,
    encode: (message, slotCount) => {
      // A writer of its own, for one data field: a small block, grown if needed.
      const out = new FrameWriter(64);
      write(message, slotCount, out);
      return byteString(out.bytes, 0, out.end);
    },
  };
}
