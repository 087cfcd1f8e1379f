/**
 * The state table of the flows, read against the spec: every flow it walks, from the
 * message that opens it to the one that ends it, with who sends each, is a line of
 * section 5 of docs/protocol.md, and every line there is a flow of the table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messageTypes, type MessageType, type Sender } from 'powerbank-codec';
import { wireName } from '../src/flows/describe.js';
import { OPENERS, PATHS, STEPS, type Move, type Next, type Outcome, type StepName } from '../src/flows/steps.js';

/** Section 5's flows: each line's label and its chain, e.g. `server CC → device MC.BO → server AM.BO`. */
function specFlows(): Record<string, string> {
  const text = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('\n## 5.'), text.indexOf('\n## 6.'));
  const flows: Record<string, string> = {};
  for (const [, label, chain] of section.matchAll(/([A-Z][a-z]+(?:, [a-z]+)?): ((?:(?:server|device) `[^`]+`(?: `[^`]+`)?(?: → )?)+)/g)) {
    flows[label!] = chain!.replaceAll('` `', '.').replaceAll('`', '');
  }
  return flows;
}

const LABELS: { readonly [O in Outcome]: string } = {
  lent: 'Lend, success',
  lendFailed: 'Lend, failure',
  returned: 'Return, success',
  returnRejected: 'Return, rejected',
  returnFailed: 'Return, failure',
  statusAnswered: 'Status',
};

/** Every flow of the table, as section 5 writes it. */
function tableFlows(): Record<string, string> {
  const flows: Record<string, string> = { Heartbeat: 'device CH' };
  const walk = (step: StepName, chain: string): void => {
    const { from, next } = STEPS[step];
    for (const [move, to] of Object.entries(next) as Array<[Move, Next]>) {
      const longer = `${chain} → ${from} ${move}`;
      if ('step' in to) walk(to.step, longer);
      else flows[LABELS[to.outcome]] = longer;
    }
  };
  for (const [move, { from, waitAt }] of Object.entries(OPENERS)) walk(waitAt, `${from} ${move}`);
  return flows;
}

describe('the flows state table', () => {
  it('walks exactly the flows of section 5, each message from the side the spec names', () => {
    expect(tableFlows()).toEqual(specFlows());
    expect(Object.keys(specFlows())).toHaveLength(7);
  });

  it('names as the sender of each move the side messageTypes names', () => {
    const senderOf = (move: string): Sender => {
      const type = (Object.keys(messageTypes) as MessageType[]).find((candidate) => wireName(candidate) === move.replace(/^RQ\.[TF]$/, 'RQ'));
      return messageTypes[type!].sender;
    };
    for (const [move, { from }] of Object.entries(OPENERS)) expect(senderOf(move)).toBe(from);
    for (const { from, next } of Object.values(STEPS)) for (const move of Object.keys(next)) expect(senderOf(move)).toBe(from);
  });

  it('reads off each outcome the moves of its flow', () => {
    expect(PATHS).toEqual({
      lent: ['CC', 'MC.BO', 'AM.BO'],
      lendFailed: ['CC', 'MR.BF', 'AR.BF'],
      returned: ['MQ', 'RQ.T', 'MC.RO', 'AM.RO'],
      returnRejected: ['MQ', 'RQ.F'],
      returnFailed: ['MQ', 'RQ.T', 'MR.RF', 'AR.RF'],
      statusAnswered: ['CQ', 'AQ'],
    });
  });
});
