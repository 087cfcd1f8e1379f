/**
 * The inputs every contestant gets: the two single frames, the messages they carry, the
 * 10 MB mixed stream cut into TCP-segment-sized chunks, and the peers' inputs of similar
 * size. Everything is built once, up front, from the codec's own `encode` (so every frame
 * is valid) and checked before any timing.
 */
import { encode, type Heartbeat, type Message, type StatusAnswer } from 'powerbank-codec';

/** The payload of one TCP segment on a 1500-byte MTU link. */
export const SEGMENT_SIZE = 1460;
/** The size of the mixed stream. */
export const STREAM_SIZE = 10_000_000;

export const HEARTBEAT: Heartbeat = { type: 'Heartbeat', imei: '860123456789014' };
export const STATUS_ANSWER: StatusAnswer = {
  type: 'StatusAnswer',
  imei: '860123456789014',
  slots: [
    { slot: 1, status: 'full', code: 'FU', powerBankId: '1234567890' },
    { slot: 2, status: 'notFull', code: 'NF', powerBankId: '123456789012' },
    { slot: 3, status: 'fault', code: 'ER' },
  ],
};

/** The frames as a Node socket hands them over: `Buffer`s, line ending included. */
export const HEARTBEAT_FRAME = Buffer.from(encode(HEARTBEAT));
export const STATUS_ANSWER_FRAME = Buffer.from(encode(STATUS_ANSWER));

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

/**
 * The frames `stations` stations send, in arrival order: per station a heartbeat, a
 * status answer, a heartbeat and a lend success (a minute of a station's life, with one
 * lend), round-robin over the stations.
 */
export function mixedMessages(stations: number): Message[] {
  const messages: Message[] = [];
  for (let round = 0; round < 4; round++) {
    for (let n = 0; n < stations; n++) {
      const imei = stationImei(n);
      const bank = `${String(n).padStart(6, '0')}A`;
      if (round % 2 === 0) messages.push({ type: 'Heartbeat', imei });
      else if (round === 1) {
        messages.push({
          type: 'StatusAnswer',
          imei,
          slots: [
            { slot: 1, status: 'full', code: 'FU', powerBankId: `${bank}1` },
            { slot: 2, status: 'notFull', code: 'NF', powerBankId: `${bank}22` },
            { slot: 3, status: 'fault', code: 'ER' },
          ],
        });
      } else messages.push({ type: 'LendSuccess', imei, slot: 1, powerBankId: `${bank}1` });
    }
  }
  return messages;
}

/** The frames of `mixedMessages(stations)` repeated up to `size` bytes (whole frames only), as one buffer. */
export function mixedStream(size: number, stations: number): { bytes: Buffer; frames: number } {
  const frames = mixedMessages(stations).map((message) => encode(message));
  const bytes = Buffer.alloc(size);
  let length = 0;
  let count = 0;
  for (let i = 0; length + frames[i % frames.length]!.length <= size; i++) {
    const frame = frames[i % frames.length]!;
    bytes.set(frame, length);
    length += frame.length;
    count++;
  }
  return { bytes: bytes.subarray(0, length), frames: count };
}

/** One status answer from each of `stations` stations: different IMEIs and power-bank ids. */
export function statusAnswersOfStations(stations: number): Buffer[] {
  return mixedMessages(stations)
    .filter((message) => message.type === 'StatusAnswer')
    .map((message) => Buffer.from(encode(message)));
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
