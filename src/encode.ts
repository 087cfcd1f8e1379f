/**
 * Encoding one message: check every field, write the data (`messages/`), wrap it in the
 * dialect's envelope with its CRC (`frame/`).
 *
 * @module
 */

import { byteString, type Bytes } from './bytes.js';
import { resolveDialect, type Dialect, type ResolvedDialect } from './dialect.js';
import { ProtocolError } from './errors.js';
import { IMEI_LENGTH } from './fields/imei.js';
import { closeFrame, openFrame } from './frame/envelope.js';
import { COMMA } from './frame/layout.js';
import { FrameWriter, putAscii, putDigits } from './frame/writer.js';
import { codecOfType, type AnyCommandCodec, type MessageInit } from './messages/index.js';

/**
 * Options for {@link encode} and {@link encodeToString}.
 *
 * @example
 * ```ts
 * import { encodeToString, type EncodeOptions } from 'powerbank-codec';
 *
 * const options: EncodeOptions = { dialect: { quotes: false, lineEnding: '\n' } };
 * encodeToString({ type: 'Heartbeat', imei: '860123456789014' }, options); // '{860123456789014,CH,,3FCE}\n'
 * ```
 */
export interface EncodeOptions {
  /** The firmware variant to write, merged over the canonical dialect. */
  readonly dialect?: Partial<Dialect>;
}


/** Where frames are written before they are copied out: one for all calls, which are synchronous. */
const sharedWriter = new FrameWriter();
/**
 * The resolved dialect of `options`, checked on every call (which costs little).
 * @internal
 */
export function dialectOf(options: EncodeOptions | undefined): ResolvedDialect {
  return resolveDialect(options?.dialect);
}

/**
 * Encodes a message into the exact bytes a station or server expects: the canonical
 * form of the dialect (default: the canonical dialect), CRC computed, line ending
 * included.
 *
 * Each frame is a `Uint8Array` of its own: its `buffer` is exactly the frame, free to
 * keep, change or transfer to a worker.
 *
 * Nothing invalid reaches the wire: an IMEI that is not 15 digits, a slot outside
 * 1..slotCount, an id outside `[0-9A-Z]{1,32}`, a status record without the id it needs
 * (or any other field the protocol cannot express) throws a {@link ProtocolError} whose
 * `code` names the field (`IMEI`, `SLOT`, `POWER_BANK_ID`, `STATUS`, …) and whose
 * `field` is its path.
 *
 * @example
 * ```ts
 * import { encode } from 'powerbank-codec';
 *
 * const bytes = encode({ type: 'LendRequest', imei: '860123456789014', slot: 2, powerBankId: '1234567890' });
 * new TextDecoder().decode(bytes); // '{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n'
 * ```
 */
export function encode(message: MessageInit, options?: EncodeOptions): Bytes {
  const dialect = dialectOf(options);
  if (typeof message !== 'object' || message === null) {
    throw new ProtocolError('TYPE', 'type', `a message is an object with a type; got ${JSON.stringify(message)}`);
  }
  const codec = codecOfType(message.type);
  if (codec === undefined) {
    throw new ProtocolError('TYPE', 'type', `unknown message type ${JSON.stringify(message.type)}`);
  }
  // Nested calls (from a getter on the message, say) get a writer of their own.
  const out = sharedWriter.busy ? new FrameWriter() : sharedWriter;
  out.busy = true;
  try {
    writeFrame(out, message, codec, dialect);
    return out.finish();
  } finally {
    out.busy = false;
  }
}

/**
 * Writes the frame of `message`, whose type `codec` carries, to `out` from `begin` to
 * its line ending, checking every field on the way (a `ProtocolError` names the first
 * invalid one).
 * @internal
 */
export function writeFrame(out: FrameWriter, message: MessageInit, codec: AnyCommandCodec, dialect: ResolvedDialect): void {
  const imei = message.imei;
  out.begin();
  const fieldsStart = openFrame(out, dialect);
  // The IMEI, checked as it is written (15 digits), ',', the command word, ','.
  out.reserve(IMEI_LENGTH + 4);
  const bytes = out.bytes;
  let end = typeof imei === 'string' && imei.length === IMEI_LENGTH ? putDigits(bytes, out.end, imei) : -1;
  if (end === -1) {
    throw new ProtocolError('IMEI', 'imei', `imei must be a string of 15 digits; got ${JSON.stringify(imei)}`);
  }
  bytes[end++] = COMMA;
  end = putAscii(bytes, end, codec.command);
  bytes[end++] = COMMA;
  out.end = end;
  // The lookup by type guarantees the codec matches the message.
  codec.write(message as never, dialect.slotCount, out);
  closeFrame(out, fieldsStart, dialect);
}

/**
 * Like {@link encode}, but returns the frame as a string (the same bytes; every one is
 * ASCII). Handy for logs, tests and `nc`.
 *
 * @example
 * ```ts
 * import { encodeToString } from 'powerbank-codec';
 *
 * encodeToString({ type: 'Heartbeat', imei: '860123456789014' }); // '{"860123456789014,CH,,3FCE"}\r\n'
 * encodeToString({ type: 'Heartbeat', imei: '860123456789014' }, { dialect: { crc: 'none', lineEnding: '' } });
 * // '{"860123456789014,CH,"}'
 * ```
 */
export function encodeToString(message: MessageInit, options?: EncodeOptions): string {
  const bytes = encode(message, options);
  return byteString(bytes, 0, bytes.length);
}
