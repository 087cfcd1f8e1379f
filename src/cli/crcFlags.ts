/**
 * The CRC flags: `--crc` with a catalogue name, `none`, or custom parameters as a
 * Rocksoft string (`width=16,poly=0x1021,init=0xffff,refin=false,refout=false,xorout=0`,
 * as reveng prints them), or the parameters one flag each (`--crc-poly 0x1021 ...`);
 * and `--crc-byte-order`. Shared by `decode`, `encode` and `detect`.
 *
 * @module
 */

import { crc16, crcCatalogue, type CrcByteOrder, type CrcName, type CrcParams } from '../index.js';
import { crcNameOf } from '../crc/catalogue.js';
import { CRC_BYTE_ORDERS } from '../frame/layout.js';
import type { OptionTable, OptionValues } from './args.js';
import { isDigits, isHexDigits } from './text.js';
import { UsageError } from './usage.js';

export const crcOptions: OptionTable = {
  crc: { type: 'string' },
  'crc-poly': { type: 'string' },
  'crc-init': { type: 'string' },
  'crc-refin': { type: 'boolean' },
  'crc-refout': { type: 'boolean' },
  'crc-xorout': { type: 'string' },
};

/** The help lines of the CRC algorithm flags. */
export const crcAlgorithmHelp = `  --crc NAME|none|PARAMS  CRC algorithm: a catalogue name (CRC-16/MODBUS, CRC-16/XMODEM, ...;
                          the CRC-16/ prefix and case may be left out, aliases such as
                          CCITT-FALSE or X-25 work; powerbank-codec crc --help lists them),
                          none for frames without a CRC field, or custom parameters as
                          reveng writes them: width=16,poly=0x1021,init=0xffff,refin=false,
                          refout=false,xorout=0x0000 (commas or spaces; check=0x.... is
                          verified when given; init, xorout default to 0, refout to refin)
  --crc-poly HEX --crc-init HEX --crc-xorout HEX --crc-refin --crc-refout
                          the same custom parameters one flag each (hex with 0x)`;

const CRC_NAMES = Object.keys(crcCatalogue) as CrcName[];
const PREFIX = 'CRC-16/';

/** Every way of naming a catalogue algorithm, upper-cased, with and without the `CRC-16/` prefix. */
const CRC_BY_SPELLING: ReadonlyMap<string, CrcName> = new Map(
  CRC_NAMES.flatMap((name) =>
    [name, ...crcCatalogue[name].aliases].flatMap((spelling) => {
      const upper = spelling.toUpperCase();
      return [[upper, name], [upper.startsWith(PREFIX) ? upper.slice(PREFIX.length) : upper, name]] as const;
    }),
  ),
);

/** A width-16 value written in hex with `0x` (or a single decimal digit, the same in both). */
function hexValue(what: string, text: string): number {
  const lower = text.toLowerCase();
  const digits = lower.startsWith('0x') ? lower.slice(2) : undefined;
  const value = digits !== undefined && isHexDigits(digits) ? Number.parseInt(digits, 16) : text.length === 1 && isDigits(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= 0xffff)) throw new UsageError(`${what} must be a 16-bit value in hex with 0x, e.g. 0x1021; got "${text}"`);
  return value;
}

function booleanValue(what: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw new UsageError(`${what} must be true or false; got "${text}"`);
}

/** Custom parameters, given by name, with the defaults of the Rocksoft model's usual case; their catalogue name when they are one. */
function paramsOrName(given: { poly: number; init?: number | undefined; refin?: boolean | undefined; refout?: boolean | undefined; xorout?: number | undefined }): CrcName | CrcParams {
  const refin = given.refin ?? false;
  const params: CrcParams = { width: 16, poly: given.poly, init: given.init ?? 0, refin, refout: given.refout ?? refin, xorout: given.xorout ?? 0 };
  return crcNameOf(params) ?? params;
}

