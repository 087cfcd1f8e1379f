/**
 * A station and a server talking in memory: a `StationSimulator` on one side, `replyTo`
 * on the other, and a `ConversationTracker` watching both. No sockets, no timers.
 */
import { replyTo, type Message, type OwnershipPolicy, type Sender } from 'powerbank-codec';
import { ConversationTracker, StationSimulator, type ConversationEvent, type Violation } from 'powerbank-codec/testing';

export interface Exchange {
  readonly from: Sender;
  readonly message: Message;
  readonly at: number;
}

export class Conversation {
  readonly transcript: Exchange[] = [];
  readonly events: ConversationEvent[] = [];

  constructor(
    readonly station: StationSimulator,
    readonly policy: OwnershipPolicy = { belongs: () => true },
    readonly tracker: ConversationTracker = new ConversationTracker(),
  ) {}

  /** The server sends `message`; the station answers, the server replies, and so on. */
  server(message: Message, now: number): void {
    this.transcript.push({ from: 'server', message, at: now });
    this.events.push(...this.tracker.observe('server', message, now));
    for (const answer of this.station.receive(message, now)) this.device(answer, now);
  }

  device(message: Message, now: number): void {
    this.transcript.push({ from: 'device', message, at: now });
    this.events.push(...this.tracker.observe('device', message, now));
    const reply = replyTo(message, this.policy);
    if (reply !== undefined) this.server(reply, now);
  }

  lend(slot: number, powerBankId: string, now: number): void {
    this.server({ type: 'LendRequest', imei: this.station.imei, slot, powerBankId }, now);
  }

  queryStatus(now: number): void {
    this.server({ type: 'StatusQuery', imei: this.station.imei }, now);
  }

  insert(slot: number, powerBankId: string, now: number): void {
    for (const message of this.station.insert(slot, powerBankId, now)) this.device(message, now);
  }

  tick(now: number): void {
    this.events.push(...this.tracker.tick(now));
    for (const message of this.station.tick(now)) this.device(message, now);
  }

  /** The message types of the transcript, in order. */
  types(): string[] {
    return this.transcript.map(({ message }) => message.type);
  }

  violations(): Violation[] {
    return this.events.filter((event): event is Violation => event.kind === 'violation');
  }

  kinds(): string[] {
    return this.events.map((event) => event.kind);
  }
}
