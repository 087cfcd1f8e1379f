/**
 * The hand-written baseline: what a developer writes in an afternoon instead of using
 * the codec. Split the text on CRLF, match a regular expression, split the data on `;`
 * and `.`, check the CRC with the `crc` package; encode with a template string.
 *
 * It validates less than the codec (no byte offsets in errors, no deviations, no slot
 * range, no direction), so it is the codec's cost that the comparison flatters the
 * baseline on, not the other way round.
 */
import { crc16modbus } from 'crc';
import type { Heartbeat, Message, SlotState, SlotStatus, StatusAnswer } from 'powerbank-codec';

const FRAME = /^\{"(\d{15}),([A-Z]{2}),([0-9A-Z.;]*),([0-9A-F]{4})"\}$/;
const STATES: Record<string, SlotState> = { FU: 'full', NF: 'notFull', EM: 'depleted', ER: 'fault' };
const CODES: Record<string, string> = { full: 'FU', notFull: 'NF', depleted: 'EM', fault: 'ER' };
const SLOT_WORDS: Record<string, Record<string, Message['type']>> = {
  MC: { BO: 'LendSuccess', RO: 'ReturnSuccess' },
  AM: { BO: 'LendSuccessAck', RO: 'ReturnSuccessAck' },
  MR: { BF: 'LendFailure', RF: 'ReturnFailure' },
  AR: { BF: 'LendFailureAck', RF: 'ReturnFailureAck' },
};

/** Decodes one line (a frame without its line ending), or `undefined` if it is not a valid frame. */
export function baselineDecodeLine(line: string): Message | undefined {
  const match = FRAME.exec(line);
  if (match === null) return undefined;
  const [, imei, command, data, crc] = match as unknown as [string, string, string, string, string];
  if (crc16modbus(`${imei},${command},${data}`) !== parseInt(crc, 16)) return undefined;
  switch (command) {
    case 'CH':
      return data === '' ? { type: 'Heartbeat', imei } : undefined;
    case 'AQ': {
      const slots: SlotStatus[] = [];
      for (const record of data.split(';')) {
        if (record === '') continue;
        const [slot, code, powerBankId] = record.split('.');
        const status = STATES[code!];
        if (status === undefined) return undefined;
        slots.push((powerBankId === undefined ? { slot: Number(slot), status, code: code! } : { slot: Number(slot), status, code: code!, powerBankId }) as SlotStatus);
      }
      return { type: 'StatusAnswer', imei, slots };
    }
    case 'MQ': {
      const [slot, powerBankId] = data.split('.');
      return powerBankId === undefined ? undefined : { type: 'OwnershipQuery', imei, slot: Number(slot), powerBankId };
    }
    default: {
      const [word, slot, powerBankId] = data.split('.');
      const type = SLOT_WORDS[command]?.[word!];
      if (type === undefined || powerBankId === undefined) return undefined;
      return { type, imei, slot: Number(slot), powerBankId } as Message;
    }
  }
}

/** Decodes one frame as a socket delivers it: bytes in, message out. */
export function baselineDecode(frame: Buffer): Message | undefined {
  const [line] = frame.toString('latin1').split('\r\n');
  return baselineDecodeLine(line!);
}

/** A stream decoder the way it is usually written: accumulate text, split on CRLF. */
export function createBaselineDecoder(): { push(chunk: Buffer): Message[] } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk.toString('latin1');
      const lines = pending.split('\r\n');
      pending = lines.pop()!;
      const messages: Message[] = [];
      for (const line of lines) {
        const message = baselineDecodeLine(line);
        if (message !== undefined) messages.push(message);
      }
      return messages;
    },
  };
}

function frame(imei: string, command: string, data: string): Buffer {
  const fields = `${imei},${command},${data}`;
  const crc = crc16modbus(fields).toString(16).toUpperCase().padStart(4, '0');
  return Buffer.from(`{"${fields},${crc}"}\r\n`, 'latin1');
}

/** Encodes a heartbeat with a template string and the `crc` package. */
export function baselineEncodeHeartbeat(message: Heartbeat): Buffer {
  return frame(message.imei, 'CH', '');
}

/** Encodes a status answer with template strings and the `crc` package. */
export function baselineEncodeStatusAnswer(message: StatusAnswer): Buffer {
  const data = message.slots
    .map(({ slot, status, powerBankId }) => (powerBankId === undefined ? `${slot}.${CODES[status]};` : `${slot}.${CODES[status]}.${powerBankId};`))
    .join('');
  return frame(message.imei, 'AQ', data);
}
