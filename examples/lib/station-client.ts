/**
 * Puts a `StationSimulator` on a TCP connection: it connects to a server, sends the
 * station's heartbeats, answers what the server sends, and can bring lent power banks
 * back by itself after a delay, so that return flows run unattended.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { decodeStream, type DecoderItem, type Dialect, type Message } from 'powerbank-codec';
import { type StationSimulator } from 'powerbank-codec/testing';

export interface StationClientOptions {
  readonly host?: string;
  readonly port: number;
  /** The dialect the server's frames are read in (default: the canonical one, with the station's slot count). */
  readonly dialect?: Partial<Dialect>;
  /** Bring each lent power bank back this many ms after the lend (into the first empty slot). Default: never. */
  readonly returnAfter?: number;
  /** How often the station's clock ticks (heartbeats, overdue answers). Default 1,000 ms. */
  readonly tickEvery?: number;
  /** Changes (or drops, by returning `undefined`) each message before it is sent: for stations that misbehave on purpose. */
  readonly transform?: (message: Message) => Message | undefined;
  /**
   * When each message goes out, in ms after the station wrote it: `[0]` (the default) at
   * once, `[800]` held back (a late answer), `[0, 150]` twice (a station that did not get
   * the acknowledgement and repeats its report), `[]` never.
   */
  readonly schedule?: (message: Message) => readonly number[];
  /** Sees every frame the station sends and every item it decodes. */
  readonly onTraffic?: (traffic: { readonly direction: 'sent'; readonly bytes: Uint8Array } | { readonly direction: 'received'; readonly item: DecoderItem }) => void;
}

export interface StationClient {
  readonly station: StationSimulator;
  /** Someone pushes a power bank into a slot. */
  insert(slot: number, powerBankId: string): void;
  /** Sends a message as the station writes it (its dialect and deviations). */
  send(message: Message): void;
  /** Writes bytes as they are: noise, broken frames. */
  sendRaw(bytes: Uint8Array): void;
  /** Resolves when the server closes the connection (or it fails). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function connectStation(station: StationSimulator, options: StationClientOptions): Promise<StationClient> {
  const { transform = (message: Message) => message, schedule = () => [0], onTraffic } = options;
  const started = performance.now();
  const clock = () => performance.now() - started;
  const socket: Socket = connect(options.port, options.host ?? '127.0.0.1');
  socket.on('error', () => {}); // a reset ends the read loop below
  await once(socket, 'connect');
  const timers = new Set<NodeJS.Timeout>();

  const sendRaw = (bytes: Uint8Array) => {
    if (socket.destroyed) return;
    socket.write(bytes);
    onTraffic?.({ direction: 'sent', bytes });
  };
  const sendAll = (messages: readonly Message[]) => {
    for (const message of messages) {
      const sent = transform(message);
      if (sent !== undefined) for (const delay of schedule(sent)) later(delay, () => sendRaw(station.encode(sent)));
      if (message.type === 'LendSuccess' && options.returnAfter !== undefined) bringBack(message.powerBankId, message.slot);
    }
  };
  /** Runs `action` after `delay` ms (at once for 0), unless the connection closed meanwhile. */
  const later = (delay: number, action: () => void) => {
    if (delay <= 0) return action();
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delay);
    timers.add(timer);
  };
  const bringBack = (powerBankId: string, slot: number) =>
    later(options.returnAfter ?? 0, () => {
      const empty = station.emptySlots();
      const target = empty.includes(slot) ? slot : empty[0];
      if (target !== undefined) sendAll(station.insert(target, powerBankId, clock()));
    });

  const ticker = setInterval(() => sendAll(station.tick(clock())), options.tickEvery ?? 1_000);
  sendAll(station.tick(clock())); // a station says hello with its first heartbeat

  const closed = (async () => {
    try {
      for await (const item of decodeStream(socket, { from: 'server', dialect: { slotCount: station.slotCount, ...options.dialect } })) {
        onTraffic?.({ direction: 'received', item });
        if (item.kind === 'message') sendAll(station.receive(item.message, clock()));
      }
    } catch {
      // A reset ends the conversation as a close does.
    } finally {
      clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
    }
  })();

  return {
    station,
    insert: (slot, powerBankId) => sendAll(station.insert(slot, powerBankId, clock())),
    send: (message) => sendAll([message]),
    sendRaw,
    closed,
    async close() {
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref(); // in case the server never closes its side
      await closed;
    },
  };
}
