/**
 * Frames as a misbehaving station writes them: with chosen deviations from the
 * canonical form (PROTOCOL.md section 7), or broken on purpose, to test how a server
 * copes.
 *
 * @module
 * @internal
 */

import { hex4, toBytes, type Bytes } from '../bytes.js';
import type { ResolvedDialect } from '../dialect.js';
import type { DeviationCode } from '../errors.js';
import { codecOfType, type Message } from '../messages/index.js';
import { coverageEnd, coverageStart, crcFieldValue } from '../frame/layout.js';

/**
 * A broken frame {@link StationSimulator.malformedFrame} can produce, and what a
 * server's decoder makes of it:
 * - `badCrc`: a heartbeat whose CRC is off by one bit (error `CRC`);
 * - `unknownCommand`: a frame with the command word `XX` (error `COMMAND`);
 * - `badData`: a lend success for slot 0 (error `DATA`);
 * - `wrongDirection`: a status query, which only a server sends (error `DIRECTION` when
 *   decoding with `from: 'device'`);
 * - `truncated`: the first half of a heartbeat, without its `}` (reported `truncated`
 *   when the next `{` arrives or the stream ends);
 * - `tooLong`: a frame of 1,100 bytes of data, longer than the decoder's default limit
 *   of 1,024 (`tooLong`);
 * - `noise`: a modem's chatter, `AT+CSQ`, `+CSQ: 23,99`, `OK` on three lines (three
 *   `noise` runs).
 *
 * @example
 * ```ts
 * import { StationSimulator, type MalformedFrameKind } from 'powerbank-codec/testing';
 *
 * const station = new StationSimulator({ imei: '860123456789014' });
 * const kinds: MalformedFrameKind[] = ['noise', 'truncated', 'badCrc'];
 * const bytes = kinds.map((kind) => station.malformedFrame(kind));
 * ```
 */
export type MalformedFrameKind = 'badCrc' | 'unknownCommand' | 'badData' | 'wrongDirection' | 'truncated' | 'tooLong' | 'noise';

/** The data field of `message`, with the deviations that live inside it applied (AQ only). */
function withDataDeviations(message: Message, data: string, deviations: ReadonlySet<DeviationCode>): string {
  if (message.type !== 'StatusAnswer' || data === '') return data;
  if (deviations.has('UNKNOWN_STATUS')) {
    // The vendor's own typo: NU for NF, on the first record.
    const status = data.indexOf('.') + 1;
    data = `${data.slice(0, status)}NU${data.slice(status + 2)}`;
  }
  return deviations.has('MISSING_SEMICOLON') ? data.slice(0, -1) : data;
}

/**
 * The frame `imei,command,data` in `dialect`, with `deviations` applied to the envelope,
 * and the CRC xor-ed with `crcFlip` (0 for a correct CRC).
 */
function frameText(imei: string, command: string, data: string, dialect: ResolvedDialect, deviations: ReadonlySet<DeviationCode>, crcFlip = 0): string {
  const quote = dialect.quotes !== deviations.has('QUOTES') ? '"' : '';
  const fields = `${imei},${command}${deviations.has('SEPARATOR') ? '.' : ','}${data}`;
  let crcField = '';
  if (dialect.engine !== undefined) {
    // The frame up to the separator before the CRC; the coverage says which of it counts.
    const head = toBytes(`{${quote}${fields},`);
    const separator = head.length - 1;
    const crc = hex4(crcFieldValue(dialect.engine.compute(head, coverageStart(dialect.crcCoverage, 0, 1 + quote.length), coverageEnd(dialect.crcCoverage, separator)), dialect.crcByteOrder) ^ crcFlip);
    crcField = `,${deviations.has('LOWERCASE_CRC') ? crc.toLowerCase() : crc}`;
  } else if (crcFlip !== 0) {
    crcField = ',0000'; // a CRC field where the dialect has none
  }
  const lineEnding = deviations.has('LINE_ENDING') ? (dialect.lineEnding === '\n' ? '\r\n' : '\n') : dialect.lineEnding;
  return `{${quote}${fields}${crcField}${quote}}${lineEnding}`;
}

/**
 * `message` encoded in `dialect` with `deviations` (the codes of PROTOCOL.md section 7)
 * applied. Throws a `ProtocolError` for a message `encode` would refuse.
 */
export function writeDeviantFrame(message: Message, dialect: ResolvedDialect, deviations: ReadonlySet<DeviationCode>): Bytes {
  // The lookup by type guarantees the codec matches the message.
  const codec = codecOfType(message.type)!;
  const data = withDataDeviations(message, codec.encode(message as never, dialect.slotCount), deviations);
  return toBytes(frameText(message.imei, codec.command, data, dialect, deviations));
}

const NONE: ReadonlySet<DeviationCode> = new Set();

/** A broken frame of the given kind, from station `imei`. */
export function writeMalformedFrame(kind: MalformedFrameKind, imei: string, dialect: ResolvedDialect): Bytes {
  switch (kind) {
    case 'badCrc':
      return toBytes(frameText(imei, 'CH', '', dialect, NONE, 0x0001));
    case 'unknownCommand':
      return toBytes(frameText(imei, 'XX', '', dialect, NONE));
    case 'badData':
      return toBytes(frameText(imei, 'MC', 'BO.0.1234567890', dialect, NONE));
    case 'wrongDirection':
      return toBytes(frameText(imei, 'CQ', '', dialect, NONE));
    case 'truncated': {
      const heartbeat = frameText(imei, 'CH', '', dialect, NONE);
      return toBytes(heartbeat.slice(0, Math.floor(heartbeat.length / 2)));
    }
    case 'tooLong':
      return toBytes(frameText(imei, 'CH', 'A'.repeat(1100), dialect, NONE));
    case 'noise':
      return toBytes('AT+CSQ\r\n+CSQ: 23,99\r\nOK\r\n');
  }
}
