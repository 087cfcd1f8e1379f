/**
 * TCP reassembly of one direction of one connection: segments put in sequence order,
 * bytes sent again (retransmissions, overlaps) dropped, bytes that never came reported
 * as a gap, never invented. A capture that starts mid-connection (no SYN) starts the
 * stream at the first segment seen.
 *
 * @module
 */

/** What the stream delivers in order: bytes, or a run of bytes the capture does not have. */
export type StreamPiece = { readonly kind: 'data'; readonly bytes: Uint8Array } | { readonly kind: 'gap'; readonly length: number };

/** A segment waiting for the bytes before it: `lost` bytes follow `bytes` that the capture cut off. */
interface Pending {
  readonly sequence: number;
  readonly bytes: Uint8Array;
  readonly lost: number;
}

/** Out-of-order bytes held for a hole before the hole is given up as a gap. */
const MAX_PENDING_BYTES = 1024 * 1024;

/** `a - b` in 32-bit sequence space: negative when `a` comes before `b`. */
const distance = (a: number, b: number) => (a - b) | 0;

export class DirectionStream {
  /** The sequence number of the next byte the stream expects (undefined before any segment). */
  private next: number | undefined;
  /** The first sequence number of the stream when no SYN was seen. */
  private firstSeen: number | undefined;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  /** Bytes sent again that the stream already had. */
  retransmittedBytes = 0;
  /** Segments that came before bytes that precede them. */
  outOfOrderSegments = 0;
  /** Bytes of segments that lie before the first segment of a capture that started mid-connection. */
  bytesBeforeStart = 0;
  /** The sequence number of the FIN, once seen. */
  private finAt: number | undefined;

  /** A FIN after `length` bytes from `sequence`: the stream ends there. */
  fin(sequence: number, length: number): void {
    this.finAt = (sequence + length) >>> 0;
  }

  /** Whether a FIN was seen and every byte before it delivered. */
  get complete(): boolean {
    return this.finAt !== undefined && this.pending.length === 0 && this.next === this.finAt;
  }

  /** A SYN: the stream starts at the byte after it. */
  syn(sequence: number): void {
    if (this.next === undefined) this.next = (sequence + 1) >>> 0;
  }

  /** A segment's payload (`lost`: bytes of it the capture cut off); returns what it lets the stream deliver. */
  segment(sequence: number, bytes: Uint8Array, lost: number): StreamPiece[] {
    const length = bytes.length + lost;
    if (length === 0) return [];
    if (this.next === undefined) {
      this.next = sequence;
      this.firstSeen = sequence;
    }
    const end = (sequence + length) >>> 0;
    if (distance(end, this.next) <= 0) {
      if (this.firstSeen !== undefined && distance(sequence, this.firstSeen) < 0) this.bytesBeforeStart += Math.min(length, distance(this.firstSeen, sequence));
      else this.retransmittedBytes += length;
      return [];
    }
    if (distance(sequence, this.next) > 0) this.outOfOrderSegments++;
    this.pending.push({ sequence, bytes, lost });
    this.pendingBytes += bytes.length;
    const pieces = this.drain();
    while (this.pendingBytes > MAX_PENDING_BYTES) this.skipHole(pieces);
    return pieces;
  }

  /** The end of the capture (or a FIN or RST): the held segments delivered, the holes before them as gaps. */
  finish(): StreamPiece[] {
    const pieces: StreamPiece[] = [];
    while (this.pending.length > 0) this.skipHole(pieces);
    return pieces;
  }

  /** Gives up the hole before the earliest held segment, and delivers what follows it. */
  private skipHole(pieces: StreamPiece[]): void {
    const next = this.next ?? 0;
    let earliest = this.pending[0]!;
    for (const entry of this.pending) if (distance(entry.sequence, earliest.sequence) < 0) earliest = entry;
    const hole = distance(earliest.sequence, next);
    if (hole > 0) {
      pieces.push({ kind: 'gap', length: hole });
      this.next = earliest.sequence;
    }
    pieces.push(...this.drain());
  }

  /** Delivers every held segment that starts at or before the next expected byte. */
  private drain(): StreamPiece[] {
    const pieces: StreamPiece[] = [];
    for (let found = true; found; ) {
      found = false;
      for (let index = 0; index < this.pending.length; index++) {
        const entry = this.pending[index]!;
        const next = this.next!;
        if (distance(entry.sequence, next) > 0) continue;
        found = true;
        this.pending.splice(index, 1);
        index--;
        this.pendingBytes -= entry.bytes.length;
        const length = entry.bytes.length + entry.lost;
        const end = (entry.sequence + length) >>> 0;
        const already = distance(next, entry.sequence);
        if (distance(end, next) <= 0) {
          this.retransmittedBytes += length;
          continue;
        }
        this.retransmittedBytes += already;
        if (already < entry.bytes.length) pieces.push({ kind: 'data', bytes: entry.bytes.subarray(already) });
        const lost = Math.min(entry.lost, length - already);
        if (lost > 0) pieces.push({ kind: 'gap', length: lost });
        this.next = end;
      }
    }
    return pieces;
  }
}
