/**
 * The words of the conversation tracker: what each step waits for, what each outcome is
 * called, and the one-line report of every violation (`subject: problem — expected: …;
 * received: …`). Every sentence a `ConversationEvent` carries is written here; the
 * tracker and its frame checks only decide which one to say.
 *
 * @module
 * @internal
 */

import type { DecodeError, Deviation, DeviationCode } from '../errors.js';
import type { SlotStatus } from '../messages/AQ.js';
import type { Sender } from '../messages/codec.js';
import { messageTypes, type Message } from '../messages/index.js';
import type { DiscardedEvent, LineEndingEvent } from '../stream/events.js';
import { describeMessage, describeSlots, slotAndBank, wireName } from './describe.js';
import type { Violation, ViolationKind } from './events.js';
import { FLOW_OF, PATHS, STEPS, type AnswerMessage, type FlowName, type Outcome, type StepName } from './steps.js';

/** A violation to report, all but its time and the station's IMEI. */
export interface Report {
  readonly violation: ViolationKind;
  readonly flow: FlowName | undefined;
  /** The flow or the frame concerned: the head of the description. */
  readonly subject: string;
  /** What went wrong, in a few words. */
  readonly problem: string;
  readonly details: Omit<Violation, 'kind' | 'violation' | 'flow' | 'at' | 'imei' | 'description'> & { readonly imei?: string };
}

/** The {@link Violation} of `report`, at time `at`, its IMEI the station's unless the report names one. */
export function violationOf(report: Report, imei: string | undefined, at: number): Violation {
  const { violation, flow, subject, problem, details } = report;
  const description = `${subject}: ${problem} — expected: ${details.expected}; received: ${details.received}`;
  return { kind: 'violation', violation, flow, imei, at, ...details, description };
}

/** `(slot 2, power bank 1234567890)`, or nothing for a message without a slot. */
function about(message: Message): string {
  return 'slot' in message ? ` (${slotAndBank(message.slot, message.powerBankId)})` : '';
}

/** What each step waits for, given what the message the flow is at says `about` its slot. */
const EXPECTED: { readonly [S in StepName]: (about: string) => string } = {
  stationLendAnswer: (about) => `the station answers CC${about} with MC.BO (lent) or MR.BF (lend failed)`,
  serverLendSuccessAck: (about) => `the server acknowledges MC.BO${about} with AM.BO`,
  serverLendFailureAck: (about) => `the server acknowledges MR.BF${about} with AR.BF`,
  serverOwnershipAnswer: (about) => `the server answers MQ${about} with RQ.T (belongs) or RQ.F (does not belong)`,
  stationReturnReport: (about) => `after RQ.T${about} the station reports MC.RO (returned) or MR.RF (return failed)`,
  serverReturnSuccessAck: (about) => `the server acknowledges MC.RO${about} with AM.RO`,
  serverReturnFailureAck: (about) => `the server acknowledges MR.RF${about} with AR.RF`,
  stationStatusAnswer: (about) => `the station answers CQ${about} with AQ`,
};

/** What a flow at `step`, whose last message was `last`, waits for, in words. */
export function expectedAt(step: StepName, last: Message): string {
  return EXPECTED[step](about(last));
}

/** What must have come before an answer for it to be expected, in words. */
const PRECEDED_BY: { readonly [T in AnswerMessage['type']]: string } = {
  LendSuccess: 'a CC lend request for that slot and power bank, not yet answered',
  LendFailure: 'a CC lend request for that slot and power bank, not yet answered',
  LendSuccessAck: 'an MC.BO from the station, not yet acknowledged',
  LendFailureAck: 'an MR.BF from the station, not yet acknowledged',
  OwnershipAnswer: 'an MQ ownership query from the station, not yet answered',
  ReturnSuccess: 'an MQ answered by RQ.T, not yet reported on',
  ReturnFailure: 'an MQ answered by RQ.T, not yet reported on',
  ReturnSuccessAck: 'an MC.RO from the station, not yet acknowledged',
  ReturnFailureAck: 'an MR.RF from the station, not yet acknowledged',
  StatusAnswer: 'a CQ status query, not yet answered',
};

/** Each outcome in words. */
const OUTCOME_WORDS: { readonly [O in Outcome]: string } = {
  lent: 'lent',
  lendFailed: 'lend failed',
  returned: 'returned',
  returnRejected: 'return rejected',
  returnFailed: 'return failed',
  statusAnswered: 'status answered',
};

