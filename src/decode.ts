/**
 * Decoding one frame: envelope and CRC (`frame/`), then the fields, then the message
 * (`messages/`). Never throws because of the input.
 *
 * @module
 */

import { byteString, bytesOf, describeValue, excerpt } from './bytes.js';
import { resolveDialect, type Dialect, type ResolvedDialect } from './dialect.js';
import { ProtocolError, type DecodeError, type Deviation, type DeviationCode } from './errors.js';
import { hasValidLuhnDigit, imeiAt, isImeiDigits } from './fields/imei.js';
import { FieldFailure } from './fields/failure.js';
import { DeviationLog } from './frame/deviations.js';
import { readEnvelope, type FieldBounds } from './frame/envelope.js';
import type { DataContext, Sender } from './messages/codec.js';
import { codecOfWord, type Message } from './messages/index.js';

/**
 * Options for {@link decode}.
 *
 * @example
 * ```ts
 * import { decode, type DecodeOptions } from 'powerbank-codec';
 *
 * const options: DecodeOptions = { mode: 'strict', from: 'device', checkImei: 'luhn', dialect: { slotCount: 6 } };
 * decode('{"860123456789014,CH,,3FCE"}\r\n', options);
 * ```
 */
export interface DecodeOptions {
  /**
   * `'lenient'` (default) accepts the deviations of PROTOCOL.md section 7 and lists them
   * in the result; `'strict'` accepts only canonical frames.
   */
  readonly mode?: 'lenient' | 'strict';
  /** The firmware variant, merged over the canonical dialect. */
  readonly dialect?: Partial<Dialect>;
  /**
   * Which side the frames come from. When set, a message only the other side sends is
   * refused with code `DIRECTION`.
   */
  readonly from?: Sender;
  /** `'digits'` (default) checks that the IMEI is 15 digits; `'luhn'` also checks its last digit. */
  readonly checkImei?: 'digits' | 'luhn';
}

/**
 * What {@link decode} returns: the message and the deviations lenient mode accepted,
 * or the reason the frame was refused.
 *
 * @example
 * ```ts
 * import { decode, type DecodeResult } from 'powerbank-codec';
 *
 * const result: DecodeResult = decode('{"860123456789014,CH,,3FCE"}\r\n');
 * if (result.ok) console.log(result.message.type, result.deviations.length); // 'Heartbeat' 0
 * else console.log(result.error.code, result.error.message);
 * ```
 */
export type DecodeResult =
  | { readonly ok: true; readonly message: Message; readonly deviations: readonly Deviation[] }
  | { readonly ok: false; readonly error: DecodeError };

/**
 * Where one frame's deviations and field bounds are written while it is decoded: one for
 * every decoder, since decoding is synchronous and calls no user code.
 */
const log = new DeviationLog();
const bounds: FieldBounds = { start: 0, imeiEnd: 0, commandEnd: 0, end: 0 };

/**
 * A decoder for one set of options, checked once: a few fields, so that a connection's
 * decoder costs little memory.
 * @internal
 */
export class FrameDecoder implements DataContext {
  readonly dialect: ResolvedDialect;
  readonly slotCount: number;
  private readonly strict: boolean;
  private readonly from: Sender | undefined;
  private readonly luhn: boolean;

  constructor(options: DecodeOptions = {}) {
    const { mode = 'lenient', from, checkImei = 'digits' } = options;
    if (mode !== 'lenient' && mode !== 'strict') {
      throw new ProtocolError('OPTIONS', 'mode', `mode must be 'lenient' or 'strict'; got ${JSON.stringify(mode)}`);
    }
    if (from !== undefined && from !== 'device' && from !== 'server') {
      throw new ProtocolError('OPTIONS', 'from', `from must be 'device' or 'server'; got ${JSON.stringify(from)}`);
    }
    if (checkImei !== 'digits' && checkImei !== 'luhn') {
      throw new ProtocolError('OPTIONS', 'checkImei', `checkImei must be 'digits' or 'luhn'; got ${JSON.stringify(checkImei)}`);
    }
    this.dialect = resolveDialect(options.dialect);
    this.slotCount = this.dialect.slotCount;
    this.strict = mode === 'strict';
    this.from = from;
    this.luhn = checkImei === 'luhn';
  }

  /** Part of `DataContext`: a deviation inside the data field. */
  deviate(code: DeviationCode, offset: number, message: string): FieldFailure | undefined {
    return log.accept(code, offset, message) ? undefined : new FieldFailure(offset, message, code);
  }