/** Reads `width=16,poly=0x1021,...` (commas or blanks between). */
function rocksoft(text: string): CrcName | CrcParams {
  const given: { width?: number; poly?: number; init?: number; refin?: boolean; refout?: boolean; xorout?: number; check?: number } = {};
  const words = text.split(',').flatMap((part) => part.split(' ')).flatMap((part) => part.split('\t')).filter((part) => part !== '');
  for (const word of words) {
    const at = word.indexOf('=');
    const key = word.slice(0, at).toLowerCase();
    const value = word.slice(at + 1);
    if (key === 'poly' || key === 'init' || key === 'xorout' || key === 'check') given[key] = hexValue(`--crc ${key}`, value);
    else if (key === 'refin' || key === 'refout') given[key] = booleanValue(`--crc ${key}`, value);
    else if (key === 'width') given.width = isDigits(value) ? Number(value) : Number.NaN;
    else if (key !== 'residue' && key !== 'name') throw new UsageError(`--crc: unknown parameter "${word}"; expected width, poly, init, refin, refout, xorout (and check, residue, name, as reveng prints them)`);
  }
  if (given.width !== 16) throw new UsageError(`--crc: the parameters need width=16 (a CRC-16); got "${text}"`);
  if (given.poly === undefined) throw new UsageError(`--crc: the parameters need poly, e.g. poly=0x1021; got "${text}"`);
  const crc = paramsOrName({ ...given, poly: given.poly });
  if (given.check !== undefined) {
    const check = crc16('123456789', crc);
    if (check !== given.check) throw new UsageError(`--crc: these parameters give the check value 0x${check.toString(16).padStart(4, '0')}, not 0x${given.check.toString(16).padStart(4, '0')}: a parameter is wrong`);
  }
  return crc;
}

/** The CRC named by `--crc` or by the `--crc-*` parameter flags; `undefined` when none is given. */
export function crcFromFlags(values: OptionValues): CrcName | CrcParams | 'none' | undefined {
  const names = ['crc-poly', 'crc-init', 'crc-xorout', 'crc-refin', 'crc-refout'].filter((name) => values[name] !== undefined);
  const text = values['crc'];
  if (names.length > 0) {
    if (typeof text === 'string') throw new UsageError(`--crc and --${names[0]!} both name the CRC; give one of them`);
    const poly = values['crc-poly'];
    if (typeof poly !== 'string') throw new UsageError(`--${names[0]!} needs --crc-poly as well (the polynomial, e.g. --crc-poly 0x1021)`);
    const hex = (name: string) => (typeof values[name] === 'string' ? hexValue(`--${name}`, values[name]) : undefined);
    return paramsOrName({ poly: hexValue('--crc-poly', poly), init: hex('crc-init'), xorout: hex('crc-xorout'), refin: values['crc-refin'] === true, refout: values['crc-refout'] === true ? true : undefined });
  }
  if (typeof text !== 'string') return undefined;
  if (text.toLowerCase() === 'none') return 'none';
  if (text.includes('=')) return rocksoft(text);
  const name = CRC_BY_SPELLING.get(text.toUpperCase());
  if (name === undefined) throw new UsageError(`unknown CRC algorithm "${text}"; expected none, one of ${CRC_NAMES.join(', ')}, or parameters such as width=16,poly=0x1021,init=0xffff,refin=false,refout=false,xorout=0`);
  return name;
}

const hex16 = (value: number) => `0x${value.toString(16).padStart(4, '0')}`;

/** How `crc` is written after `--crc`: its name, `none`, or its parameters with commas. */
export function crcFlagValue(crc: CrcName | CrcParams | 'none'): string {
  if (typeof crc === 'string') return crc;
  return `width=16,poly=${hex16(crc.poly)},init=${hex16(crc.init)},refin=${crc.refin},refout=${crc.refout},xorout=${hex16(crc.xorout)}`;
}

/** The byte order named by `--crc-byte-order`: `highFirst` or `lowFirst`, any case, with or without a hyphen. */
export function crcByteOrderFromFlag(text: string): CrcByteOrder {
  const order = CRC_BYTE_ORDERS.find((name) => name.toLowerCase() === text.toLowerCase().split('-').join(''));
  if (order === undefined) throw new UsageError(`--crc-byte-order must be ${CRC_BYTE_ORDERS.join(' or ')}; got "${text}"`);
  return order;
}