/** `lent: slot 2, power bank 1234567890 (CC → MC.BO → AM.BO)`. */
export function describeOutcome(outcome: Exclude<Outcome, 'statusAnswered'>, slot: number, powerBankId: string): string {
  return `${OUTCOME_WORDS[outcome]}: ${slotAndBank(slot, powerBankId)} (${PATHS[outcome].join(' → ')})`;
}

/** `status answered: slot 1 full (1234567890) (CQ → AQ)`. */
export function describeStatusAnswered(slots: readonly SlotStatus[]): string {
  return `${OUTCOME_WORDS.statusAnswered}: ${describeSlots(slots)} (${PATHS.statusAnswered.join(' → ')})`;
}

/** `1.5 s`. */
function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** `heartbeat (CH)`, with the time since the previous one when there was one. */
export function describeHeartbeat(sincePrevious: number | undefined): string {
  return sincePrevious === undefined ? 'heartbeat (CH)' : `heartbeat (CH), ${seconds(sincePrevious)} after the previous one`;
}

function sideOf(sender: Sender): string {
  return sender === 'device' ? 'the station' : 'the server';
}

/** `message` names another IMEI than the station's. */
export function imeiMismatch(stationImei: string, message: Message): Report {
  const flow = FLOW_OF[message.type];
  return {
    violation: 'mismatch',
    flow,
    subject: flow,
    problem: 'imei mismatch',
    details: { expected: `${stationImei}, the station's IMEI`, received: `${message.imei} in ${describeMessage(message)}`, message, field: 'imei' },
  };
}

/** `message` came from `from`, the side that never sends it. */
export function wrongDirection(message: Message, from: Sender): Report {
  const flow = FLOW_OF[message.type];
  const expected = `${wireName(message.type)} only from ${sideOf(messageTypes[message.type].sender)}`;
  return { violation: 'unexpected', flow, subject: flow, problem: 'wrong direction', details: { expected, received: `${describeMessage(message)} from ${sideOf(from)}`, message } };
}

/** `message` opens a flow where one for the same slot waits at `busy` after `busyLast`. */
export function secondFlow(busy: StepName, busyLast: Message, message: Message): Report {
  const { flow } = STEPS[busy];
  return {
    violation: 'unexpected',
    flow,
    subject: flow,
    problem: `a second ${flow} for the same slot`,
    details: { expected: expectedAt(busy, busyLast), received: describeMessage(message), message },
  };
}

/** No open flow waits for `message`, nor for its side at its slot. */
export function noFlowWaiting(message: AnswerMessage): Report {
  const flow = FLOW_OF[message.type];
  return {
    violation: 'unexpected',
    flow,
    subject: flow,
    problem: `unexpected: no ${flow} is waiting for it`,
    details: { expected: `first ${PRECEDED_BY[message.type]}`, received: describeMessage(message), message },
  };
}

/** `message` came where a flow at `step` after `last` waited for another. */
export function wrongMessage(step: StepName, last: Message, message: AnswerMessage): Report {
  const { flow } = STEPS[step];
  const erratum =
    message.type === 'LendFailure' && step === 'stationReturnReport'
      ? ' (the vendor text prints MR.BF for a failed return; it is MR.RF, PROTOCOL.md section 6, erratum 2)'
      : '';
  return {
    violation: 'unexpected',
    flow,
    subject: flow,
    problem: 'wrong message',
    details: { expected: expectedAt(step, last), received: `${describeMessage(message)}${erratum}`, message },
  };
}

/** The `field` of `message` differs from that of `answered`, the message it answers. */
export function fieldMismatch(flow: FlowName, field: 'slot' | 'powerBankId', answered: Message & { readonly slot: number; readonly powerBankId: string }, message: Message & { readonly slot: number; readonly powerBankId: string }): Report {
  return {
    violation: 'mismatch',
    flow,
    subject: flow,
    problem: `${field} mismatch`,
    details: { expected: `${answered[field]}, as in ${describeMessage(answered)}`, received: `${message[field]} in ${describeMessage(message)}`, message, field },
  };
}

/** A flow at `step` after `last` waited `answerTimeout` in vain; `undecoded` frames that did not decode came meanwhile. */
export function timeout(step: StepName, last: Message, answerTimeout: number, undecoded: number): Report {
  const { flow } = STEPS[step];
  const received = undecoded === 0 ? 'nothing' : `nothing that decoded (${undecoded === 1 ? 'a frame that did not' : `${undecoded} frames that did not`}: see their decodeError)`;
  return { violation: 'timeout', flow, subject: flow, problem: `no answer within ${seconds(answerTimeout)}`, details: { expected: expectedAt(step, last), received } };
}

