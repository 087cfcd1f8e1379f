/**
 * `npm run bench`: the codec against the hand-written baseline, two well-known parsers
 * and the floors, side by side in one process, then the targets as ratios of that run.
 * `npm run bench -- --check` exits 1 when a target fails.
 *
 * It times the built package (`dist/`), as a user gets it: `npm run bench` builds first,
 * and runs this file with `bench/tsconfig.json`, which does not map `powerbank-codec` to
 * `src/`.
 */
import { deepStrictEqual, strictEqual } from 'node:assert';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { do_not_optimize } from 'mitata';
import { createDecoder, decode, encode, FrameSplitter } from 'powerbank-codec';
import { baselineDecode, baselineEncodeHeartbeat, baselineEncodeStatusAnswer, createBaselineDecoder } from './baseline.js';
import {
  chunked,
  HEARTBEAT,
  HEARTBEAT_FRAME,
  mixedStream,
  NMEA_GGA,
  NMEA_RMC,
  SEGMENT_SIZE,
  STATUS_ANSWER,
  STATUS_ANSWER_FRAME,
  STREAM_SIZE,
  statusAnswersOfStations,
} from './fixtures.js';
import { floorCrc16Modbus, floorScanForBrace } from './floors.js';
import { bytesAllocatedPerCall, collectGarbage, timeCases, type Case, type Timing } from './measure.js';
import { createMqttParser, MQTT_PACKET_SIZE, mqttPublishBuffer, parseNmeaSentence } from './peers.js';
import { checkTargets, TARGETS } from './targets.js';
import { HARDENING_TARGETS, HOSTILE_CASES, hostileItemCounts, OPTIONS_CASES } from './hardening.js';
import { formatAllocations, formatDeployment, formatTable, formatTargets } from './report.js';

const check = process.argv.includes('--check');
/** `--only=decode,floor`: time only the cases whose id contains one of these words (no targets then). */
const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length).split(',');
const ROUNDS = 10;
const CPU_MS_PER_ROUND = 80;
/** Frames (sentences, packets) per timed call of a single-frame case: a call takes tens of microseconds. */
const REPEAT = 200;
/** One TCP connection carries one station: the stream is one station's frames. */
const STREAM_STATIONS = 1;
/** For the case where every frame comes from another station: no string the decoder built before repeats. */
const MANY_STATIONS = 1000;
const MQTT_PACKETS = 1024;

const library = fileURLToPath(import.meta.resolve('powerbank-codec'));
if (!/[/\\]dist[/\\]index\.js$/.test(library)) throw new Error(`the bench must time the built package, but powerbank-codec resolves to ${library}`);

const started = performance.now();
const { bytes: streamBytes, frames: streamFrames } = mixedStream(STREAM_SIZE, STREAM_STATIONS);
const chunks = chunked(streamBytes, SEGMENT_SIZE);
const manyStatusAnswers = statusAnswersOfStations(MANY_STATIONS);
const mqttBuffer = mqttPublishBuffer(MQTT_PACKETS);
const mqttChunks = chunked(mqttBuffer, SEGMENT_SIZE);
const mqttParser = createMqttParser();

function decodeStreamWithCodec(): number {
  const decoder = createDecoder();
  let messages = 0;
  for (const chunk of chunks) for (const item of decoder.push(chunk)) if (item.kind === 'message') messages++;
  return messages;
}

function splitStream(): number {
  const splitter = new FrameSplitter();
  let frames = 0;
  for (const chunk of chunks) for (const event of splitter.push(chunk)) if (event.kind === 'frame') frames++;
  return frames;
}

function decodeStreamWithBaseline(): number {
  const decoder = createBaselineDecoder();
  let messages = 0;
  for (const chunk of chunks) messages += decoder.push(chunk).length;
  return messages;
}

function parseMqtt(): number {
  const before = mqttParser.packets;
  for (const chunk of mqttChunks) mqttParser.parse(chunk);
  return mqttParser.packets - before;
}

/** A case of one frame (sentence) done `REPEAT` times per call. */
function single(id: string, label: string, bytes: number, run: () => unknown): Case {
  return {
    id,
    label,
    units: REPEAT,
    bytes: REPEAT * bytes,
    run: () => {
      for (let i = 0; i < REPEAT; i++) do_not_optimize(run());
    },
  };
}
const stream = (id: string, label: string, run: () => unknown): Case => ({ id, label, units: streamFrames, bytes: streamBytes.length, run });

