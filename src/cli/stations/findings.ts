/**
 * What a fleet of simulated stations learns about a server: every frame both ways
 * counted by its wire name, answer times by kind of request, connections, and each way
 * the server departed from the protocol with how often and a first example. The
 * stations write into it; the report and the progress line read it.
 *
 * @module
 */

import { LatencyHistogram } from './latency.js';

/** The requests a station makes, each answered by the server: an ownership query, a report of a lend, a report of a return. */
export type RequestKind = 'ownership' | 'lendReport' | 'returnReport';

/** The request kinds, in report order. */
export const REQUEST_KINDS: readonly RequestKind[] = ['ownership', 'lendReport', 'returnReport'];

/** How the report names each kind of request. */
export const REQUEST_NAMES: { readonly [K in RequestKind]: string } = {
  ownership: 'ownership queries (MQ → RQ)',
  lendReport: 'lend reports (MC.BO/MR.BF → AM.BO/AR.BF)',
  returnReport: 'return reports (MC.RO/MR.RF → AM.RO/AR.RF)',
};

/** Each way a server can break the protocol, as the report names it, in report order. */
export const PROBLEMS = {
  unanswered: 'requests never answered',
  wrongSlot: 'answers naming another slot than the request',
  wrongPowerBank: 'answers naming another power bank than the request',
  wrongImei: "frames naming another station's IMEI",
  unexpected: 'messages no request of the station called for',
  unknownSlot: 'requests for slots that do not exist',
  undecodable: 'frames that do not decode',
  nonCanonical: 'frames not in the canonical form',
  dropped: 'connections the server closed',
  refused: 'connection attempts that failed',
} as const;

/** A way the server broke the protocol. */
export type ProblemKind = keyof typeof PROBLEMS;

/** One occurrence of a problem: which station, when (ms since the run began), what, and the frame when there is one. */
export interface Example {
  readonly imei: string;
  readonly at: number;
  readonly description: string;
  /** The frame concerned as text, line ending and control bytes escaped. */
  readonly frame?: string;
}

/** How often a problem occurred, and its first occurrence. */
export interface ProblemTally {
  count: number;
  readonly example: Example;
}

/** The answers to one kind of request. */
export class RequestTally {
  sent = 0;
  answered = 0;
  /** Answers that came after the station had given up waiting (also counted unanswered). */
  late = 0;
  readonly latency = new LatencyHistogram();
}

/** Everything the fleet observed. */
export class Findings {
  /** Frames the stations sent, by wire name (`CH`, `MQ`, `MC.RO`, …). */
  readonly sent = new Map<string, number>();
  /** Frames the stations received, by wire name (`CQ`, `RQ.T`, …; those that did not decode are problems). */
  readonly received = new Map<string, number>();
  framesSent = 0;
  framesReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  readonly requests: { readonly [K in RequestKind]: RequestTally } = { ownership: new RequestTally(), lendReport: new RequestTally(), returnReport: new RequestTally() };
  readonly problems = new Map<ProblemKind, ProblemTally>();
  /** Answer times since the progress line last read them. */
  readonly recentLatency = new LatencyHistogram();
  readonly connections = { attempts: 0, established: 0, open: 0, peakOpen: 0, reconnects: 0 };
  /** Returns a station could not start: no empty slot. */
  returnsSkipped = 0;
  /** Requests re-sent on a new connection because the old one closed before their answer. */
  resent = 0;
  /** Requests still waiting for their answer when the run ended, sent less than the answer timeout before. */
  cutShort = 0;

  /** Counts `problem`, keeping its first example. */
  problem(kind: ProblemKind, example: Example): void {
    const tally = this.problems.get(kind);
    if (tally === undefined) this.problems.set(kind, { count: 1, example });
    else tally.count++;
  }

  /** The total number of problems. */
  problemCount(): number {
    let count = 0;
    for (const { count: each } of this.problems.values()) count += each;
    return count;
  }

  /** Counts a frame a station sent. */
  countSent(name: string, bytes: number): void {
    this.sent.set(name, (this.sent.get(name) ?? 0) + 1);
    this.framesSent++;
    this.bytesSent += bytes;
  }

  /** Counts a frame a station received and decoded. */
  countReceived(name: string): void {
    this.received.set(name, (this.received.get(name) ?? 0) + 1);
  }

  /** Records the answer to a request of `kind`, `ms` after the request. */
  answered(kind: RequestKind, ms: number): void {
    const tally = this.requests[kind];
    tally.answered++;
    tally.latency.record(ms);
    this.recentLatency.record(ms);
  }

  connected(): void {
    this.connections.established++;
    this.connections.open++;
    if (this.connections.open > this.connections.peakOpen) this.connections.peakOpen = this.connections.open;
  }
}
