/**
 * `npm run bench`: the codec against the hand-written baseline, two well-known parsers
 * and the floors, side by side in one process, on the workloads users have: frames from
 * many stations (no two alike), one decoder per connection over 1,000 interleaved
 * connections, options written fresh on every call, hostile bytes; then what a decoder
 * costs in memory, and the targets as ratios of this run. `npm run bench -- --check`
 * exits 1 when a target fails.
 *
 * It times the built package (`dist/`), as a user gets it: `npm run bench` builds first,
 * and runs this file with `bench/tsconfig.json`, which does not map `powerbank-codec` to
 * `src/`.
 */
import { deepStrictEqual, strictEqual } from 'node:assert';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { do_not_optimize } from 'mitata';
import { createDecoder, decode, encode, FrameSplitter, type Message, type StreamDecoder } from 'powerbank-codec';
import { baselineDecode, baselineEncodeHeartbeat, baselineEncodeStatusAnswer, createBaselineDecoder } from './baseline.js';
import { chunked, connectionTraffic, framesOf, heartbeatsOfStations, NMEA_GGA, NMEA_RMC, SEGMENT_SIZE, statusAnswersOfStations } from './fixtures.js';
import { floorCrc16Modbus, floorScanForBrace } from './floors.js';
import { HARDENING_TARGETS, HOSTILE_CASES, hostileItemCounts, OPTIONS_CASES } from './hardening.js';
import { hubAnswers, hubCase, measureHubMemory } from './hub.js';
import { bytesAllocatedPerCall, collectGarbage, timeCases, type Case, type Timing } from './measure.js';
import { IDLE_DECODER_LIMIT, measureDecoderMemory } from './memory.js';
import { createMqttParser, MQTT_PACKET_SIZE, mqttPublishBuffer, parseNmeaSentence } from './peers.js';
import { formatAllocations, formatDeployment, formatMemory, formatTable, formatTargets } from './report.js';
import { checkTargets, TARGETS } from './targets.js';

const check = process.argv.includes('--check');
/** `--only=decode,floor`: time only the cases whose id contains one of these words (no targets then). */
const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length).split(',');
const ROUNDS = 10;
const CPU_MS_PER_ROUND = 80;
const STATIONS = 10_000;
const CONNECTIONS = 1_000;
/** Minutes of traffic per connection: heartbeats, status answers, lends and returns. */
const MINUTES = 20;
/** Sentences per timed call of a peer's single-sentence case. */
const REPEAT = 200;
const MQTT_PACKETS = 1024;

const library = fileURLToPath(import.meta.resolve('powerbank-codec'));
if (!/[/\\]dist[/\\]index\.js$/.test(library)) throw new Error(`the bench must time the built package, but powerbank-codec resolves to ${library}`);

const started = performance.now();
const heartbeats = heartbeatsOfStations(STATIONS);
const statusAnswers = statusAnswersOfStations(STATIONS);
const heartbeatFrames = framesOf(heartbeats);
const statusAnswerFrames = framesOf(statusAnswers);
const traffic = connectionTraffic(CONNECTIONS, MINUTES);
const mqttBuffer = mqttPublishBuffer(MQTT_PACKETS);
const mqttChunks = chunked(mqttBuffer, SEGMENT_SIZE);
const mqttParser = createMqttParser();

/** The codec's decoders and the baseline's, one per connection, alive across calls as a server's are. */
const decoders: StreamDecoder[] = Array.from({ length: CONNECTIONS }, () => createDecoder({ from: 'device' }));
const splitters = Array.from({ length: CONNECTIONS }, () => new FrameSplitter());
const baselineDecoders = Array.from({ length: CONNECTIONS }, () => createBaselineDecoder());

function serveConnections(): number {
  let messages = 0;
  for (const { connection, bytes } of traffic.chunks) for (const item of decoders[connection]!.push(bytes)) if (item.kind === 'message') messages++;
  return messages;
}

function splitConnections(): number {
  let frames = 0;
  for (const { connection, bytes } of traffic.chunks) for (const event of splitters[connection]!.push(bytes)) if (event.kind === 'frame') frames++;
  return frames;
}

function serveConnectionsWithBaseline(): number {
  let messages = 0;
  for (const { connection, bytes } of traffic.chunks) messages += baselineDecoders[connection]!.push(bytes).length;
  return messages;
}

function parseMqtt(): number {
  const before = mqttParser.packets;
  for (const chunk of mqttChunks) mqttParser.parse(chunk);
  return mqttParser.packets - before;
}

