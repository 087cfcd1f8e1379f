/**
 * powerbank-codec/testing: tools for testing a server or a station without the other
 * side. `StationSimulator` is a station without hardware (slots, power banks, injected
 * failures, deviant and broken frames); `ConversationTracker` follows both directions
 * of a conversation through the flows of PROTOCOL.md section 5 and reports every
 * departure; `describeMessage` puts a message in words for a log.
 *
 * @example
 * ```ts
 * import { ConversationTracker, StationSimulator } from 'powerbank-codec/testing';
 *
 * const imei = '860123456789014';
 * const station = new StationSimulator({ imei, banks: [{ slot: 2, powerBankId: '1234567890' }] });
 * const tracker = new ConversationTracker();
 * const request = { type: 'LendRequest', imei, slot: 2, powerBankId: '1234567890' } as const;
 * tracker.observe('server', request, 0);
 * for (const answer of station.receive(request, 10)) tracker.observe('device', answer, 10);
 * tracker.openFlows(); // [{ flow: 'lend', expected: 'the server acknowledges MC.BO (slot 2, power bank 1234567890) with AM.BO', … }]
 * ```
 *
 * @module powerbank-codec/testing
 */

export { describeMessage } from './flows/describe.js';
export type { FlowName } from './flows/steps.js';
export type { MalformedFrameKind } from './flows/frames.js';
export { StationSimulator } from './flows/simulator.js';
export type { ChargeState, SimulatedBank, StationSimulatorOptions } from './flows/stationOptions.js';
export { ConversationTracker, type ConversationTrackerOptions } from './flows/tracker.js';
export type {
  ConversationEvent,
  FlowCompleted,
  FlowStep,
  HeartbeatReceived,
  OpenFlow,
  StatusAnswered,
  Violation,
  ViolationKind,
} from './flows/events.js';
