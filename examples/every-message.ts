/**
 * Encodes and decodes one message of each of the fourteen types, then shows what the
 * decoder says about a sloppy frame, a corrupted one and a strict-mode refusal.
 *
 * Run it with `npm run example:messages`.
 */
import { decode, encode, encodeToString, messageTypes, type Message } from 'powerbank-codec';

const imei = '860123456789014';
const bank = { slot: 2, powerBankId: '1234567890' };

const messages: Message[] = [
  { type: 'Heartbeat', imei },
  { type: 'StatusQuery', imei },
  {
    type: 'StatusAnswer',
    imei,
    slots: [
      { slot: 1, status: 'full', code: 'FU', powerBankId: '1234567890' },
      { slot: 2, status: 'notFull', code: 'NF', powerBankId: '123456789012' },
      { slot: 3, status: 'fault', code: 'ER' },
    ],
  },
  { type: 'LendRequest', imei, ...bank },
  { type: 'OwnershipQuery', imei, ...bank },
  { type: 'OwnershipAnswer', imei, belongs: true, ...bank },
  { type: 'LendSuccess', imei, ...bank },
  { type: 'ReturnSuccess', imei, ...bank },
  { type: 'LendSuccessAck', imei, ...bank },
  { type: 'ReturnSuccessAck', imei, ...bank },
  { type: 'LendFailure', imei, ...bank },
  { type: 'ReturnFailure', imei, ...bank },
  { type: 'LendFailureAck', imei, ...bank },
  { type: 'ReturnFailureAck', imei, ...bank },
];


console.log('Every message type, encoded and decoded back (canonical dialect):\n');
for (const message of messages) {
  const bytes = encode(message);
  const result = decode(bytes, { mode: 'strict' });
  const { type, imei: _, ...fields } = message;
  const { sender } = messageTypes[type];
  const same = result.ok && JSON.stringify(result.message) === JSON.stringify(message);
  console.log(`${type.padEnd(17)} ${sender === 'device' ? 'device → server' : 'server → device'}  ${encodeToString(message).trimEnd()}`);
  const shown = Object.keys(fields).length === 0 ? '(no fields besides the IMEI)' : JSON.stringify(fields);
  console.log(`${''.padEnd(17)} ${same ? 'decodes back to' : 'DOES NOT decode back to'} ${shown}`);
}

console.log('\nWhat the decoder says about frames that are not canonical:\n');
const samples: Array<[string, string, Parameters<typeof decode>[1]?]> = [
  ['no quotes, LF only, lowercase CRC (lenient)', '{860123456789014,CH,,3fce}\n'],
  ['the same frame in strict mode', '{860123456789014,CH,,3fce}\n', { mode: 'strict' }],
  ['one digit of the id changed in transit', '{"860123456789014,MC,BO.2.1234567891,88DD"}\r\n'],
  ['a lend request arriving from a station', '{"860123456789014,CC,BW.2.1234567890,7BA7"}\r\n', { from: 'device' }],
];
for (const [label, frame, options] of samples) {
  const result = decode(frame, options);
  console.log(`${label}: ${JSON.stringify(frame)}`);
  if (result.ok) {
    console.log(`  ok: ${result.message.type}; deviations:`);
    for (const deviation of result.deviations) console.log(`    ${deviation.code}: ${deviation.message}`);
  } else {
    console.log(`  ${result.error.code}: ${result.error.message}`);
  }
}