const sum = (frames: readonly Uint8Array[]) => frames.reduce((total, frame) => total + frame.length, 0);

/** A case that runs `run` on every element of `inputs`, which are `bytes` bytes in all. */
function each<T>(id: string, label: string, inputs: readonly T[], bytes: number, run: (input: T) => unknown): Case {
  return {
    id,
    label,
    units: inputs.length,
    bytes,
    run: () => {
      for (const input of inputs) do_not_optimize(run(input));
    },
  };
}

/** A peer's case of one sentence done `REPEAT` times per call. */
function sentence(id: string, label: string, text: string): Case {
  return { id, label, units: REPEAT, bytes: REPEAT * text.length, run: () => { for (let i = 0; i < REPEAT; i++) do_not_optimize(parseNmeaSentence(text)); } };
}

const heartbeatBytes = sum(heartbeatFrames);
const statusAnswerBytes = sum(statusAnswerFrames);
const connectionsCase = (id: string, label: string, run: () => number): Case => ({ id, label, units: traffic.frames, bytes: traffic.bytes, run });

const CASES: Case[] = [
  each('decode.CH', `decode heartbeats of ${STATIONS} stations`, heartbeatFrames, heartbeatBytes, (frame) => decode(frame)),
  each('baseline.decode.CH', 'baseline decode, the same heartbeats', heartbeatFrames, heartbeatBytes, baselineDecode),
  each('floor.crc.CH', 'floor: CRC-16 of the same heartbeats', heartbeatFrames, heartbeatBytes, floorCrc16Modbus),
  each('decode.AQ', `decode status answers of ${STATIONS} stations`, statusAnswerFrames, statusAnswerBytes, (frame) => decode(frame)),
  each('baseline.decode.AQ', 'baseline decode, the same status answers', statusAnswerFrames, statusAnswerBytes, baselineDecode),
  each('floor.crc.AQ', 'floor: CRC-16 of the same status answers', statusAnswerFrames, statusAnswerBytes, floorCrc16Modbus),
  each('encode.CH', `encode heartbeats of ${STATIONS} stations`, heartbeats, heartbeatBytes, (message) => encode(message)),
  each('baseline.encode.CH', 'baseline encode, the same heartbeats', heartbeats, heartbeatBytes, baselineEncodeHeartbeat),
  each('encode.AQ', `encode status answers of ${STATIONS} stations`, statusAnswers, statusAnswerBytes, (message) => encode(message)),
  each('baseline.encode.AQ', 'baseline encode, the same status answers', statusAnswers, statusAnswerBytes, baselineEncodeStatusAnswer),
  sentence('nmea.GGA', 'nmea-simple GGA sentence', NMEA_GGA),
  sentence('nmea.RMC', 'nmea-simple RMC sentence', NMEA_RMC),
  connectionsCase('stream.connections', `${CONNECTIONS} connections, a decoder each`, serveConnections),
  hubCase(traffic),
  connectionsCase('baseline.connections', `baseline, ${CONNECTIONS} connections, a decoder each`, serveConnectionsWithBaseline),
  connectionsCase('split.connections', `${CONNECTIONS} connections, a splitter each`, splitConnections),
  connectionsCase('floor.scan', "floor: scan the same chunks for '}'", () => floorScanForBrace(traffic.chunks.map(({ bytes }) => bytes))),
  { id: 'mqtt', label: `mqtt-packet, ${MQTT_PACKET_SIZE}-byte PUBLISH stream`, units: MQTT_PACKETS, bytes: mqttBuffer.length, run: parseMqtt },
  ...OPTIONS_CASES,
  ...HOSTILE_CASES,
];

const SELECTED = only === undefined ? CASES : CASES.filter((entry) => only.some((word) => entry.id.includes(word)));

