/**
 * A back end for power-bank stations over TCP, built from the library's pieces:
 * `decodeStream` reads each connection, `replyTo` answers what the protocol says must be
 * answered, and a `ConversationTracker` per connection follows every flow. What it sees
 * and does is handed to a listener as it happens, to print or to test.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  decodeStream,
  encode,
  replyTo,
  type DecoderItem,
  type Message,
  type OwnershipPolicy,
  type StreamDecoderOptions,
} from 'powerbank-codec';
import { ConversationTracker, type ConversationEvent } from 'powerbank-codec/testing';

/** One connected station. `imei` is known from its first frame on. */
export interface StationConnection {
  readonly id: number;
  /** `host:port` of the station. */
  readonly remote: string;
  imei: string | undefined;
  readonly tracker: ConversationTracker;
  /** Encodes `message`, writes it, and shows it to the tracker. */
  send(message: Message): void;
}

/** What the server saw or did, in order. */
export type ServerEntry =
  | { readonly kind: 'connected'; readonly connection: StationConnection }
  | { readonly kind: 'received'; readonly connection: StationConnection; readonly item: DecoderItem }
  | { readonly kind: 'sent'; readonly connection: StationConnection; readonly message: Message; readonly bytes: Uint8Array }
  | { readonly kind: 'event'; readonly connection: StationConnection; readonly event: ConversationEvent }
  | { readonly kind: 'closed'; readonly connection: StationConnection };

export interface StationServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Whether an inserted power bank belongs to the system. */
  readonly policy: OwnershipPolicy;
  /** How frames are decoded (default lenient, from the device). */
  readonly decoding?: StreamDecoderOptions;
  /** How long a flow may wait for its next message (default 30 s). */
  readonly answerTimeout?: number;
}

export interface StationServer {
  readonly host: string;
  readonly port: number;
  /** Calls `listener` with every entry from now on; returns a function that stops it. */
  listen(listener: (entry: ServerEntry) => void): () => void;
  /** The connection of the station with this IMEI, once it has sent a frame. */
  station(imei: string): StationConnection | undefined;
  /** Every open connection. */
  connections(): StationConnection[];
  /** Resolves with the first entry, from now on, that `accept` returns true for; rejects after `timeout` ms. */
  waitFor(accept: (entry: ServerEntry) => boolean, timeout: number, what: string): Promise<ServerEntry>;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export async function startServer(options: StationServerOptions): Promise<StationServer> {
  const { policy, decoding = {}, answerTimeout = 30_000 } = options;
  const started = performance.now();
  const clock = () => performance.now() - started;
  const listeners = new Set<(entry: ServerEntry) => void>();
  const sockets = new Map<StationConnection, Socket>();
  let nextId = 1;

  const emit = (entry: ServerEntry) => {
    for (const listener of listeners) listener(entry);
  };
  const report = (connection: StationConnection, events: readonly ConversationEvent[]) => {
    for (const event of events) emit({ kind: 'event', connection, event });
  };

  // Steps still waiting for an answer are reported when they time out, even if the
  // station says nothing more.
  const ticker = setInterval(() => {
    for (const connection of sockets.keys()) report(connection, connection.tracker.tick(clock()));
  }, 250);
  ticker.unref();

  async function serve(socket: Socket): Promise<void> {
    socket.on('error', () => {}); // a reset ends the loop below; nothing else to do
    const connection: StationConnection = {
      id: nextId++,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      imei: undefined,
      tracker: new ConversationTracker({ answerTimeout, ...(decoding.dialect === undefined ? {} : { dialect: decoding.dialect }) }),
      send(message) {
        const bytes = encode(message, decoding.dialect === undefined ? {} : { dialect: decoding.dialect });
        socket.write(bytes);
        emit({ kind: 'sent', connection, message, bytes });
        report(connection, connection.tracker.observe('server', message, clock()));
      },
    };
    sockets.set(connection, socket);
    emit({ kind: 'connected', connection });
    try {
      for await (const item of decodeStream(socket, { from: 'device', ...decoding })) {
        if (item.kind === 'message') connection.imei ??= item.message.imei;
        emit({ kind: 'received', connection, item });
        report(connection, connection.tracker.observeItem('device', item, clock()));
        if (item.kind === 'message') {
          const reply = replyTo(item.message, policy);
          if (reply !== undefined) connection.send(reply);
        }
      }
    } catch {
      // A connection reset ends the conversation as a close does.
    } finally {
      sockets.delete(connection);
      emit({ kind: 'closed', connection });
    }
  }

  const server: Server = createServer((socket) => void serve(socket));
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;

  const listen = (listener: (entry: ServerEntry) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    host: address.address,
    port: address.port,
    listen,
    station(imei) {
      for (const connection of sockets.keys()) if (connection.imei === imei) return connection;
      return undefined;
    },
    connections: () => [...sockets.keys()],
    waitFor(accept, timeout, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`timed out after ${timeout} ms waiting for ${what}`));
        }, timeout);
        const stop = listen((entry) => {
          if (!accept(entry)) return;
          clearTimeout(timer);
          stop();
          resolve(entry);
        });
      });
    },
    async close() {
      clearInterval(ticker);
      for (const socket of sockets.values()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
