/**
 * The table-driven CRC-16 engine: eight 256-entry tables per polynomial and bit order,
 * built on first use, read eight bytes per step.
 *
 * @module
 */

import { toBytes } from '../bytes.js';
import { ProtocolError } from '../errors.js';
import { crcCatalogue, type CrcName, type CrcParams } from './catalogue.js';

/** A CRC-16 ready to run: the parameters with their lookup table. @internal */
export interface Crc16Engine {
  /** The catalogue name, or a description of custom parameters. */
  readonly name: string;
  /** The CRC of `bytes[start..end)`. */
  compute(bytes: Uint8Array, start: number, end: number): number;
}

function reflect16(value: number): number {
  let result = 0;
  for (let bit = 0; bit < 16; bit++) if (value & (1 << bit)) result |= 1 << (15 - bit);
  return result;
}

/*
 * Both engines read eight bytes per step ("slicing-by-8", as zlib does for CRC-32): one
 * Uint16Array holds eight 256-entry tables, where table k (entries 256k..256k+255) is
 * the CRC of a byte followed by k zero bytes. The register is only two bytes wide, so
 * after XOR-ing the next two bytes into it, it and the six bytes after are eight
 * independent lookups, where the byte-at-a-time loop is eight dependent ones. The bytes
 * left over (fewer than eight) go through table 0 one at a time.
 */
const TABLES = 8;

/** The tables of a reflected (LSB-first) CRC: the register holds the reflected value. */
function reflectedTables(poly: number): Uint16Array {
  const reversed = reflect16(poly);
  const tables = new Uint16Array(256 * TABLES);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ reversed : crc >>> 1;
    tables[byte] = crc;
  }
  for (let i = 256; i < tables.length; i++) {
    const previous = tables[i - 256]!;
    tables[i] = (previous >>> 8) ^ tables[previous & 0xff]!;
  }
  return tables;
}

/** The tables of a normal (MSB-first) CRC. */
function normalTables(poly: number): Uint16Array {
  const tables = new Uint16Array(256 * TABLES);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ poly) & 0xffff : (crc << 1) & 0xffff;
    tables[byte] = crc;
  }
  for (let i = 256; i < tables.length; i++) {
    const previous = tables[i - 256]!;
    tables[i] = ((previous << 8) & 0xffff) ^ tables[previous >>> 8]!;
  }
  return tables;
}

class ReflectedEngine implements Crc16Engine {
  private readonly tables: Uint16Array;
  private readonly init: number;
  private readonly flipOut: boolean;
  private readonly xorout: number;

  constructor(readonly name: string, params: CrcParams) {
    this.tables = reflectedTables(params.poly);
    this.init = reflect16(params.init);
    this.flipOut = !params.refout;
    this.xorout = params.xorout;
  }

  compute(bytes: Uint8Array, start: number, end: number): number {
    const t = this.tables;
    let crc = this.init;
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const x = crc ^ bytes[i]! ^ (bytes[i + 1]! << 8);
      crc =
        t[1792 + (x & 0xff)]! ^ t[1536 + (x >>> 8)]! ^ t[1280 + bytes[i + 2]!]! ^ t[1024 + bytes[i + 3]!]! ^
        t[768 + bytes[i + 4]!]! ^ t[512 + bytes[i + 5]!]! ^ t[256 + bytes[i + 6]!]! ^ t[bytes[i + 7]!]!;
    }
    for (; i < end; i++) crc = (crc >>> 8) ^ t[(crc ^ bytes[i]!) & 0xff]!;
    return ((this.flipOut ? reflect16(crc) : crc) ^ this.xorout) & 0xffff;
  }
}

class NormalEngine implements Crc16Engine {
  private readonly tables: Uint16Array;
  private readonly init: number;
  private readonly flipOut: boolean;
  private readonly xorout: number;

  constructor(readonly name: string, params: CrcParams) {
    this.tables = normalTables(params.poly);
    this.init = params.init;
    this.flipOut = params.refout;
    this.xorout = params.xorout;
  }

