/**
 * One simulated station of the fleet on its TCP connections: a `StationSimulator` that
 * says hello with a heartbeat, keeps its heartbeats, answers the server's status queries
 * and lends, takes power banks back on a schedule (`MQ`, then `MC.RO` or `MR.RF` after
 * `RQ.T`), and checks everything the server sends: each frame (does it decode, is it
 * canonical), each answer (does it answer a request of the station, with its slot and
 * power bank, in time). What it finds goes into the fleet's `Findings`.
 *
 * @module
 */

import type { Socket } from 'node:net';
import { createDecoder, decode, type DecoderItem, type DeviationCode, type Dialect, type Message, type StreamDecoder } from '../../index.js';
import { describeMessage, StationSimulator } from '../../testing.js';
import { FrameChecks } from '../../flows/frameChecks.js';
import { fieldMismatch, noFlowWaiting, timeout, violationOf, type Report } from '../../flows/prose.js';
import { FLOW_OF, moveOf, type AnswerMessage } from '../../flows/steps.js';
import { RIGHT_BRACE } from '../../frame/layout.js';
import { escaped } from '../format.js';
import type { Findings, ProblemKind } from './findings.js';
import { bankId, foreignBankId } from './identity.js';
import { PendingRequests, requestOf } from './requests.js';

/** How every station of the fleet behaves. Times in milliseconds. */
export interface StationSettings {
  readonly dialect: Partial<Dialect>;
  readonly slotCount: number;
  readonly seed: number;
  readonly heartbeat: number;
  /** Time between two returns of one station; 0: none. */
  readonly returnEvery: number;
  /** How long a station waits for each answer. */
  readonly answerTimeout: number;
  readonly lendFailureRate: number;
  readonly returnFailureRate: number;
  readonly deviations: readonly DeviationCode[];
}

/** What the stations of a fleet share. */
export interface FleetContext {
  readonly findings: Findings;
  readonly settings: StationSettings;
  /** Power banks that stations of the fleet lent, now with customers: the first to come back. */
  readonly lentBanks: string[];
  /** The fleet's clock: milliseconds since the run began. */
  clock(): number;
  /** The server closed `station`'s connection, `lasted` ms after it opened. */
  dropped(station: FleetStation, now: number, lasted: number): void;
}

/** The largest slot number a frame can carry: a frame naming a slot up to it that the station lacks is read as such. */
const WIDEST_SLOT_COUNT = 999;

/** The bytes of an item as the report shows them: a frame, or the first bytes of a discarded run. */
function frameText(item: DecoderItem): string | undefined {
  if (item.kind === 'message' || item.kind === 'error') return escaped(item.frame);
  return item.kind === 'lineEnding' ? undefined : escaped(item.preview);
}

/** A frame the station wrote, as the report shows it: without its line ending, as frames received are shown. */
function sentFrameText(frame: Uint8Array): string {
  return escaped(frame.subarray(0, frame.lastIndexOf(RIGHT_BRACE) + 1));
}

/** The problem a frame check's report is. */
function problemOf(report: Report): ProblemKind {
  if (report.violation === 'deviation') return 'nonCanonical';
  if (report.details.code === 'DIRECTION') return 'unexpected';
  return 'undecodable';
}

/** One station: its simulator, its current connection, its requests waiting for an answer. */
export class FleetStation {
  readonly simulator: StationSimulator;
  /** Requests sent, waiting for their answer. */
  private readonly requests = new PendingRequests();
  private socket: Socket | undefined;
  private decoder: StreamDecoder | undefined;
  private frames: FrameChecks | undefined;
  private openedAt = 0;
  private resetBy: string | undefined;
  private foreignBanks = 0;
  /** When the next return is due; set when the station first connects. */
  private nextReturn = Infinity;
  /** Set when the fleet closes the connection itself: its close is no drop. */
  private closing = false;
  /** Connection failures and drops in a row, for the reconnect delay. */
  failuresInARow = 0;
  /** When to connect again after a drop or a failed attempt; `undefined`: not waiting to. */
  reconnectAt: number | undefined;

