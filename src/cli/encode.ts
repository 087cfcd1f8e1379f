/**
 * `powerbank-codec encode`: builds frames from flags, or from JSON messages on stdin.
 *
 * @module
 */

import {
  canonicalDialect,
  encode,
  isProtocolError,
  messageTypes,
  type Dialect,
  type MessageInit,
  type MessageType,
  type SlotState,
  type SlotStatusInit,
} from '../index.js';
import { dialectFromFlags, dialectHelp, dialectOptions, parseCommandLine, UsageError, type OptionValues } from './args.js';
import type { Command } from './command.js';
import { escaped, hexBytes } from './format.js';
import { JsonSplitter } from './json.js';
import { isDigits } from './text.js';
import { codeOfState, KNOWN_STATES } from '../messages/slotRecord.js';

const TYPES = Object.keys(messageTypes) as MessageType[];

/** The states `--status` takes, by their code on the wire (`NF`) or their name (`notFull`), in capitals. */
const STATES: ReadonlyMap<string, Exclude<SlotState, 'unknown'>> = new Map(
  KNOWN_STATES.flatMap((state) => [[codeOfState(state), state] as const, [state.toUpperCase(), state] as const]),
);
const CODES = KNOWN_STATES.map(codeOfState);

const help = `Usage: powerbank-codec encode [options] TYPE --imei IMEI [fields]
       powerbank-codec encode [options] < messages.json

Builds frames: one message from flags, or the JSON messages read from stdin (one per
line, pretty-printed one after another, or arrays of them; each encoded as soon as it
is complete), in the shape decode --json prints under "message".

Prints each frame as text with its line ending shown as \\r\\n; --raw writes the exact
bytes instead, for piping into nc or a serial port.

Message types (TYPE, case does not matter):
  ${TYPES.map((type) => `${type} (${messageTypes[type].command})`).join(', ')}

Fields:
  --imei IMEI             the station's 15-digit IMEI (every type)
  --slot N --id ID        slot and power-bank id (every type about one power bank)
  --belongs true|false    for OwnershipAnswer: whether the bank belongs to the system
  --status S.CODE[.ID]    for StatusAnswer: a slot record, CODE one of ${CODES.join(' ')} (or
                          ${KNOWN_STATES.join(' ')}); repeat the flag or join records
                          with ';' ("1.FU.1234567890;3.ER"); none for an empty station

Output:
  --raw                   the exact bytes, line ending included, nothing else
  --hex                   the bytes in hex, one frame per line
  -h, --help              this help

${dialectHelp}

Exit status: 0 when every message was encoded, 2 on a usage error or an invalid message
(nothing invalid is ever written).

Examples:
  powerbank-codec encode LendRequest --imei 860123456789014 --slot 2 --id 1234567890
  powerbank-codec encode StatusQuery --imei 860123456789014 --raw | nc station.local 9000
  powerbank-codec encode StatusAnswer --imei 860123456789014 --status 1.FU.1234567890 --status 3.ER
  powerbank-codec encode OwnershipAnswer --imei 860123456789014 --belongs true --slot 2 --id 1234567890
  echo '{"type":"Heartbeat","imei":"860123456789014"}' | powerbank-codec encode --crc XMODEM --no-quotes`;

