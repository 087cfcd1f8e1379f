import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  decode,
  encode,
  isProtocolError,
  messageTypes,
  replyTo,
  type LendFailure,
  type LendFailureAck,
  type LendSuccess,
  type LendSuccessAck,
  type Message,
  type OwnershipAnswer,
  type OwnershipQuery,
  type ReturnFailure,
  type ReturnFailureAck,
  type ReturnSuccess,
  type ReturnSuccessAck,
  type StatusAnswer,
} from 'powerbank-codec';
import { arbMessage } from 'powerbank-codec/arbitraries';

const bank = { imei: '860123456789014', slot: 2, powerBankId: '1234567890' } as const;
const always = { belongs: () => true };

describe('replyTo', () => {
  it('answers each report with its acknowledgement, repeating IMEI, slot and id (PROTOCOL.md section 4 frames)', () => {
    const cases: Array<[string, string]> = [
      ['{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n', '{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n'],
      ['{"860123456789014,MC,RO.2.1234567890,84CD"}\r\n', '{"860123456789014,AM,RO.2.1234567890,B46A"}\r\n'],
      ['{"860123456789014,MR,BF.2.1234567890,D488"}\r\n', '{"860123456789014,AR,BF.2.1234567890,874B"}\r\n'],
      ['{"860123456789014,MR,RF.2.1234567890,D898"}\r\n', '{"860123456789014,AR,RF.2.1234567890,8B5B"}\r\n'],
      ['{"860123456789014,MQ,2.1234567890,35EF"}\r\n', '{"860123456789014,RQ,T.2.1234567890,2E6D"}\r\n'],
    ];
    for (const [report, answer] of cases) {
      const result = decode(report, { mode: 'strict', from: 'device' });
      if (!result.ok) throw new Error(result.error.message);
      const reply = replyTo(result.message, always);
      expect(reply && new TextDecoder().decode(encode(reply))).toBe(answer);
    }
  });

  it('asks the policy whether an inserted bank belongs, with id, slot and IMEI', () => {
    const asked: unknown[] = [];
    const reply = replyTo({ type: 'OwnershipQuery', ...bank }, { belongs: (...args) => (asked.push(args), false) });
    expect(reply).toEqual({ type: 'OwnershipAnswer', ...bank, belongs: false });
    expect(asked).toEqual([['1234567890', 2, '860123456789014']]);
  });

  it('has no answer for a heartbeat, a status answer, or a message only the server sends', () => {
    const never = { belongs: (): boolean => { throw new Error('not asked'); } };
    expect(replyTo({ type: 'Heartbeat', imei: bank.imei }, never)).toBeUndefined();
    expect(replyTo({ type: 'StatusAnswer', imei: bank.imei, slots: [] }, never)).toBeUndefined();
    expect(replyTo({ type: 'LendRequest', ...bank }, never)).toBeUndefined();
  });

  it('refuses a policy that does not answer true or false, naming a Promise', () => {
    const query: OwnershipQuery = { type: 'OwnershipQuery', ...bank };
    for (const [answer, shown] of [[Promise.resolve(true), 'a Promise'], [undefined, 'undefined'], ['yes', '"yes"']] as const) {
      let caught: unknown;
      try {
        replyTo(query, { belongs: () => answer as unknown as boolean });
      } catch (error) {
        caught = error;
      }
      expect(isProtocolError(caught) && [caught.code, caught.field, caught.message]).toEqual([
        'BELONGS',
        'policy.belongs',
        `policy.belongs must return true or false (synchronously); got ${shown}`,
      ]);
    }
  });

  it('is typed: the answer type follows the message type', () => {
    expectTypeOf(replyTo({} as OwnershipQuery, always)).toEqualTypeOf<OwnershipAnswer>();
    expectTypeOf(replyTo({} as LendSuccess, always)).toEqualTypeOf<LendSuccessAck>();
    expectTypeOf(replyTo({} as ReturnSuccess, always)).toEqualTypeOf<ReturnSuccessAck>();
    expectTypeOf(replyTo({} as LendFailure, always)).toEqualTypeOf<LendFailureAck>();
    expectTypeOf(replyTo({} as ReturnFailure, always)).toEqualTypeOf<ReturnFailureAck>();
    expectTypeOf(replyTo({} as StatusAnswer, always)).toEqualTypeOf<undefined>();
    expectTypeOf(replyTo({} as LendSuccess | LendFailure, always)).toEqualTypeOf<LendSuccessAck | LendFailureAck>();
    expectTypeOf(replyTo({} as Message, always)).toEqualTypeOf<
      OwnershipAnswer | LendSuccessAck | ReturnSuccessAck | LendFailureAck | ReturnFailureAck | undefined
    >();
  });

  it('answers every message a station sends, except heartbeats and status answers, with one the server sends, about the same bank', () => {
    fc.assert(
      fc.property(arbMessage(), fc.boolean(), (message, belongs) => {
        const reply = replyTo(message, { belongs: () => belongs });
        const fromDevice = messageTypes[message.type].sender === 'device';
        if (!fromDevice || message.type === 'Heartbeat' || message.type === 'StatusAnswer') {
          expect(reply).toBeUndefined();
          return;
        }
        expect(reply).toBeDefined();
        expect(messageTypes[reply!.type].sender).toBe('server');
        const { imei, slot, powerBankId } = message as Extract<Message, { slot: number }>;
        expect(reply).toMatchObject({ imei, slot, powerBankId });
      }),
    );
  });
});