  constructor(
    readonly imei: string,
    index: number,
    private readonly fleet: FleetContext,
    /** How long after its first connection the station takes its first power bank back. */
    private readonly firstReturn: number,
  ) {
    const { settings } = fleet;
    const banks = Array.from({ length: settings.slotCount - 1 }, (_, slot) => ({ slot: slot + 1, powerBankId: bankId(imei, slot + 1) }));
    this.simulator = new StationSimulator({
      imei,
      banks,
      seed: settings.seed + index,
      dialect: settings.dialect,
      heartbeatInterval: settings.heartbeat,
      answerTimeout: settings.answerTimeout,
      lendFailureRate: settings.lendFailureRate,
      returnFailureRate: settings.returnFailureRate,
      deviations: settings.deviations,
    });
  }

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  /** The number of requests waiting for their answer. */
  get waitingCount(): number {
    return this.requests.count;
  }

  /** A new connection, just established: hello, then the requests the last one left unanswered. */
  attach(socket: Socket, now: number): void {
    const dialect = this.fleet.settings.dialect;
    this.socket = socket;
    this.decoder = createDecoder({ from: 'server', dialect });
    this.frames = new FrameChecks(dialect);
    this.openedAt = now;
    this.resetBy = undefined;
    this.reconnectAt = undefined;
    if (this.nextReturn === Infinity) this.nextReturn = now + this.firstReturn;
    this.fleet.findings.connected();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Uint8Array) => this.receive(chunk, this.fleet.clock()));
    socket.on('error', (error: NodeJS.ErrnoException) => (this.resetBy = error.code ?? error.message));
    socket.on('close', () => this.detached(this.fleet.clock()));
    const hello = this.simulator.tick(now);
    this.send(hello.length > 0 ? hello : [{ type: 'Heartbeat', imei: this.imei }], now);
    for (const request of this.requests.resend(now)) {
      this.write(request.frame);
      this.fleet.findings.resent++;
    }
  }

  /** Time passes: heartbeats, returns when `returns` allows them, requests that waited too long. */
  tick(now: number, returns: boolean): void {
    if (this.socket === undefined) return;
    this.expire(now);
    this.send(this.simulator.tick(now), now);
    const { returnEvery } = this.fleet.settings;
    if (returns && returnEvery > 0 && now >= this.nextReturn) {
      // On schedule; after a time offline, the returns missed meanwhile are not made up.
      this.nextReturn = Math.max(this.nextReturn + returnEvery, now + returnEvery / 2);
      this.startReturn(now);
    }
  }

  /** Closes the connection at the end of the run. */
  close(): void {
    this.closing = true;
    this.reconnectAt = undefined;
    this.socket?.end();
  }

  /** Forgets the connection at once (the fleet is done with it). */
  destroy(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  /**
   * Requests still waiting at the end of the run: given up on now (older than the answer
   * timeout) or cut short; on a connection the server closed, part of that drop.
   */
  settle(now: number): void {
    if (this.socket !== undefined) this.expire(now);
    const left = this.requests.clear();
    if (this.socket !== undefined) this.fleet.findings.cutShort += left;
  }

  private receive(chunk: Uint8Array, now: number): void {
    this.fleet.findings.bytesReceived += chunk.length;
    for (const item of this.decoder!.push(chunk)) this.item(item, now);
  }

  private item(item: DecoderItem, now: number): void {
    if (item.kind === 'message' || item.kind === 'error') this.fleet.findings.framesReceived++;
    const beyond = item.kind === 'error' ? this.beyondSlots(item.frame) : undefined;
    if (beyond !== undefined) return this.message(beyond, now, frameText(item));
    const { reports, message } = this.frames!.check('server', item);
    for (const report of reports) this.problem(problemOf(report), violationOf(report, this.imei, now).description, now, frameText(item));
    if (message !== undefined) this.message(message, now, frameText(item));
  }

  /** The message of `frame`, which did not decode, if it decodes but for naming a slot beyond the station's. */
  private beyondSlots(frame: Uint8Array): Message | undefined {
    const wide = decode(frame, { from: 'server', dialect: { ...this.fleet.settings.dialect, slotCount: WIDEST_SLOT_COUNT } });
    return wide.ok && 'slot' in wide.message && wide.message.slot > this.simulator.slotCount ? wide.message : undefined;
  }

  /** A message from the server: counted, checked, answered. */
  private message(message: Message, now: number, frame: string | undefined): void {
    this.fleet.findings.countReceived(moveOf(message));
    if (message.imei !== this.imei) {
      this.problem('wrongImei', `${describeMessage(message)} for station ${message.imei}, on the connection of station ${this.imei}`, now, frame);
    } else if (message.type === 'LendRequest' && message.slot > this.simulator.slotCount) {
      // The station cannot read it (its firmware knows its slots): it does not answer.
      this.problem('unknownSlot', `${describeMessage(message)}: the station has ${this.simulator.slotCount} slots`, now, frame);
    } else {
      if (message.type !== 'StatusQuery' && message.type !== 'LendRequest') this.answered(message as AnswerMessage, now, frame);
      this.send(this.simulator.receive(message, now), now);
    }
  }

  /** Matches `answer` to the request it answers; times it, and checks its slot and power bank. */
  private answered(answer: AnswerMessage, now: number, frame: string | undefined): void {
    const { findings } = this.fleet;
    const match = this.requests.match(answer);
    if (match === undefined) return this.problem('unexpected', violationOf(noFlowWaiting(answer), this.imei, now).description, now, frame);
    const { request, late } = match;
    if (late) return void findings.requests[request.kind].late++;
    findings.answered(request.kind, now - request.sentAt);
    if (!('slot' in answer)) return;
    const flow = FLOW_OF[answer.type];
    for (const field of ['slot', 'powerBankId'] as const) {
      if (answer[field] === request.message[field]) continue;
      this.problem(field === 'slot' ? 'wrongSlot' : 'wrongPowerBank', violationOf(fieldMismatch(flow, field, request.message, answer), this.imei, now).description, now, frame);
    }
  }

  /** Gives up on the requests that waited longer than the answer timeout. */
  private expire(now: number): void {
    const { answerTimeout } = this.fleet.settings;
    for (const request of this.requests.expire(now, answerTimeout)) {
      const at = request.sentAt + answerTimeout;
      this.problem('unanswered', violationOf(timeout(request.step, request.message, answerTimeout, 0), this.imei, at).description, at, sentFrameText(request.frame));
    }
  }

  /** Someone brings a power bank back: one lent by the fleet if any, else one from elsewhere. */
  private startReturn(now: number): void {
    const [slot] = this.simulator.emptySlots();
    if (slot === undefined) {
      this.fleet.findings.returnsSkipped++;
      return;
    }
    const powerBankId = this.fleet.lentBanks.shift() ?? foreignBankId(this.imei, ++this.foreignBanks);
    this.send(this.simulator.insert(slot, powerBankId, now), now);
  }

  private send(messages: readonly Message[], now: number): void {
    const { findings } = this.fleet;
    for (const message of messages) {
      const frame = this.simulator.encode(message);
      this.write(frame);
      findings.countSent(moveOf(message), frame.length);
      const request = requestOf(message, frame, now);
      if (request !== undefined) {
        this.requests.add(request);
        findings.requests[request.kind].sent++;
      }
      if (message.type === 'LendSuccess') this.fleet.lentBanks.push(message.powerBankId);
    }
  }

  private write(frame: Uint8Array): void {
    this.socket?.write(frame);
  }

  private problem(kind: ProblemKind, description: string, at: number, frame: string | undefined): void {
    this.fleet.findings.problem(kind, { imei: this.imei, at, description, ...(frame === undefined ? {} : { frame }) });
  }

  /** The connection closed: a drop unless the fleet closed it. */
  private detached(now: number): void {
    const socket = this.socket;
    if (socket === undefined) return;
    for (const item of this.decoder!.end()) this.item(item, now);
    this.socket = undefined;
    this.fleet.findings.connections.open--;
    if (this.closing) return;
    const how = this.resetBy === undefined ? 'closed the connection' : `reset the connection (${this.resetBy})`;
    const count = this.requests.count;
    const waiting = count === 0 ? '' : `; ${count === 1 ? 'a request was' : `${count} requests were`} waiting for an answer`;
    this.problem('dropped', `the server ${how} ${((now - this.openedAt) / 1000).toFixed(1)} s after it opened${waiting}`, now, undefined);
    this.fleet.dropped(this, now, now - this.openedAt);
  }
}
