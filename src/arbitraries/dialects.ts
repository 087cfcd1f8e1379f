/**
 * Dialects: quotes, line endings, CRCs (catalogued, custom or none), coverages, CRC byte
 * orders, slot counts.
 *
 * @module
 * @internal
 */

import * as fc from 'fast-check';
import { crcCatalogue, type CrcName, type CrcParams } from '../crc/catalogue.js';
import { MAX_SLOT_COUNT, type Dialect } from '../dialect.js';
import { CRC_BYTE_ORDERS, CRC_COVERAGES } from '../frame/layout.js';

/**
 * Options for {@link arbDialect}.
 *
 * @example
 * ```ts
 * import type { ArbDialectOptions } from 'powerbank-codec/arbitraries';
 *
 * const catalogueOnly: ArbDialectOptions = { customCrc: false, noCrc: false };
 * ```
 */
export interface ArbDialectOptions {
  /** Include custom CRC parameters, not only catalogue names (default true). */
  readonly customCrc?: boolean;
  /** Include dialects without a CRC field (default true). */
  readonly noCrc?: boolean;
  /** The largest slot count to generate (default 999). */
  readonly maxSlotCount?: number;
}

/** Custom width-16 CRC parameters with an odd polynomial, so that every burst of up to 16 bits is caught. */
const arbCrcParams: fc.Arbitrary<CrcParams> = fc.record({
  width: fc.constant(16 as const),
  poly: fc.integer({ min: 0, max: 0xffff }).map((poly) => poly | 1),
  init: fc.integer({ min: 0, max: 0xffff }),
  refin: fc.boolean(),
  refout: fc.boolean(),
  xorout: fc.integer({ min: 0, max: 0xffff }),
});

/**
 * Any dialect: quotes on or off, any line ending, every catalogue CRC (and, by default,
 * custom parameters and no CRC at all), every coverage, either CRC byte order, a slot
 * count from 1 to 999.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { decode, encode } from 'powerbank-codec';
 * import { arbDialect } from 'powerbank-codec/arbitraries';
 *
 * const heartbeat = { type: 'Heartbeat', imei: '860123456789014' } as const;
 * fc.assert(fc.property(arbDialect(), (dialect) => decode(encode(heartbeat, { dialect }), { dialect, mode: 'strict' }).ok));
 * ```
 */
export function arbDialect(options: ArbDialectOptions = {}): fc.Arbitrary<Dialect> {
  const { customCrc = true, noCrc = true, maxSlotCount = MAX_SLOT_COUNT } = options;
  const names: Array<CrcName | 'none'> = Object.keys(crcCatalogue) as CrcName[];
  if (noCrc) names.push('none');
  const crc: fc.Arbitrary<Dialect['crc']> = customCrc ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...names) }, arbCrcParams) : fc.constantFrom(...names);
  return fc.record({
    quotes: fc.boolean(),
    lineEnding: fc.constantFrom('\r\n', '\n', '' as const),
    crc,
    crcCoverage: fc.constantFrom(...CRC_COVERAGES),
    crcByteOrder: fc.constantFrom(...CRC_BYTE_ORDERS),
    slotCount: fc.integer({ min: 1, max: maxSlotCount }),
  });
}