/** No heartbeat for `gap` ms, more than `heartbeatGap`. */
export function heartbeatGap(heartbeatGap: number, gap: number, hadHeartbeat: boolean): Report {
  const since = hadHeartbeat ? 'since the last one' : 'since the tracker started';
  return {
    violation: 'heartbeatGap',
    flow: 'heartbeat',
    subject: 'heartbeat',
    problem: 'heartbeat gap',
    details: { expected: `a heartbeat (CH) at least every ${seconds(heartbeatGap)}`, received: `nothing for ${seconds(gap)} ${since}` },
  };
}

/** The canonical form each deviation departs from, in words. */
const CANONICAL: { readonly [D in DeviationCode]: string } = {
  QUOTES: 'the body between double quotes, {"…"} (or none, in a dialect without them)',
  LINE_ENDING: 'the dialect\'s line ending after }',
  SEPARATOR: '"," between the four fields',
  LOWERCASE_CRC: 'the CRC in uppercase hex',
  MISSING_SEMICOLON: '";" after every AQ slot record, the last one included',
  UNKNOWN_STATUS: 'a slot status of FU, NF, EM or ER',
};

const DISCARDED: { readonly [K in DiscardedEvent['kind']]: string } = {
  noise: 'noise',
  truncated: 'a truncated frame',
  tooLong: 'a frame longer than the limit',
};

/** A frame or a run of bytes for a report: printable ASCII as is, the rest escaped (`\r`, `\x00`), at most 80 bytes. */
function showBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes.subarray(0, 80)) {
    if (byte >= 0x20 && byte <= 0x7e) text += String.fromCharCode(byte);
    else if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > 80 ? `${text}…` : text;
}

function frameAt(offset: number, frame: Uint8Array): string {
  return `frame at byte ${offset} ${showBytes(frame)}`;
}

/** A deviation in the frame at `offset` that decoded to `message`; `note` follows what was received. */
export function deviation(message: Message, { code, message: seen, offset: at }: Deviation, offset: number, frame: Uint8Array, note: string): Report {
  return {
    violation: 'deviation',
    flow: FLOW_OF[message.type],
    subject: frameAt(offset, frame),
    problem: code,
    details: { expected: CANONICAL[code], received: `${seen}${note}`, message, code, offset: offset + at, imei: message.imei },
  };
}

/** The deviation strict mode refused `frame` for, when it does not decode leniently either. */
export function brokenDeviation(flow: FlowName | undefined, code: DeviationCode, error: DecodeError, offset: number, frame: Uint8Array): Report {
  return {
    violation: 'deviation',
    flow,
    subject: frameAt(offset, frame),
    problem: code,
    details: { expected: CANONICAL[code], received: error.message, code, offset: offset + error.offset },
  };
}

/** The frame at `offset` did not decode, for `error`. */
export function decodeError(flow: FlowName | undefined, error: DecodeError, offset: number, frame: Uint8Array, imei: string | undefined): Report {
  return {
    violation: 'decodeError',
    flow,
    subject: frameAt(offset, frame),
    problem: `${error.code} error`,
    details: { expected: 'a frame that decodes', received: error.message, code: error.code, offset, ...(imei === undefined ? {} : { imei }) },
  };
}

/** Another line ending than the dialect's, as the splitter reported it. */
export function otherLineEnding(flow: FlowName | undefined, { offset, seen, expected }: LineEndingEvent): Report {
  return {
    violation: 'deviation',
    flow,
    subject: `line ending at byte ${offset}`,
    problem: 'LINE_ENDING',
    details: { expected: expected === '' ? 'no line ending' : JSON.stringify(expected), received: JSON.stringify(seen), code: 'LINE_ENDING', offset },
  };
}

/** No line ending at all between a frame's `}` and the next bytes, at `offset`. */
export function missingLineEnding(flow: FlowName | undefined, offset: number, lineEnding: string): Report {
  return {
    violation: 'deviation',
    flow,
    subject: `line ending at byte ${offset}`,
    problem: 'LINE_ENDING',
    details: { expected: JSON.stringify(lineEnding), received: 'nothing: the next bytes follow the } directly', code: 'LINE_ENDING', offset },
  };
}

/** A run of bytes the splitter threw away. */
export function discarded({ kind, offset, length, preview }: DiscardedEvent): Report {
  return {
    violation: 'discarded',
    flow: undefined,
    subject: `${length} bytes at byte ${offset}`,
    problem: `discarded, ${DISCARDED[kind]}`,
    details: {
      expected: 'complete frames, nothing between them but line endings',
      received: `"${showBytes(preview)}${length > preview.length ? '…' : ''}"`,
      code: kind,
      offset,
    },
  };
}

