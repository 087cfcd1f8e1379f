/**
 * The floors: the least work any decoder of these bytes must do. A table-driven
 * CRC-16/MODBUS, one table lookup per byte, the textbook loop; and a plain scan for
 * `}` over the stream, the least a splitter must look at.
 */

/** The CRC-16/MODBUS lookup table (reflected polynomial 0xA001). */
const TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  TABLE[byte] = crc;
}

/** CRC-16/MODBUS of `bytes`, one byte per step. */
export function floorCrc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

const RIGHT_BRACE = 0x7d;

/** How many `}` the chunks hold, looking at every byte once. */
export function floorScanForBrace(chunks: readonly Uint8Array[]): number {
  let count = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === RIGHT_BRACE) count++;
  }
  return count;
}
