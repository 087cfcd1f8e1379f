/**
 * Decoding one frame: envelope and CRC (`frame/`), then the fields, then the message
 * (`messages/`). Never throws because of the input.
 *
 * @module
 */

import { byteString, bytesOf, describeByte, describeValue, excerpt } from './bytes.js';
import { resolveDialect, type Dialect, type ResolvedDialect } from './dialect.js';
import { ProtocolError, type DecodeError, type Deviation, type DeviationCode } from './errors.js';
import { hasValidLuhnDigit, isImeiDigits } from './fields/imei.js';
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

const COMMA = 0x2c;
const DOT = 0x2e;
const SEMICOLON = 0x3b;

/** The first byte of `bytes[start..end)` that ends a field or a frame, or -1. */
function findStructuralByte(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte === COMMA || byte === 0x7b || byte === 0x7d || byte === 0x22) return i;
  }
  return -1;
}

/** The first field separator, `,` `.` or `;`, in `bytes[start..end)`, or -1. */
function findSeparator(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte === COMMA || byte === DOT || byte === SEMICOLON) return i;
  }
  return -1;
}

/**
 * A decoder for one set of options: the options checked once, plus the scratch space
 * one frame needs. Decoding is synchronous and calls no user code, so one instance
 * serves every frame of a stream.
 * @internal
 */
export class FrameDecoder implements DataContext {
  readonly dialect: ResolvedDialect;
  readonly slotCount: number;
  private readonly log: DeviationLog;
  private readonly from: Sender | undefined;
  private readonly luhn: boolean;
  private readonly bounds: FieldBounds = { start: 0, end: 0 };

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
    this.log = new DeviationLog(mode === 'strict');
    this.from = from;
    this.luhn = checkImei === 'luhn';
  }

  /** Part of `DataContext`: a deviation inside the data field. */
  deviate(code: DeviationCode, offset: number, message: string): FieldFailure | undefined {
    return this.log.accept(code, offset, message) ? undefined : new FieldFailure(offset, message, code);
  }

  decode(bytes: Uint8Array): DecodeResult {
    this.log.clear();
    const envelopeError = readEnvelope(bytes, this.dialect, this.log, this.bounds);
    if (envelopeError) return { ok: false, error: envelopeError };
    const { start, end } = this.bounds;

    const imeiEnd = findSeparator(bytes, start, end);
    if (imeiEnd < 0) {
      return this.fail(bytes, end, end, { code: 'FRAME', offset: start, message: `expected ',' after the IMEI at byte ${start}; the body has no field separator` });
    }
    if (bytes[imeiEnd] !== COMMA) {
      // '.' and ';' are deviations after the command word only (PROTOCOL.md section 7).
      return this.fail(bytes, end, end, {
        code: 'FRAME',
        offset: imeiEnd,
        message: `unexpected ${describeByte(bytes[imeiEnd])} at byte ${imeiEnd} in the IMEI field; the IMEI is followed by ','`,
      });
    }
    const commandStart = imeiEnd + 1;
    const commandEnd = findSeparator(bytes, commandStart, end);
    if (commandEnd < 0) {
      return this.fail(bytes, end, end, {
        code: 'FRAME',
        offset: commandStart,
        message: `expected ',' after the command word at byte ${commandStart}; the frame has no data field`,
      });
    }
    const dataStart = commandEnd + 1;
    if (bytes[commandEnd] !== COMMA) {
      const message = `separator ${describeByte(bytes[commandEnd])} after the command word at byte ${commandEnd}; the canonical separator is ','`;
      if (!this.log.accept('SEPARATOR', commandEnd, message)) {
        return this.fail(bytes, dataStart, end, { code: 'FRAME', offset: commandEnd, message, deviation: 'SEPARATOR' });
      }
    }

    const imei = byteString(bytes, start, imeiEnd);
    if (!isImeiDigits(bytes, start, imeiEnd)) {
      return this.fail(bytes, dataStart, end, {
        code: 'IMEI',
        offset: start,
        imei,
        message: `IMEI "${excerpt(bytes, start, imeiEnd)}" at byte ${start} is not 15 digits`,
      });
    }
    if (this.luhn && !hasValidLuhnDigit(imei)) {
      return this.fail(bytes, dataStart, end, {
        code: 'IMEI',
        offset: start,
        imei,
        message: `IMEI ${imei} at byte ${start} fails the Luhn check on its last digit (byte ${imeiEnd - 1})`,
      });
    }

    const codec = commandEnd - commandStart === 2 ? codecOfWord(bytes[commandStart]!, bytes[commandStart + 1]!) : undefined;
    if (codec === undefined) {
      return this.fail(bytes, dataStart, end, {
        code: 'COMMAND',
        offset: commandStart,
        imei,
        word: byteString(bytes, commandStart, commandEnd),
        data: byteString(bytes, dataStart, end),
        message: `unknown command word "${excerpt(bytes, commandStart, commandEnd)}" at byte ${commandStart}`,
      });
    }

    const message = codec.decode(bytes, dataStart, end, imei, this);
    if (message instanceof FieldFailure) {
      const error: DecodeError =
        message.deviation === undefined
          ? { code: 'DATA', offset: message.offset, imei, command: codec.command, message: `${codec.command} data: ${message.message}` }
          : { code: 'DATA', offset: message.offset, imei, command: codec.command, message: `${codec.command} data: ${message.message}`, deviation: message.deviation };
      return this.fail(bytes, dataStart, end, error);
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
    return { ok: true, message, deviations: this.log.take() };
  }

  /**
   * Refuses the frame with `error`, unless the data field `bytes[dataStart..end)` holds a
   * `,` `{` `}` or `"`: then the frame has the wrong number of fields, which is reported
   * first, as `FRAME`.
   */
  private fail(bytes: Uint8Array, dataStart: number, end: number, error: DecodeError): DecodeResult {
    const stray = findStructuralByte(bytes, dataStart, end);
    if (stray < 0) return { ok: false, error };
    const byte = bytes[stray];
    return {
      ok: false,
      error: {
        code: 'FRAME',
        offset: stray,
        message:
          byte === COMMA
            ? `unexpected ',' at byte ${stray}: a frame has exactly four fields (imei,command,data,crc) and data holds no ','`
            : `unexpected ${describeByte(byte)} at byte ${stray} inside the frame's fields`,
      },
    };
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
