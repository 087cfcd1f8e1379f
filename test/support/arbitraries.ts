/**
 * fast-check generators for the tests: valid messages and dialects.
 */
import fc from 'fast-check';
import { crcCatalogue, type CrcName, type CrcParams, type Dialect, type Message, type SlotStatus } from 'powerbank-codec';

const digit = fc.constantFrom(...'0123456789');
const idCharacter = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');

export const arbImei = fc.array(digit, { minLength: 15, maxLength: 15 }).map((digits) => digits.join(''));
export const arbPowerBankId = fc.array(idCharacter, { minLength: 1, maxLength: 32 }).map((chars) => chars.join(''));

const codes = { full: 'FU', notFull: 'NF', depleted: 'EM', fault: 'ER' } as const;

function arbSlotStatus(slotCount: number): fc.Arbitrary<SlotStatus> {
  return fc
    .record({
      slot: fc.integer({ min: 1, max: slotCount }),
      status: fc.constantFrom('full', 'notFull', 'depleted', 'fault' as const),
      powerBankId: arbPowerBankId,
      faultWithId: fc.boolean(),
    })
    .map(({ slot, status, powerBankId, faultWithId }) =>
      status === 'fault' && !faultWithId ? { slot, status, code: codes[status] } : { slot, status, code: codes[status], powerBankId },
    );
}

/** Any valid message for a station with `slotCount` slots. */
export function arbMessage(slotCount = 3): fc.Arbitrary<Message> {
  const slot = fc.integer({ min: 1, max: slotCount });
  const slotFields = fc.record({ imei: arbImei, slot, powerBankId: arbPowerBankId });
  const slotMessage = <T extends Message['type']>(type: T) => slotFields.map((fields) => ({ type, ...fields }));
  return fc.oneof(
    arbImei.map((imei) => ({ type: 'Heartbeat' as const, imei })),
    arbImei.map((imei) => ({ type: 'StatusQuery' as const, imei })),
    fc
      .record({
        imei: arbImei,
        slots: fc.uniqueArray(arbSlotStatus(slotCount), { selector: (record) => record.slot, maxLength: Math.min(slotCount, 8) }),
      })
      .map(({ imei, slots }) => ({ type: 'StatusAnswer' as const, imei, slots })),
    slotMessage('LendRequest'),
    slotMessage('OwnershipQuery'),
    fc.record({ imei: arbImei, belongs: fc.boolean(), slot, powerBankId: arbPowerBankId }).map((fields) => ({ type: 'OwnershipAnswer' as const, ...fields })),
    slotMessage('LendSuccess'),
    slotMessage('ReturnSuccess'),
    slotMessage('LendSuccessAck'),
    slotMessage('ReturnSuccessAck'),
    slotMessage('LendFailure'),
    slotMessage('ReturnFailure'),
    slotMessage('LendFailureAck'),
    slotMessage('ReturnFailureAck'),
  ) as fc.Arbitrary<Message>;
}

export const crcNames = Object.keys(crcCatalogue) as CrcName[];

export const arbCrcParams: fc.Arbitrary<CrcParams> = fc.record({
  width: fc.constant(16 as const),
  poly: fc.integer({ min: 0, max: 0xffff }).map((poly) => poly | 1),
  init: fc.integer({ min: 0, max: 0xffff }),
  refin: fc.boolean(),
  refout: fc.boolean(),
  xorout: fc.integer({ min: 0, max: 0xffff }),
});

/** Any dialect: every catalogue CRC, custom parameters, or none. */
export const arbDialect: fc.Arbitrary<Dialect> = fc.record({
  quotes: fc.boolean(),
  lineEnding: fc.constantFrom('\r\n', '\n', '' as const),
  crc: fc.oneof(fc.constantFrom<CrcName | 'none'>(...crcNames, 'none'), arbCrcParams),
  crcCoverage: fc.constantFrom('fields', 'fieldsWithComma', 'frame' as const),
  slotCount: fc.integer({ min: 1, max: 999 }),
});

/** A dialect with a message valid in it. */
export const arbDialectAndMessage = arbDialect.chain((dialect) => arbMessage(dialect.slotCount).map((message) => ({ dialect, message })));
