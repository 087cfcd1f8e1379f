/**
 * A station hub and simulated stations talking in memory: each station's frames go to
 * its link, the hub's frames are decoded and handed to the station, and a
 * `ConversationTracker` per station watches both directions. No sockets, no timers.
 */
import { createDecoder, createStationHub, type HubEvent, type Message, type StationHub, type StationHubOptions, type StationLink } from 'powerbank-codec';
import { ConversationTracker, StationSimulator, type ConversationEvent, type StationSimulatorOptions } from 'powerbank-codec/testing';

export const IMEI = '860123456789014';
export const OTHER_IMEI = '860123456789022';

/** One station on one connection (a new one on `reconnect`). */
export class Wire {
  /** Every message the hub sent on this station's connections, in order. */
  readonly sent: Message[] = [];
  /** Hub messages not handed to the station yet. */
  readonly inbox: Message[] = [];
  readonly tracker = new ConversationTracker();
  readonly conversation: ConversationEvent[] = [];
  link!: StationLink;
  closes = 0;
  /** When set, the hub's messages are lost on the way (the station gets nothing). */
  deaf = false;

  constructor(
    readonly hub: StationHub,
    readonly station: StationSimulator,
    now: number,
  ) {
    this.reconnect(now);
  }

  /** A new connection for the station (the old one stays as it is). */
  reconnect(now: number): StationLink {
    const decoder = createDecoder({ from: 'server' });
    this.link = this.hub.connect(
      {
        send: (bytes) => {
          for (const item of decoder.push(bytes)) {
            if (item.kind !== 'message') throw new Error(`the hub sent a bad frame: ${item.kind}`);
            this.sent.push(item.message);
            this.conversation.push(...this.tracker.observe('server', item.message, 0));
            if (!this.deaf) this.inbox.push(item.message);
          }
        },
        close: () => void this.closes++,
      },
      now,
    );
    return this.link;
  }

  /** The station says `messages` at `now`. */
  say(messages: readonly Message[], now: number): void {
    for (const message of messages) {
      this.conversation.push(...this.tracker.observe('device', message, now));
      this.link.receive(this.station.encode(message), now);
    }
  }

  /** Hands the hub's messages to the station, and its answers back, until both are quiet. */
  pump(now: number): void {
    while (this.inbox.length > 0) {
      const message = this.inbox.shift()!;
      this.say(this.station.receive(message, now), now);
    }
  }

  /** The wire notation of what the hub sent (`CC`, `AM.BO`, …). */
  sentMoves(): string[] {
    return this.sent.map(move);
  }
}

export function move(message: Message): string {
  switch (message.type) {
    case 'LendRequest': return 'CC';
    case 'StatusQuery': return 'CQ';
    case 'OwnershipAnswer': return message.belongs ? 'RQ.T' : 'RQ.F';
    case 'LendSuccessAck': return 'AM.BO';
    case 'ReturnSuccessAck': return 'AM.RO';
    case 'LendFailureAck': return 'AR.BF';
    case 'ReturnFailureAck': return 'AR.RF';
    case 'LendSuccess': return 'MC.BO';
    case 'ReturnSuccess': return 'MC.RO';
    case 'LendFailure': return 'MR.BF';
    case 'ReturnFailure': return 'MR.RF';
    case 'OwnershipQuery': return 'MQ';
    case 'StatusAnswer': return 'AQ';
    case 'Heartbeat': return 'CH';
  }
}

/** A hub that records its events, and hands each to `react` (set it with `reactWith`) once recorded. */
export function recordingHub(options: Partial<StationHubOptions> = {}): {
  hub: StationHub;
  events: HubEvent[];
  types: () => string[];
  reactWith: (react: (event: HubEvent) => void) => void;
} {
  const events: HubEvent[] = [];
  let react: (event: HubEvent) => void = () => {};
  const hub = createStationHub({
    ownership: () => true,
    hubId: 'h',
    ...options,
    onEvent: (event) => {
      events.push(event);
      react(event);
    },
  });
  return { hub, events, types: () => events.map((event) => event.type), reactWith: (reaction) => void (react = reaction) };
}

/** A hub, and one station connected to it that has said hello (a heartbeat at `now`). */
export function online(
  options: Partial<StationHubOptions> = {},
  station: Partial<StationSimulatorOptions> = {},
  now = 0,
): ReturnType<typeof recordingHub> & { wire: Wire; station: StationSimulator } {
  const recorded = recordingHub(options);
  const simulator = new StationSimulator({ imei: IMEI, banks: [{ slot: 1, powerBankId: 'A1' }, { slot: 2, powerBankId: '1234567890' }], ...station });
  const wire = new Wire(recorded.hub, simulator, now);
  wire.say(simulator.tick(now), now);
  return { ...recorded, wire, station: simulator };
}

/** Lets the microtasks run (promises settled by the hub, ownership checks). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