const CASES: Case[] = [
  single('decode.CH', 'decode heartbeat', HEARTBEAT_FRAME.length, () => decode(HEARTBEAT_FRAME)),
  single('baseline.decode.CH', 'baseline decode heartbeat', HEARTBEAT_FRAME.length, () => baselineDecode(HEARTBEAT_FRAME)),
  single('floor.crc.CH', 'floor: CRC-16 of the heartbeat', HEARTBEAT_FRAME.length, () => floorCrc16Modbus(HEARTBEAT_FRAME)),
  single('decode.AQ', 'decode status answer', STATUS_ANSWER_FRAME.length, () => decode(STATUS_ANSWER_FRAME)),
  single('baseline.decode.AQ', 'baseline decode status answer', STATUS_ANSWER_FRAME.length, () => baselineDecode(STATUS_ANSWER_FRAME)),
  single('floor.crc.AQ', 'floor: CRC-16 of the status answer', STATUS_ANSWER_FRAME.length, () => floorCrc16Modbus(STATUS_ANSWER_FRAME)),
  {
    id: 'decode.AQ.stations',
    label: `decode status answers of ${MANY_STATIONS} stations`,
    units: manyStatusAnswers.length,
    bytes: manyStatusAnswers.reduce((sum, frame) => sum + frame.length, 0),
    run: () => {
      for (const frame of manyStatusAnswers) do_not_optimize(decode(frame));
    },
  },
  single('encode.CH', 'encode heartbeat', HEARTBEAT_FRAME.length, () => encode(HEARTBEAT)),
  single('baseline.encode.CH', 'baseline encode heartbeat', HEARTBEAT_FRAME.length, () => baselineEncodeHeartbeat(HEARTBEAT)),
  single('encode.AQ', 'encode status answer', STATUS_ANSWER_FRAME.length, () => encode(STATUS_ANSWER)),
  single('baseline.encode.AQ', 'baseline encode status answer', STATUS_ANSWER_FRAME.length, () => baselineEncodeStatusAnswer(STATUS_ANSWER)),
  single('nmea.GGA', 'nmea-simple GGA sentence', NMEA_GGA.length, () => parseNmeaSentence(NMEA_GGA)),
  single('nmea.RMC', 'nmea-simple RMC sentence', NMEA_RMC.length, () => parseNmeaSentence(NMEA_RMC)),
  { id: 'mqtt', label: `mqtt-packet, ${MQTT_PACKET_SIZE}-byte PUBLISH stream`, units: MQTT_PACKETS, bytes: mqttBuffer.length, run: parseMqtt },
  stream('stream.split', 'splitter, 10 MB stream', splitStream),
  stream('stream.decode', 'splitter + decode, 10 MB stream', decodeStreamWithCodec),
  stream('baseline.stream', 'baseline stream decoder, 10 MB', decodeStreamWithBaseline),
  stream('floor.scan', "floor: scan for '}', 10 MB", () => floorScanForBrace(chunks)),
  ...OPTIONS_CASES,
  ...HOSTILE_CASES,
];

const SELECTED = only === undefined ? CASES : CASES.filter((entry) => only.some((word) => entry.id.includes(word)));

/** Every contestant gets the answer right before any of them is timed. */
function checkAnswers(): void {
  deepStrictEqual(decode(HEARTBEAT_FRAME), { ok: true, message: HEARTBEAT, deviations: [] });
  deepStrictEqual(decode(STATUS_ANSWER_FRAME), { ok: true, message: STATUS_ANSWER, deviations: [] });
  deepStrictEqual(baselineDecode(HEARTBEAT_FRAME), HEARTBEAT);
  deepStrictEqual(baselineDecode(STATUS_ANSWER_FRAME), STATUS_ANSWER);
  deepStrictEqual(Buffer.from(encode(HEARTBEAT)), baselineEncodeHeartbeat(HEARTBEAT));
  deepStrictEqual(Buffer.from(encode(STATUS_ANSWER)), baselineEncodeStatusAnswer(STATUS_ANSWER));
  strictEqual(floorCrc16Modbus(HEARTBEAT_FRAME.subarray(2, -9)), 0x3fce);
  strictEqual(splitStream(), streamFrames);
  strictEqual(decodeStreamWithCodec(), streamFrames);
  strictEqual(decodeStreamWithBaseline(), streamFrames);
  strictEqual(floorScanForBrace(chunks), streamFrames);
  strictEqual(parseNmeaSentence(NMEA_GGA).sentenceId, 'GGA');
  strictEqual(parseNmeaSentence(NMEA_RMC).sentenceId, 'RMC');
  strictEqual(parseMqtt(), MQTT_PACKETS);
  for (const frame of manyStatusAnswers) strictEqual(decode(frame).ok, true);
}

function describeMachine(): string {
  const cores = cpus();
  return `${cores[0]?.model.trim() ?? 'unknown CPU'}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`;
}

checkAnswers();
console.log(`powerbank-codec bench — ${describeMachine()}`);
console.log(`timing ${library}`);
console.log(
  `mixed stream (one connection, one station): ${(streamBytes.length / 1e6).toFixed(1)} MB, ${streamFrames} frames, in ${chunks.length} chunks of ${SEGMENT_SIZE} bytes`,
);
console.log(`${SELECTED.length} cases × ${ROUNDS} rounds of ≥${CPU_MS_PER_ROUND} ms each, a full GC before each; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}\n`);

const timings = await timeCases(SELECTED, ROUNDS, CPU_MS_PER_ROUND, (round) => process.stderr.write(`round ${round}/${ROUNDS} done\n`));
const byId = new Map<string, Timing>(timings.map((timing) => [timing.case.id, timing]));

console.log(formatTable(timings));

collectGarbage();
const allocations = [
  { label: 'decode heartbeat', bytes: bytesAllocatedPerCall(() => decode(HEARTBEAT_FRAME), 1000) },
  { label: 'decode status answer', bytes: bytesAllocatedPerCall(() => decode(STATUS_ANSWER_FRAME), 1000) },
  { label: 'baseline decode heartbeat', bytes: bytesAllocatedPerCall(() => baselineDecode(HEARTBEAT_FRAME), 1000) },
  { label: 'baseline decode status answer', bytes: bytesAllocatedPerCall(() => baselineDecode(STATUS_ANSWER_FRAME), 1000) },
];
console.log(formatAllocations(allocations));

console.log(formatDeployment(byId, allocations));

console.log(`\nitems per 64 KB of hostile input: ${hostileItemCounts().map(([name, count]) => `${name} ${count}`).join(', ')}`);

const results = checkTargets(
  [...TARGETS, ...HARDENING_TARGETS].filter((target) => byId.has(target.ours) && byId.has(target.theirs)),
  byId,
);
console.log(formatTargets(results));
console.log(`\nwhole run: ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
if (check && results.some((result) => !result.pass)) process.exitCode = 1;