  decode(bytes: Uint8Array): DecodeResult {
    log.begin(this.strict);
    // The envelope, whole: braces, quotes, separators, CRC field, deviations, then the CRC.
    const envelopeError = readEnvelope(bytes, this.dialect, log, bounds);
    if (envelopeError) return { ok: false, error: envelopeError };
    const { start, imeiEnd, commandEnd, end } = bounds;
    const commandStart = imeiEnd + 1;
    const dataStart = commandEnd + 1;

    if (!isImeiDigits(bytes, start, imeiEnd)) {
      return {
        ok: false,
        error: { code: 'IMEI', offset: start, imei: byteString(bytes, start, imeiEnd), message: `IMEI "${excerpt(bytes, start, imeiEnd)}" at byte ${start} is not 15 digits` },
      };
    }
    const imei = imeiAt(bytes, start);
    if (this.luhn && !hasValidLuhnDigit(imei)) {
      return {
        ok: false,
        error: { code: 'IMEI', offset: start, imei, message: `IMEI ${imei} at byte ${start} fails the Luhn check on its last digit (byte ${imeiEnd - 1})` },
      };
    }

    const codec = commandEnd - commandStart === 2 ? codecOfWord(bytes[commandStart]!, bytes[commandStart + 1]!) : undefined;
    if (codec === undefined) {
      return {
        ok: false,
        error: {
          code: 'COMMAND',
          offset: commandStart,
          imei,
          word: byteString(bytes, commandStart, commandEnd),
          data: byteString(bytes, dataStart, end),
          message: `unknown command word "${excerpt(bytes, commandStart, commandEnd)}" at byte ${commandStart}`,
        },
      };
    }

    const message = codec.decode(bytes, dataStart, end, imei, this);
    if (message instanceof FieldFailure) {
      const error: DecodeError =
        message.deviation === undefined
          ? { code: 'DATA', offset: message.offset, imei, command: codec.command, message: `${codec.command} data: ${message.message}` }
          : { code: 'DATA', offset: message.offset, imei, command: codec.command, message: `${codec.command} data: ${message.message}`, deviation: message.deviation };
      return { ok: false, error };
    }

    if (this.from !== undefined && codec.sender !== this.from) {
      return {
        ok: false,
        error: {
          code: 'DIRECTION',
          offset: commandStart,
          imei,
          messageType: message.type,
          message: `${message.type} (${codec.command} at byte ${commandStart}) is sent by the ${codec.sender}, but these frames come from the ${this.from}`,
        },
      };
    }
    return { ok: true, message, deviations: log.take() };
  }
}

const defaultDecoder = new FrameDecoder();

/**
 * The decoder for `options`: checked on every call, which costs little, so that options
 * written fresh on every call cost no more than options kept in a variable. Throws a
 * `ProtocolError` with code `OPTIONS` for invalid options.
 * @internal
 */
export function frameDecoderFor(options: DecodeOptions | undefined): FrameDecoder {
  if (options === undefined) return defaultDecoder;
  if (typeof options !== 'object' || options === null) {
    throw new ProtocolError('OPTIONS', 'options', `options must be an object; got ${JSON.stringify(options)}`);
  }
  const { mode, from, checkImei, dialect } = options;
  if (mode === undefined && from === undefined && checkImei === undefined && dialect === undefined) return defaultDecoder;
  return new FrameDecoder(options);
}

/**
 * Decodes one frame into a typed message. Never throws because of the frame: whatever
 * the bytes, the result is `{ ok: true, message, deviations }` or
 * `{ ok: false, error }`, where `error.code` says which check failed first (envelope
 * `FRAME`, `CRC`, `IMEI`, `COMMAND`, `DATA`, `DIRECTION`) and `error.message` names the
 * field and its byte position.
 *
 * The frame may come with or without its line ending. A string is taken as UTF-8; from
 * plain JavaScript, another typed array, a `DataView` or an `ArrayBuffer` is read as its
 * bytes, and a `Uint8Array` from another realm (a `vm` context, an iframe) as well.
 * Only invalid *options* throw (a `ProtocolError` with code `OPTIONS`).
 *
 * @example
 * ```ts
 * import { decode } from 'powerbank-codec';
 *
 * const result = decode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
 * if (result.ok && result.message.type === 'LendSuccess') {
 *   console.log(result.message.slot, result.message.powerBankId); // 2 '1234567890'
 * }
 *
 * const bad = decode('{"860123456789014,MC,BO.2.1234567890,88DE"}');
 * if (!bad.ok) console.log(bad.error.code); // 'CRC'
 * ```
 */
export function decode(frame: Uint8Array | string, options?: DecodeOptions): DecodeResult {
  const decoder = frameDecoderFor(options);
  const bytes = bytesOf(frame);
  if (bytes === undefined) {
    return { ok: false, error: { code: 'FRAME', offset: 0, message: `a frame is a Uint8Array or a string; got ${describeValue(frame)}` } };
  }
  return decoder.decode(bytes);
}