  compute(bytes: Uint8Array, start: number, end: number): number {
    const t = this.tables;
    let crc = this.init;
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const x = crc ^ (bytes[i]! << 8) ^ bytes[i + 1]!;
      crc =
        t[1792 + (x >>> 8)]! ^ t[1536 + (x & 0xff)]! ^ t[1280 + bytes[i + 2]!]! ^ t[1024 + bytes[i + 3]!]! ^
        t[768 + bytes[i + 4]!]! ^ t[512 + bytes[i + 5]!]! ^ t[256 + bytes[i + 6]!]! ^ t[bytes[i + 7]!]!;
    }
    for (; i < end; i++) crc = ((crc << 8) & 0xffff) ^ t[((crc >>> 8) ^ bytes[i]!) & 0xff]!;
    return ((this.flipOut ? reflect16(crc) : crc) ^ this.xorout) & 0xffff;
  }
}

function isUint16(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff;
}

function checkParams(params: CrcParams): void {
  const fields = params as unknown as Record<string, unknown> | null;
  const valid =
    typeof fields === 'object' &&
    fields !== null &&
    fields['width'] === 16 &&
    isUint16(fields['poly']) &&
    isUint16(fields['init']) &&
    isUint16(fields['xorout']) &&
    typeof fields['refin'] === 'boolean' &&
    typeof fields['refout'] === 'boolean';
  if (!valid) {
    throw new ProtocolError(
      'OPTIONS',
      'crc',
      `CRC parameters must be { width: 16, poly, init, xorout: integers 0..0xFFFF, refin, refout: booleans }; got ${JSON.stringify(params)}`,
    );
  }
}

function createEngine(name: string, params: CrcParams): Crc16Engine {
  return params.refin ? new ReflectedEngine(name, params) : new NormalEngine(name, params);
}

const namedEngines = new Map<string, Crc16Engine>();
/** Custom-parameter engines, bounded so that a brute-force search cannot grow it forever. */
const customEngines = new Map<string, Crc16Engine>();
const CUSTOM_ENGINE_LIMIT = 32;

/**
 * The engine for a catalogue name or custom parameters, built once and cached.
 * Throws a `ProtocolError` with code `OPTIONS` for an unknown name or invalid parameters.
 * @internal
 */
export function crcEngine(algorithm: CrcName | CrcParams): Crc16Engine {
  if (typeof algorithm === 'string') {
    let engine = namedEngines.get(algorithm);
    if (engine === undefined) {
      if (!Object.hasOwn(crcCatalogue, algorithm)) {
        throw new ProtocolError(
          'OPTIONS',
          'crc',
          `unknown CRC algorithm ${JSON.stringify(algorithm)}; expected one of ${Object.keys(crcCatalogue).join(', ')}, custom parameters, or 'none'`,
        );
      }
      engine = createEngine(algorithm, crcCatalogue[algorithm]);
      namedEngines.set(algorithm, engine);
    }
    return engine;
  }
  checkParams(algorithm);
  const { poly, init, refin, refout, xorout } = algorithm;
  // The parameters, written out: the engine's name and its key.
  const name = `poly=0x${poly.toString(16)} init=0x${init.toString(16)} refin=${refin} refout=${refout} xorout=0x${xorout.toString(16)}`;
  let engine = customEngines.get(name);
  if (engine === undefined) {
    if (customEngines.size >= CUSTOM_ENGINE_LIMIT) customEngines.delete(customEngines.keys().next().value!);
    engine = createEngine(`CRC-16 (${name})`, algorithm);
    customEngines.set(name, engine);
  }
  return engine;
}

/**
 * The CRC-16 of `data` (bytes, or a string taken as UTF-8) under a catalogued
 * algorithm (default `'CRC-16/MODBUS'`, the protocol's canonical one) or custom
 * width-16 parameters. Table-driven.
 *
 * Throws a `ProtocolError` with code `OPTIONS` for an unknown name or invalid
 * parameters.
 *
 * @example
 * ```ts
 * import { crc16 } from 'powerbank-codec';
 *
 * crc16('123456789');                     // 0x4b37 (CRC-16/MODBUS)
 * crc16('123456789', 'CRC-16/IBM-3740');  // 0x29b1
 * crc16('860123456789014,CH,').toString(16).toUpperCase(); // '3FCE'
 * ```
 */
export function crc16(data: Uint8Array | string, algorithm: CrcName | CrcParams = 'CRC-16/MODBUS'): number {
  const bytes = toBytes(data);
  return crcEngine(algorithm).compute(bytes, 0, bytes.length);
}
