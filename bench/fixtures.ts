/**
 * The inputs every contestant gets, built once, up front, from the codec's own `encode`
 * (so every frame is valid) and checked before any timing. The traffic varies the way
 * a real fleet's does: every station has its own IMEI and power banks, so no two frames
 * of a workload are alike.
 */
import { encode, type Heartbeat, type Message, type SlotStatus, type StatusAnswer } from 'powerbank-codec';

/** The payload of one TCP segment on a 1500-byte MTU link. */
export const SEGMENT_SIZE = 1460;

/** A 15-digit IMEI with a valid Luhn check digit, for station number `n`. */
export function stationImei(n: number): string {
  const body = `86012345${String(n).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let digit = body.charCodeAt(i) - 0x30;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** The id of power bank `k` of station `n`: 10 to 12 characters, digits and capitals. */
function bankId(n: number, k: number): string {
  return `${String(n).padStart(6, '0')}${'ABCDEFGH'[k % 8]}${String(k).padStart(3 + (n % 3), '0')}`;
}

/** Station `n`'s status at time `t`: three slots whose banks come and go and charge. */
export function statusOf(n: number, t: number): StatusAnswer {
  const states = ['full', 'notFull', 'depleted'] as const;
  const slots: SlotStatus[] = [];
  for (let slot = 1; slot <= 3; slot++) {
    const turn = n + slot + t;
    if (turn % 5 === 0) continue; // empty: not listed
    if (turn % 11 === 0) slots.push({ slot, status: 'fault', code: 'ER' });
    else {
      const status = states[turn % 3]!;
      slots.push({ slot, status, code: ({ full: 'FU', notFull: 'NF', depleted: 'EM' } as const)[status], powerBankId: bankId(n, slot + t) });
    }
  }
  return { type: 'StatusAnswer', imei: stationImei(n), slots };
}

/** One heartbeat from each of `stations` stations. */
export function heartbeatsOfStations(stations: number): Heartbeat[] {
  return Array.from({ length: stations }, (_, n) => ({ type: 'Heartbeat', imei: stationImei(n) }));
}

/** One status answer from each of `stations` stations, no two alike. */
export function statusAnswersOfStations(stations: number): StatusAnswer[] {
  return Array.from({ length: stations }, (_, n) => statusOf(n, 0));
}

/**
 * What station `n` sends in its `step`-th minute of a day: mostly heartbeats, a status
 * answer now and then (changed since the last), a lend, a return (the ownership query,
 * then the report).
 */
function minuteOf(n: number, step: number): Message[] {
  const imei = stationImei(n);
  switch ((n + step) % 8) {
    case 3:
      return [statusOf(n, step)];
    case 5:
      return [{ type: 'LendSuccess', imei, slot: 1 + (step % 3), powerBankId: bankId(n, step) }];
    case 7:
      return [
        { type: 'OwnershipQuery', imei, slot: 1 + (step % 3), powerBankId: bankId(n, step + 1) },
        { type: 'ReturnSuccess', imei, slot: 1 + (step % 3), powerBankId: bankId(n, step + 1) },
      ];
    default:
      return [{ type: 'Heartbeat', imei }];
  }
}

/** The traffic of many connections, one station each, interleaved as a server receives it. */
export interface Connections {
  /** Each chunk with the connection it arrives on, in arrival order. */
  readonly chunks: ReadonlyArray<{ readonly connection: number; readonly bytes: Buffer }>;
  readonly connections: number;
  readonly frames: number;
  readonly bytes: number;
  /** How many of the frames a server must answer (reports to acknowledge, ownership queries). */
  readonly answered: number;
}

/**
 * `connections` stations, each sending `steps` minutes of traffic, round-robin. A frame
 * is a chunk of its own (stations send one at a time), but every fifth is cut in two
 * segments, as a slow GPRS link does.
 */
export function connectionTraffic(connections: number, steps: number): Connections {
  const chunks: { connection: number; bytes: Buffer }[] = [];
  let frames = 0;
  let bytes = 0;
  let answered = 0;
  for (let step = 0; step < steps; step++) {
    for (let n = 0; n < connections; n++) {
      for (const message of minuteOf(n, step)) {
        const frame = Buffer.from(encode(message));
        frames++;
        if (message.type !== 'Heartbeat' && message.type !== 'StatusAnswer') answered++;
        bytes += frame.length;
        if (frames % 5 === 0) {
          const cut = frame.length >> 1;
          chunks.push({ connection: n, bytes: frame.subarray(0, cut) }, { connection: n, bytes: frame.subarray(cut) });
        } else chunks.push({ connection: n, bytes: frame });
      }
    }
  }
  return { chunks, connections, frames, bytes, answered };
}

/** The frames of `messages`, as a Node socket hands them over: `Buffer`s, line ending included. */
export function framesOf(messages: readonly Message[]): Buffer[] {
  return messages.map((message) => Buffer.from(encode(message)));
}

/** `bytes` cut into chunks of `size` bytes, each a `Buffer` of its own as a socket delivers. */
export function chunked(bytes: Uint8Array, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(Buffer.from(bytes.subarray(start, start + size)));
  return chunks;
}

/** NMEA 0183 sentences of about the status answer's length, with valid checksums. */
export const NMEA_GGA = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';
export const NMEA_RMC = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A';