/** Every contestant gets the answer right before any of them is timed. */
async function checkAnswers(): Promise<void> {
  // One frame at a time: thousands of results kept alive at once would make V8 allocate
  // the decoders' objects in its old generation for the rest of the run (pretenuring),
  // which no server that handles frames as they come sees.
  const check = (frames: readonly Uint8Array[], messages: readonly Message[]) => {
    for (let i = 0; i < frames.length; i++) {
      const result = decode(frames[i]!);
      deepStrictEqual(result.ok ? result.message : result.error, messages[i]);
      deepStrictEqual(baselineDecode(frames[i] as Buffer), messages[i]);
    }
  };
  check(heartbeatFrames, heartbeats);
  check(statusAnswerFrames, statusAnswers);
  for (let i = 0; i < STATIONS; i += 997) {
    deepStrictEqual(Buffer.from(encode(heartbeats[i]!)), baselineEncodeHeartbeat(heartbeats[i]!));
    deepStrictEqual(Buffer.from(encode(statusAnswers[i]!)), baselineEncodeStatusAnswer(statusAnswers[i]!));
  }
  strictEqual(serveConnections(), traffic.frames);
  strictEqual(serveConnectionsWithBaseline(), traffic.frames);
  // Every report acknowledged, every ownership query answered.
  strictEqual(await hubAnswers(traffic), traffic.answered);
  strictEqual(splitConnections(), traffic.frames);
  strictEqual(floorScanForBrace(traffic.chunks.map(({ bytes }) => bytes)), traffic.frames);
  strictEqual(parseNmeaSentence(NMEA_GGA).sentenceId, 'GGA');
  strictEqual(parseNmeaSentence(NMEA_RMC).sentenceId, 'RMC');
  strictEqual(parseMqtt(), MQTT_PACKETS);
}

function describeMachine(): string {
  const cores = cpus();
  return `${cores[0]?.model.trim() ?? 'unknown CPU'}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`;
}

await checkAnswers();
console.log(`powerbank-codec bench — ${describeMachine()}`);
console.log(`timing ${library}`);
console.log(
  `${CONNECTIONS} connections, ${MINUTES} minutes each: ${traffic.frames} frames, ${(traffic.bytes / 1e6).toFixed(2)} MB, in ${traffic.chunks.length} chunks (every fifth frame in two)`,
);
console.log(`${SELECTED.length} cases × ${ROUNDS} rounds of ≥${CPU_MS_PER_ROUND} ms each, a full GC before each; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}\n`);

const timings = await timeCases(SELECTED, ROUNDS, CPU_MS_PER_ROUND, (round) => process.stderr.write(`round ${round}/${ROUNDS} done\n`));
const byId = new Map<string, Timing>(timings.map((timing) => [timing.case.id, timing]));

console.log(formatTable(timings));

collectGarbage();
/** Allocations per frame, cycling through the varied frames. */
const cycling = (frames: readonly Buffer[], run: (frame: Buffer) => unknown) => {
  let i = 0;
  return () => run(frames[i++ % frames.length]!);
};
const allocations = [
  { label: 'decode heartbeat', bytes: bytesAllocatedPerCall(cycling(heartbeatFrames, (frame) => decode(frame)), 1000) },
  { label: 'decode status answer', bytes: bytesAllocatedPerCall(cycling(statusAnswerFrames, (frame) => decode(frame)), 1000) },
  { label: 'baseline decode heartbeat', bytes: bytesAllocatedPerCall(cycling(heartbeatFrames, baselineDecode), 1000) },
  { label: 'baseline decode status answer', bytes: bytesAllocatedPerCall(cycling(statusAnswerFrames, baselineDecode), 1000) },
];
console.log(formatAllocations(allocations));

const memory = measureDecoderMemory(statusAnswerFrames[0]!);
console.log(formatMemory(memory));
const hubMemory = measureHubMemory(heartbeatFrames);
const hubTime = byId.get('hub.connections')?.nsPerUnit;
const bareTime = byId.get('stream.connections')?.nsPerUnit;
console.log(`\nthe station hub: an idle link with its station retains ${Math.round(hubMemory.link)} bytes, a bare decoder ${Math.round(hubMemory.decoder)}`);
if (hubTime !== undefined && bareTime !== undefined) {
  console.log(`  per frame of the 1,000 connections: ${hubTime.toFixed(0)} ns through the hub, ${bareTime.toFixed(0)} ns through a bare decoder (${(hubTime / bareTime).toFixed(2)}×)`);
}
console.log(formatDeployment(byId, allocations, memory));
console.log(`\nitems per 64 KB of hostile input: ${hostileItemCounts().map(([name, count]) => `${name} ${count}`).join(', ')}`);

const results = checkTargets(
  [...TARGETS, ...HARDENING_TARGETS].filter((target) => byId.has(target.ours) && byId.has(target.theirs)),
  byId,
);
const memoryPass = memory.idle <= IDLE_DECODER_LIMIT;
console.log(formatTargets(results));
console.log(`idle decoder retains ${Math.round(memory.idle)} bytes, at most ${IDLE_DECODER_LIMIT}: ${memoryPass ? 'PASS' : 'FAIL'}`);
console.log(`\nwhole run: ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
if (check && (results.some((result) => !result.pass) || !memoryPass)) process.exitCode = 1;
