/**
 * The workloads of the hardening issue: options written fresh on every call against the
 * same options kept in a variable, and a connection's decoder fed hostile bytes.
 */
import { do_not_optimize } from 'mitata';
import { createDecoder, decode, encode } from 'powerbank-codec';
import { framesOf, heartbeatsOfStations } from './fixtures.js';
import type { Case } from './measure.js';
import type { Target } from './targets.js';

const HOSTILE_CHUNK = 64 * 1024;

/** Heartbeats of 1,000 stations: each options case decodes or encodes all of them. */
const HEARTBEATS = heartbeatsOfStations(1000);
const HEARTBEAT_FRAMES = framesOf(HEARTBEATS);
const HEARTBEAT_BYTES = HEARTBEAT_FRAMES.reduce((sum, frame) => sum + frame.length, 0);

function overHeartbeats(id: string, label: string, run: (index: number) => unknown): Case {
  return {
    id,
    label,
    units: HEARTBEATS.length,
    bytes: HEARTBEAT_BYTES,
    run: () => {
      for (let i = 0; i < HEARTBEATS.length; i++) do_not_optimize(run(i));
    },
  };
}

const keptDecodeOptions = { from: 'device' } as const;
const keptEncodeOptions = { dialect: { slotCount: 3 } };
const keptStreamOptions = { from: 'device' } as const;

export const OPTIONS_CASES: readonly Case[] = [
  overHeartbeats('options.decode.fresh', "decode, fresh options { from: 'device' }", (i) => decode(HEARTBEAT_FRAMES[i]!, { from: 'device' })),
  overHeartbeats('options.decode.kept', 'decode, the same options object', (i) => decode(HEARTBEAT_FRAMES[i]!, keptDecodeOptions)),
  overHeartbeats('options.encode.fresh', 'encode, fresh options { dialect: { slotCount: 3 } }', (i) => encode(HEARTBEATS[i]!, { dialect: { slotCount: 3 } })),
  overHeartbeats('options.encode.kept', 'encode, the same options object', (i) => encode(HEARTBEATS[i]!, keptEncodeOptions)),
  overHeartbeats('options.createDecoder.fresh', 'createDecoder + a heartbeat, fresh options', (i) => createDecoder({ from: 'device' }).push(HEARTBEAT_FRAMES[i]!)),
  overHeartbeats('options.createDecoder.kept', 'createDecoder + a heartbeat, the same options', (i) => createDecoder(keptStreamOptions).push(HEARTBEAT_FRAMES[i]!)),
];

/** 64 KB of `pattern` repeated. */
function repeat(pattern: string): Uint8Array {
  return new TextEncoder().encode(pattern.repeat(Math.ceil(HOSTILE_CHUNK / pattern.length)).slice(0, HOSTILE_CHUNK));
}

/** 64 KB of bytes from a fixed linear congruential generator: the same "random" bytes every run. */
function randomBytes(): Uint8Array {
  let seed = 1;
  return Uint8Array.from({ length: HOSTILE_CHUNK }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 23);
}

/** Hostile inputs: the patterns of the hardening issue, and frame-shaped garbage. */
export const HOSTILE_INPUTS: ReadonlyArray<readonly [name: string, bytes: Uint8Array]> = [
  ['{', repeat('{')],
  ['{}', repeat('{}')],
  ['{"', repeat('{"')],
  ['"}', repeat('"}')],
  ['x\\n', repeat('x\n')],
  ['\\r\\n', repeat('\r\n')],
  ['{"IMEI,', repeat('{"860123456789014,')],
  ['{x}\\n', repeat('{x}\n')],
  ['bad CRC', repeat('{"860123456789014,CH,,0000"}\r\n')],
  ['random', randomBytes()],
];

/** A connection's decoder fed one 64 KB chunk of `bytes`, every item looked at, then ended. */
function feed(bytes: Uint8Array): number {
  const decoder = createDecoder();
  let items = 0;
  for (const item of decoder.push(bytes)) items += item.length > 0 ? 1 : 0;
  return items + decoder.end().length;
}

/** How many items 64 KB of each hostile input makes, for the report. */
export function hostileItemCounts(): ReadonlyArray<readonly [string, number]> {
  return HOSTILE_INPUTS.map(([name, bytes]) => [name, feed(bytes)] as const);
}

export const HOSTILE_CASES: readonly Case[] = HOSTILE_INPUTS.map(([name, bytes]) => ({
  id: `hostile.${name}`,
  label: `hostile 64 KB: ${name} repeated`.replace('random repeated', 'random bytes'),
  units: 1,
  bytes: bytes.length,
  run: () => feed(bytes),
}));

export const HARDENING_TARGETS: readonly Target[] = [
  { label: 'decode: fresh options vs kept, time', ours: 'options.decode.fresh', theirs: 'options.decode.kept', metric: 'nsPerUnit', atMost: 1.3 },
  { label: 'encode: fresh options vs kept, time', ours: 'options.encode.fresh', theirs: 'options.encode.kept', metric: 'nsPerUnit', atMost: 1.3 },
  { label: 'createDecoder: fresh options vs kept, time', ours: 'options.createDecoder.fresh', theirs: 'options.createDecoder.kept', metric: 'nsPerUnit', atMost: 1.3 },
  ...HOSTILE_INPUTS.map(([name]): Target => ({
    label: `hostile ${name} vs valid traffic, time per byte`,
    ours: `hostile.${name}`,
    theirs: 'stream.connections',
    metric: 'nsPerByte',
    atMost: 10,
  })),
];
