/**
 * An independent reference for the tests: a bit-by-bit CRC straight from the
 * Rocksoft/Williams model and a frame builder made of template strings. Neither shares
 * code with the library, so agreeing with them means something.
 */
import type { CrcParams } from 'powerbank-codec';

function reflectBits(value: number, width: number): number {
  let result = 0;
  for (let bit = 0; bit < width; bit++) if (value & (1 << bit)) result |= 1 << (width - 1 - bit);
  return result;
}

/** CRC-16 computed one bit at a time, MSB-first, reflecting as the parameters say. */
export function bitwiseCrc16(bytes: Uint8Array, params: CrcParams): number {
  let register = params.init;
  for (const byte of bytes) {
    const input = params.refin ? reflectBits(byte, 8) : byte;
    register ^= input << 8;
    for (let bit = 0; bit < 8; bit++) {
      register = register & 0x8000 ? ((register << 1) ^ params.poly) & 0xffff : (register << 1) & 0xffff;
    }
  }
  if (params.refout) register = reflectBits(register, 16);
  return (register ^ params.xorout) & 0xffff;
}

export interface ReferenceDialect {
  quotes: boolean;
  lineEnding: string;
  crc: CrcParams | 'none';
  crcCoverage: 'fields' | 'fieldsWithComma' | 'frame';
  /** `lowFirst`: the CRC's two bytes written the other way round (default high byte first). */
  crcByteOrder?: 'highFirst' | 'lowFirst';
}

const ascii = (text: string) => new TextEncoder().encode(text);

/** The frame `imei,command,data` in `dialect`, built from strings. */
export function referenceFrame(imei: string, command: string, data: string, dialect: ReferenceDialect): string {
  const q = dialect.quotes ? '"' : '';
  const fields = `${imei},${command},${data}`;
  if (dialect.crc === 'none') return `{${q}${fields}${q}}${dialect.lineEnding}`;
  const covered =
    dialect.crcCoverage === 'fields' ? fields : dialect.crcCoverage === 'fieldsWithComma' ? `${fields},` : `{${q}${fields},`;
  const highFirst = bitwiseCrc16(ascii(covered), dialect.crc).toString(16).toUpperCase().padStart(4, '0');
  const crc = dialect.crcByteOrder === 'lowFirst' ? `${highFirst.slice(2)}${highFirst.slice(0, 2)}` : highFirst;
  return `{${q}${fields},${crc}${q}}${dialect.lineEnding}`;
}

const MODBUS: CrcParams = { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 };

/**
 * A canonical-dialect frame around the raw `fields` text (`imei,command,data` as it
 * should appear on the wire, odd separators and all), with a correct CRC-16/MODBUS.
 */
export function canonicalFrame(
  fields: string,
  { separator = ',', quotes = true, lineEnding = '\r\n' }: { separator?: string; quotes?: boolean; lineEnding?: string } = {},
): string {
  const crc = bitwiseCrc16(ascii(fields), MODBUS).toString(16).toUpperCase().padStart(4, '0');
  const q = quotes ? '"' : '';
  return `{${q}${fields}${separator}${crc}${q}}${lineEnding}`;
}

type AnyMessage = import('powerbank-codec').Message;

/** The command word and data field of `message`, written from the tables of PROTOCOL.md section 3. */
export function referenceFields(message: AnyMessage): { command: string; data: string } {
  const slotted = (word: string) => (m: { slot: number; powerBankId: string }) => `${word}${word ? '.' : ''}${m.slot}.${m.powerBankId}`;
  switch (message.type) {
    case 'Heartbeat': return { command: 'CH', data: '' };
    case 'StatusQuery': return { command: 'CQ', data: '' };
    case 'StatusAnswer':
      return { command: 'AQ', data: message.slots.map((s) => `${s.slot}.${s.code}${s.powerBankId === undefined ? '' : `.${s.powerBankId}`};`).join('') };
    case 'LendRequest': return { command: 'CC', data: slotted('BW')(message) };
    case 'OwnershipQuery': return { command: 'MQ', data: slotted('')(message) };
    case 'OwnershipAnswer': return { command: 'RQ', data: slotted(message.belongs ? 'T' : 'F')(message) };
    case 'LendSuccess': return { command: 'MC', data: slotted('BO')(message) };
    case 'ReturnSuccess': return { command: 'MC', data: slotted('RO')(message) };
    case 'LendSuccessAck': return { command: 'AM', data: slotted('BO')(message) };
    case 'ReturnSuccessAck': return { command: 'AM', data: slotted('RO')(message) };
    case 'LendFailure': return { command: 'MR', data: slotted('BF')(message) };
    case 'ReturnFailure': return { command: 'MR', data: slotted('RF')(message) };
    case 'LendFailureAck': return { command: 'AR', data: slotted('BF')(message) };
    case 'ReturnFailureAck': return { command: 'AR', data: slotted('RF')(message) };
  }
}
