/**
 * The canonical examples of PROTOCOL.md section 4, with the message each one is.
 */
import type { Message } from 'powerbank-codec';

const imei = '860123456789014';
const slot = 2;
const powerBankId = '1234567890';

export const GOLDEN: ReadonlyArray<readonly [frame: string, message: Message]> = [
  ['{"860123456789014,CH,,3FCE"}\r\n', { type: 'Heartbeat', imei }],
  ['{"860123456789014,CQ,,AFC5"}\r\n', { type: 'StatusQuery', imei }],
  [
    '{"860123456789014,AQ,1.FU.1234567890;2.NF.123456789012;3.ER;,74B8"}\r\n',
    {
      type: 'StatusAnswer',
      imei,
      slots: [
        { slot: 1, status: 'full', code: 'FU', powerBankId: '1234567890' },
        { slot: 2, status: 'notFull', code: 'NF', powerBankId: '123456789012' },
        { slot: 3, status: 'fault', code: 'ER' },
      ],
    },
  ],
  ['{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n', { type: 'LendRequest', imei, slot, powerBankId }],
  ['{"860123456789014,MQ,2.1234567890,35EF"}\r\n', { type: 'OwnershipQuery', imei, slot, powerBankId }],
  ['{"860123456789014,RQ,T.2.1234567890,2E6D"}\r\n', { type: 'OwnershipAnswer', imei, belongs: true, slot, powerBankId }],
  ['{"860123456789014,RQ,F.2.1234567890,3C7F"}\r\n', { type: 'OwnershipAnswer', imei, belongs: false, slot, powerBankId }],
  ['{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n', { type: 'LendSuccess', imei, slot, powerBankId }],
  ['{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n', { type: 'LendSuccessAck', imei, slot, powerBankId }],
  ['{"860123456789014,MC,RO.2.1234567890,84CD"}\r\n', { type: 'ReturnSuccess', imei, slot, powerBankId }],
  ['{"860123456789014,AM,RO.2.1234567890,B46A"}\r\n', { type: 'ReturnSuccessAck', imei, slot, powerBankId }],
  ['{"860123456789014,MR,BF.2.1234567890,D488"}\r\n', { type: 'LendFailure', imei, slot, powerBankId }],
  ['{"860123456789014,AR,BF.2.1234567890,874B"}\r\n', { type: 'LendFailureAck', imei, slot, powerBankId }],
  ['{"860123456789014,MR,RF.2.1234567890,D898"}\r\n', { type: 'ReturnFailure', imei, slot, powerBankId }],
  ['{"860123456789014,AR,RF.2.1234567890,8B5B"}\r\n', { type: 'ReturnFailureAck', imei, slot, powerBankId }],
];
