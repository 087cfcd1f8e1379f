/**
 * What the station hub adds to a connection's decoder: the same 1,000 interleaved
 * connections through hub links (every report acknowledged, every ownership query
 * answered, each station's state kept), and the memory of an idle link and its station.
 */
import { createDecoder, createStationHub, type StationLink } from 'powerbank-codec';
import type { Connections } from './fixtures.js';
import { collectGarbage, quantile, type Case } from './measure.js';

const LINKS = 10_000;

/** A hub with its 1,000 links, the clock advanced by one millisecond per chunk. */
function hubFor(connections: number) {
  let sent = 0;
  const hub = createStationHub({ ownership: () => true, maxFramesPerSecond: 1e9, heartbeatTimeoutMs: 1e12, helloTimeoutMs: 1e12 });
  const transport = { send: () => void sent++, close: () => {} };
  const links: StationLink[] = Array.from({ length: connections }, () => hub.connect(transport, 0));
  return { hub, links, sent: () => sent };
}

/** The case: the traffic of `traffic` through hub links, alive across calls as a server's are. */
export function hubCase(traffic: Connections): Case {
  const { links } = hubFor(traffic.connections);
  let now = 0;
  return {
    id: 'hub.connections',
    label: `${traffic.connections} connections through the station hub`,
    units: traffic.frames,
    bytes: traffic.bytes,
    run: () => {
      for (const { connection, bytes } of traffic.chunks) links[connection]!.receive(bytes, ++now);
      return now;
    },
  };
}

/** How many frames the hub sends on this traffic, once its ownership checks are done. */
export async function hubAnswers(traffic: Connections): Promise<number> {
  const { hub, links, sent } = hubFor(traffic.connections);
  let now = 0;
  for (const { connection, bytes } of traffic.chunks) links[connection]!.receive(bytes, ++now);
  await hub.drain();
  return sent();
}

function liveBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Bytes retained per idle link (its station known from one heartbeat) when `LINKS` are alive. */
function measureLinksOnce(heartbeats: readonly Uint8Array[]): number {
  collectGarbage();
  const before = liveBytes();
  const hub = createStationHub({ ownership: () => true });
  const transport = { send: () => {}, close: () => {} };
  for (let i = 0; i < LINKS; i++) hub.connect(transport, 0).receive(heartbeats[i]!, 1);
  collectGarbage();
  const after = liveBytes();
  if (hub.station(new TextDecoder().decode(heartbeats[0]!.subarray(2, 17))) === undefined) throw new Error('unreachable');
  return (after - before) / LINKS;
}

/** Bytes retained per idle bare decoder, measured the same way. */
function measureDecodersOnce(): number {
  collectGarbage();
  const before = liveBytes();
  const decoders = Array.from({ length: LINKS }, () => createDecoder());
  collectGarbage();
  const after = liveBytes();
  if (decoders.length !== LINKS) throw new Error('unreachable');
  return (after - before) / LINKS;
}

/** Memory per idle connection: a hub link with its station, against a bare decoder (median of 5 each). */
export function measureHubMemory(heartbeats: readonly Uint8Array[]): { readonly link: number; readonly decoder: number } {
  const median = (measure: () => number) => quantile(Array.from({ length: 5 }, measure).sort((a, b) => a - b), 0.5);
  return { link: median(() => measureLinksOnce(heartbeats)), decoder: median(measureDecodersOnce) };
}