const options = {
  ...dialectOptions,
  imei: { type: 'string' },
  slot: { type: 'string' },
  id: { type: 'string' },
  belongs: { type: 'string' },
  status: { type: 'string', multiple: true },
  raw: { type: 'boolean' },
  hex: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The message fields a type takes from flags, beyond `--imei`. */
function fieldFlagsOf(type: MessageType): readonly string[] {
  if (type === 'Heartbeat' || type === 'StatusQuery') return [];
  if (type === 'StatusAnswer') return ['status'];
  if (type === 'OwnershipAnswer') return ['belongs', 'slot', 'id'];
  return ['slot', 'id'];
}

const FIELD_FLAGS = ['imei', 'slot', 'id', 'belongs', 'status'];

function typeFromArgument(text: string): MessageType {
  const type = TYPES.find((name) => name.toLowerCase() === text.toLowerCase());
  if (type === undefined) throw new UsageError(`unknown message type "${text}"; expected one of ${TYPES.join(', ')}`);
  return type;
}


function slotNumber(flag: string, text: string): number {
  if (!isDigits(text)) throw new UsageError(`${flag} must be a slot number; got "${text}"`);
  return Number(text);
}

/** `--status` values: records `S.CODE[.ID]`, several per value when joined by `;`. */
function slotRecordsFrom(values: readonly string[]): SlotStatusInit[] {
  return values.flatMap((value) =>
    value
      .split(';')
      .filter((record) => record.trim() !== '')
      .map((record) => {
        const [slot = '', code = '', powerBankId, ...rest] = record.trim().split('.');
        const key = code.toUpperCase();
        const status = STATES.get(key);
        if (status === undefined || rest.length > 0) {
          throw new UsageError(`--status record "${record}" is not SLOT.CODE or SLOT.CODE.ID with CODE one of ${CODES.join(', ')}`);
        }
        const init = { slot: slotNumber('--status slot', slot), status };
        // A full slot given without an id is refused by encode, which names the record.
        return (powerBankId === undefined ? init : { ...init, powerBankId }) as SlotStatusInit;
      }),
  );
}

function belongsFrom(text: string): boolean {
  const value = text.toLowerCase();
  if (['true', 'yes', 't'].includes(value)) return true;
  if (['false', 'no', 'f'].includes(value)) return false;
  throw new UsageError(`--belongs must be true or false; got "${text}"`);
}

function required(values: OptionValues, flag: string, type: MessageType): string {
  const value = values[flag];
  if (typeof value !== 'string') throw new UsageError(`${type} needs --${flag}`);
  return value;
}

/** The message the flags describe. */
function messageFromFlags(type: MessageType, values: OptionValues): MessageInit {
  const wanted = fieldFlagsOf(type);
  const stray = FIELD_FLAGS.find((flag) => flag !== 'imei' && values[flag] !== undefined && !wanted.includes(flag));
  if (stray !== undefined) {
    throw new UsageError(`--${stray} does not apply to ${type}${wanted.length === 0 ? '' : `, which takes ${wanted.map((flag) => `--${flag}`).join(' ')}`}`);
  }
  const imei = required(values, 'imei', type);
  if (type === 'Heartbeat' || type === 'StatusQuery') return { type, imei };
  if (type === 'StatusAnswer') return { type, imei, slots: slotRecordsFrom((values['status'] as string[] | undefined) ?? []) };
  const slot = slotNumber('--slot', required(values, 'slot', type));
  const powerBankId = required(values, 'id', type);
  if (type === 'OwnershipAnswer') return { type, imei, belongs: belongsFrom(required(values, 'belongs', type)), slot, powerBankId };
  return { type, imei, slot, powerBankId } as MessageInit;
}

/** The slot numbers a message names (those that are numbers). */
function slotsOf(message: MessageInit): number[] {
  const fields = message as { slot?: unknown; slots?: unknown };
  const named = Array.isArray(fields.slots) ? fields.slots.map((record: { slot?: unknown } | null) => record?.slot) : [fields.slot];
  return named.filter((slot): slot is number => typeof slot === 'number');
}

/** Encodes, turning an invalid message into a one-line usage error. */
function encodeMessage(message: MessageInit, dialect: Partial<Dialect>, where: string): Uint8Array {
  try {
    return encode(message, { dialect });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    const hint = error.code === 'SLOT' && dialect.slotCount === undefined && slotsOf(message).some((slot) => slot > canonicalDialect.slotCount) ? ' (a station with more slots: --slots N)' : '';
    throw new UsageError(`${where}cannot encode: ${error.message}${hint}`);
  }
}

/** The messages on stdin, as they complete. */
async function* messagesFromStdin(): AsyncGenerator<{ message: MessageInit; where: string }> {
  if (process.stdin.isTTY) throw new UsageError('give a message type (e.g. encode Heartbeat --imei 860123456789014) or JSON messages on stdin; see encode --help');
  const text = new TextDecoder();
  const splitter = new JsonSplitter();
  let count = 0;
  const parse = function* (chunk: string) {
    for (const { text: json, line } of splitter.push(chunk)) {
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch (error) {
        throw new UsageError(`stdin line ${line}: invalid JSON: ${(error as Error).message}`);
      }
      for (const message of Array.isArray(value) ? value : [value]) {
        count++;
        yield { message: message as MessageInit, where: `stdin line ${line}, message ${count}: ` };
      }
    }
  };
  for await (const chunk of process.stdin) yield* parse(text.decode(chunk as Uint8Array, { stream: true }));
  yield* parse(text.decode());
  splitter.end();
  if (count === 0) throw new UsageError('no message on stdin: give a message type (e.g. encode Heartbeat --imei 860123456789014) or JSON messages; see encode --help');
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('encode', args, options, 1);
  if (values['help'] === true) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (values['raw'] === true && values['hex'] === true) throw new UsageError('--raw and --hex contradict each other');
  const dialect = dialectFromFlags(values);
  const show = (frame: Uint8Array): string | Uint8Array =>
    values['raw'] === true ? frame : `${values['hex'] === true ? hexBytes(frame) : escaped(frame)}\n`;

  const [typeArgument] = positionals;
  if (typeArgument !== undefined) {
    process.stdout.write(show(encodeMessage(messageFromFlags(typeFromArgument(typeArgument), values), dialect, '')));
    return 0;
  }
  const flag = FIELD_FLAGS.find((name) => values[name] !== undefined);
  if (flag !== undefined) throw new UsageError(`--${flag} needs a message type first, e.g. encode LendRequest --${flag} ...`);
  for await (const { message, where } of messagesFromStdin()) process.stdout.write(show(encodeMessage(message, dialect, where)));
  return 0;
}

/** The `encode` command. */
export const encodeCommand: Command = { name: 'encode', summary: 'build frames from flags or JSON, to print or pipe into nc', help, run };
