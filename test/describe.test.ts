import { describe, expect, it } from 'vitest';
import { describeMessage } from 'powerbank-codec/testing';
import { GOLDEN } from './support/vectors.js';

describe('describeMessage', () => {
  it('says what each golden message is and what it says, in wire notation', () => {
    expect(GOLDEN.map(([, message]) => describeMessage(message))).toEqual([
      'CH heartbeat',
      'CQ status query',
      'AQ status: slot 1 full (1234567890), slot 2 charging (123456789012), slot 3 fault',
      'CC lend request: slot 2, power bank 1234567890',
      'MQ ownership query: slot 2, power bank 1234567890',
      'RQ.T belongs: slot 2, power bank 1234567890',
      'RQ.F does not belong: slot 2, power bank 1234567890',
      'MC.BO lent: slot 2, power bank 1234567890',
      'AM.BO lend acknowledged: slot 2, power bank 1234567890',
      'MC.RO returned: slot 2, power bank 1234567890',
      'AM.RO return acknowledged: slot 2, power bank 1234567890',
      'MR.BF lend failed: slot 2, power bank 1234567890',
      'AR.BF lend failure acknowledged: slot 2, power bank 1234567890',
      'MR.RF return failed: slot 2, power bank 1234567890',
      'AR.RF return failure acknowledged: slot 2, power bank 1234567890',
    ]);
  });

  it('names every slot state, a bank under a fault, an unknown code and an empty station', () => {
    expect(
      describeMessage({
        type: 'StatusAnswer',
        imei: '860123456789014',
        slots: [
          { slot: 1, status: 'depleted', code: 'EM', powerBankId: 'A1' },
          { slot: 2, status: 'fault', code: 'ER', powerBankId: 'B2' },
          { slot: 3, status: 'unknown', code: 'NU', powerBankId: 'C3' },
        ],
      }),
    ).toBe('AQ status: slot 1 empty battery (A1), slot 2 fault (B2), slot 3 unknown status NU (C3)');
    expect(describeMessage({ type: 'StatusAnswer', imei: '860123456789014', slots: [] })).toBe('AQ status: no power banks');
    expect(describeMessage({ type: 'OwnershipAnswer', imei: '860123456789014', belongs: true, slot: 1, powerBankId: 'A1' })).toBe(
      'RQ.T belongs: slot 1, power bank A1',
    );
  });
});
