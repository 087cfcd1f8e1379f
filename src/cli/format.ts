/**
 * Showing bytes, frames and messages to a person.
 *
 * @module
 */

import { messageTypes, type Message, type MessageType, type Sender, type SlotStatus } from '../index.js';
import { isDigit } from './text.js';
import { QUOTE } from '../frame/layout.js';

/** The bytes as a string, one character per byte. */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** The bytes as a quoted string with control characters escaped: `"{\"86…\"}\r\n"`. */
export function quoted(bytes: Uint8Array): string {
  return JSON.stringify(latin1(bytes));
}

/** The bytes as text with its line ending (and any control character) escaped: `{"86…"}\r\n`. */
export function escaped(bytes: Uint8Array): string {
  return quoted(bytes).slice(1, -1).replaceAll('\\"', '"');
}

/** The bytes in hex, space separated: `7b 22 38`. */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

/** The four characters of a frame's CRC field (`{…,88DD"}` or `{…,88DD}`), as received. */
export function crcFieldOf(frame: Uint8Array): string {
  let end = frame.length - 1;
  if (frame[end - 1] === QUOTE) end--;
  return latin1(frame.subarray(Math.max(0, end - 4), end));
}

/** Which side sends messages of `type`. */
export function senderOf(type: MessageType): Sender {
  return messageTypes[type].sender;
}

/** AQ slot records in wire notation: `1.FU.1234567890;3.ER`. */
export function slotRecords(slots: readonly SlotStatus[]): string {
  return slots.map((record) => [record.slot, record.code, ...(record.powerBankId === undefined ? [] : [record.powerBankId])].join('.')).join(';');
}

/** A message's fields on one line: `imei=860123456789014 slot=2 id=1234567890`. */
export function messageFields(message: Message): string {
  const fields = [`imei=${message.imei}`];
  if (message.type === 'StatusAnswer') fields.push(`status=${slotRecords(message.slots)}`);
  if (message.type === 'OwnershipAnswer') fields.push(`belongs=${message.belongs}`);
  if ('slot' in message) fields.push(`slot=${message.slot}`, `id=${message.powerBankId}`);
  return fields.join(' ');
}

/** Characters besides letters and digits that a POSIX shell takes literally. */
const SHELL_SAFE = new Set(['_', '@', '%', '+', '=', ':', ',', '.', '/', '-']);

/** `text` quoted for a POSIX shell when it needs to be. */
export function shellQuote(text: string): string {
  const safe = text !== '' && Array.from(text).every((char) => isDigit(char) || (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || SHELL_SAFE.has(char));
  return safe ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `count` and the noun, in the plural unless `count` is 1. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
