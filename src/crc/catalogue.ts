/**
 * The named CRC-16 algorithms, with their Rocksoft/Williams parameters and published
 * check values (the CRC of ASCII `123456789`), as listed in Greg Cook's catalogue of
 * parametrised CRC algorithms.
 *
 * @module
 */

/**
 * The parameters of a width-16 CRC in the Rocksoft/Williams model: the generator
 * polynomial (normal form, top bit implied), the initial register, whether input bytes
 * and the final register are bit-reflected, and the value XORed into the result.
 *
 * @example
 * ```ts
 * import { crc16, type CrcParams } from 'powerbank-codec';
 *
 * const modbus: CrcParams = { width: 16, poly: 0x8005, init: 0xffff, refin: true, refout: true, xorout: 0 };
 * crc16('123456789', modbus); // 0x4b37
 * ```
 */
export interface CrcParams {
  readonly width: 16;
  readonly poly: number;
  readonly init: number;
  readonly refin: boolean;
  readonly refout: boolean;
  readonly xorout: number;
}

/**
 * A catalogue entry: the parameters plus the published check value and other names
 * the same algorithm goes by.
 */
export interface CrcAlgorithm extends CrcParams {
  /** The CRC of the nine ASCII bytes `123456789`. */
  readonly check: number;
  /** Other names for the same algorithm, for reference. */
  readonly aliases: readonly string[];
}

const algorithm = (
  poly: number,
  init: number,
  reflected: boolean,
  xorout: number,
  check: number,
  aliases: readonly string[],
): CrcAlgorithm =>
  Object.freeze({ width: 16, poly, init, refin: reflected, refout: reflected, xorout, check, aliases });

/**
 * Every named CRC-16 algorithm the library knows, keyed by its catalogue name.
 * The first six are the ones seen in station firmware; the rest are common variants
 * worth trying on a capture from an unknown device.
 *
 * @example
 * ```ts
 * import { crc16, crcCatalogue, type CrcName } from 'powerbank-codec';
 *
 * for (const name of Object.keys(crcCatalogue) as CrcName[]) {
 *   console.log(name, crc16('123456789', name) === crcCatalogue[name].check); // true
 * }
 * ```
 */
export const crcCatalogue = Object.freeze({
  'CRC-16/MODBUS': algorithm(0x8005, 0xffff, true, 0x0000, 0x4b37, []),
  'CRC-16/IBM-3740': algorithm(0x1021, 0xffff, false, 0x0000, 0x29b1, ['CRC-16/CCITT-FALSE', 'CRC-16/AUTOSAR']),
  'CRC-16/XMODEM': algorithm(0x1021, 0x0000, false, 0x0000, 0x31c3, ['CRC-16/ACORN', 'CRC-16/LTE', 'CRC-16/V-41-MSB', 'ZMODEM']),
  'CRC-16/ARC': algorithm(0x8005, 0x0000, true, 0x0000, 0xbb3d, ['CRC-16/LHA', 'CRC-IBM']),
  'CRC-16/KERMIT': algorithm(0x1021, 0x0000, true, 0x0000, 0x2189, ['CRC-16/CCITT', 'CRC-16/CCITT-TRUE', 'CRC-16/V-41-LSB']),
  'CRC-16/IBM-SDLC': algorithm(0x1021, 0xffff, true, 0xffff, 0x906e, ['CRC-16/X-25', 'CRC-16/ISO-HDLC', 'CRC-B']),
  'CRC-16/USB': algorithm(0x8005, 0xffff, true, 0xffff, 0xb4c8, []),
  'CRC-16/MAXIM-DOW': algorithm(0x8005, 0x0000, true, 0xffff, 0x44c2, ['CRC-16/MAXIM']),
  'CRC-16/UMTS': algorithm(0x8005, 0x0000, false, 0x0000, 0xfee8, ['CRC-16/BUYPASS', 'CRC-16/VERIFONE']),
  'CRC-16/GENIBUS': algorithm(0x1021, 0xffff, false, 0xffff, 0xd64e, ['CRC-16/DARC', 'CRC-16/EPC', 'CRC-16/I-CODE']),
  'CRC-16/MCRF4XX': algorithm(0x1021, 0xffff, true, 0x0000, 0x6f91, []),
  'CRC-16/SPI-FUJITSU': algorithm(0x1021, 0x1d0f, false, 0x0000, 0xe5cc, ['CRC-16/AUG-CCITT']),
  'CRC-16/DNP': algorithm(0x3d65, 0x0000, true, 0xffff, 0xea82, []),
});

/**
 * The name of a catalogued CRC-16 algorithm, e.g. `'CRC-16/MODBUS'`.
 *
 * @example
 * ```ts
 * import { crc16, type CrcName } from 'powerbank-codec';
 *
 * const name: CrcName = 'CRC-16/XMODEM';
 * crc16('123456789', name); // 0x31c3
 * ```
 */
export type CrcName = keyof typeof crcCatalogue;

/**
 * The catalogue name of the algorithm with these parameters, if the catalogue has it.
 * @internal
 */
export function crcNameOf(params: CrcParams): CrcName | undefined {
  return (Object.keys(crcCatalogue) as CrcName[]).find((name) => {
    const known = crcCatalogue[name];
    return known.poly === params.poly && known.init === params.init && known.refin === params.refin && known.refout === params.refout && known.xorout === params.xorout;
  });
}
