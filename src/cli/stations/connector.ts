/**
 * Opens TCP connections at a steady rate: at most `rate` new connections a second (a
 * token bucket refilled every few milliseconds, holding at most 20 ms worth of tokens),
 * and at most `maxPending` handshakes in flight at a time, so that thousands of stations
 * (or their reconnections after a server restart) never arrive as one burst of SYNs
 * that overflows the server's listen backlog.
 *
 * @module
 */

import { connect, type Socket } from 'node:net';

/** Where to connect, and how fast. */
export interface ConnectorOptions {
  readonly host: string;
  readonly port: number;
  /** New connections per second. */
  readonly rate: number;
  /** Handshakes in flight at most. */
  readonly maxPending: number;
  /** A handshake that takes longer fails with `ETIMEDOUT`, in milliseconds. */
  readonly connectTimeout: number;
}

/** What becomes of each connection attempt. */
export interface ConnectorCallbacks<T> {
  connected(target: T, socket: Socket): void;
  failed(target: T, error: NodeJS.ErrnoException): void;
}

/** How often the bucket is refilled, in milliseconds. */
const REFILL_MS = 10;
/** The bucket holds this many milliseconds worth of tokens: the largest burst. */
const BURST_MS = 20;

/** A queue of connection attempts, opened at a steady rate. */
export class Connector<T> {
  private readonly queue: T[] = [];
  private head = 0;
  private tokens = 1;
  private refilledAt = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Sockets still in their handshake, and the timer that ends a handshake that takes too long. */
  private readonly pending = new Map<Socket, NodeJS.Timeout>();

  constructor(
    private readonly options: ConnectorOptions,
    private readonly callbacks: ConnectorCallbacks<T>,
  ) {}

  /** Connects for `target` once the rate allows. */
  enqueue(target: T): void {
    if (this.stopped) return;
    this.queue.push(target);
    this.pump();
  }

  /** Attempts waiting for their turn. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Drops the queue and every handshake in flight. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.queue.length = this.head = 0;
    for (const [socket, timer] of this.pending) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.pending.clear();
  }

  private pump(): void {
    if (this.timer !== undefined || this.stopped) return;
    const now = performance.now();
    const { rate, maxPending } = this.options;
    this.tokens = Math.min(Math.max(1, (rate * BURST_MS) / 1000), this.tokens + ((now - this.refilledAt) * rate) / 1000);
    this.refilledAt = now;
    while (this.queued > 0 && this.tokens >= 1 && this.pending.size < maxPending) {
      this.tokens--;
      this.open(this.queue[this.head++]!);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.queued > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, REFILL_MS);
    }
  }

  private open(target: T): void {
    const socket = connect({ host: this.options.host, port: this.options.port });
    const settle = () => {
      clearTimeout(timer);
      this.pending.delete(socket);
      socket.removeListener('error', onError);
      this.pump();
    };
    const onError = (error: NodeJS.ErrnoException) => {
      settle();
      socket.destroy();
      this.callbacks.failed(target, error);
    };
    const timer = setTimeout(() => {
      const error: NodeJS.ErrnoException = new Error(`no answer to the connection request within ${this.options.connectTimeout / 1000} s`);
      error.code = 'ETIMEDOUT';
      onError(error);
    }, this.options.connectTimeout);
    this.pending.set(socket, timer);
    socket.once('error', onError);
    socket.once('connect', () => {
      settle();
      this.callbacks.connected(target, socket);
    });
  }
}
