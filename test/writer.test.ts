/**
 * The block `encode` writes frames into is internal, so this file imports it from
 * `src/`; `encode.test.ts` checks the frames it hands out.
 */
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, FrameWriter } from '../src/frame/writer.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const written = (out: FrameWriter) => text(out.bytes.subarray(out.start, out.end));

/** A writer whose block has exactly `room` bytes left after `begin`. */
function writerWithRoom(room: number): FrameWriter {
  const out = new FrameWriter();
  out.begin();
  out.ascii('x'.repeat(BLOCK_SIZE - room));
  out.finish();
  out.begin();
  return out;
}

describe('FrameWriter', () => {
  it('hands out each frame as a view of its own bytes, the next one after it', () => {
    const out = new FrameWriter();
    out.begin();
    out.ascii('{first}');
    const first = out.finish();
    out.begin();
    out.ascii('{second}');
    const second = out.finish();
    expect(text(first)).toBe('{first}');
    expect(text(second)).toBe('{second}');
    expect(first.buffer).toBe(second.buffer);
    expect(second.byteOffset).toBe(first.byteOffset + first.length);
  });

  it('drops what an unfinished frame wrote', () => {
    const out = new FrameWriter();
    out.begin();
    out.ascii('abandoned');
    out.begin();
    out.ascii('{kept}');
    const frame = out.finish();
    expect(text(frame)).toBe('{kept}');
    expect(frame.byteOffset).toBe(0);
  });

  it('takes a new block when the last one is exactly full', () => {
    const out = writerWithRoom(4);
    out.ascii('{ab}');
    const last = out.finish();
    out.begin();
    out.byte(0x7b);
    const next = out.finish();
    expect(text(last)).toBe('{ab}');
    expect(last.byteOffset).toBe(BLOCK_SIZE - 4);
    expect(next.buffer).not.toBe(last.buffer);
    expect(next.byteOffset).toBe(0);
    expect(text(next)).toBe('{');
  });

  it.each([
    ['byte', (out: FrameWriter) => out.byte(0x41), 'A'],
    ['ascii', (out: FrameWriter) => out.ascii('ABC'), 'ABC'],
    ['digits', (out: FrameWriter) => out.digits('123'), '123'],
    ['digitsAndCapitals', (out: FrameWriter) => out.digitsAndCapitals('1A2'), '1A2'],
    ['decimal', (out: FrameWriter) => out.decimal(999), '999'],
    ['hex4', (out: FrameWriter) => out.hex4(0xbeef), 'BEEF'],
  ])('moves the frame to a new block when %s does not fit, keeping what it wrote', (_, write, expected) => {
    const out = writerWithRoom(2);
    out.byte(0x7b);
    out.byte(0x22);
    const old = out.bytes;
    write(out);
    expect(out.bytes).not.toBe(old);
    expect(out.start).toBe(0);
    expect(written(out)).toBe(`{"${expected}`);
    expect(text(old.subarray(0, 4))).toBe('xxxx');
  });

  it('writes up to the last byte of a block before moving', () => {
    for (const [write, length] of [
      [(out: FrameWriter) => out.ascii('ABC'), 3],
      [(out: FrameWriter) => out.digits('123'), 3],
      [(out: FrameWriter) => out.digitsAndCapitals('1A2'), 3],
      [(out: FrameWriter) => out.hex4(0xbeef), 4],
      [(out: FrameWriter) => out.decimal(999), 3],
      [(out: FrameWriter) => out.byte(0x41), 1],
    ] as const) {
      const out = writerWithRoom(length);
      const block = out.bytes;
      write(out);
      expect(out.bytes).toBe(block);
      expect(out.end).toBe(BLOCK_SIZE);
    }
  });

  it('grows to hold a write longer than a block, twice what it needs', () => {
    const out = new FrameWriter();
    out.begin();
    const long = 'A'.repeat(5 * BLOCK_SIZE + 3);
    out.byte(0x7b);
    out.ascii(long);
    expect(out.bytes.length).toBe(2 * (long.length + 1));
    expect(written(out)).toBe(`{${long}`);
    expect(text(out.finish())).toBe(`{${long}`);
  });

  it('takes blocks of the size it was made with', () => {
    const out = new FrameWriter(16);
    expect(out.bytes.length).toBe(16);
    out.begin();
    out.ascii('0123456789');
    out.finish();
    out.begin();
    out.ascii('ABCDEFGHIJ');
    expect(out.bytes.length).toBe(20);
    expect(text(out.finish())).toBe('ABCDEFGHIJ');
    out.begin();
    out.ascii('0123456789');
    out.finish();
    out.begin();
    out.ascii('x');
    expect(out.bytes.length).toBe(16);
    expect(text(out.finish())).toBe('x');
  });

  it('starts over in a new block when a frame handed out had its buffer transferred', () => {
    const out = new FrameWriter();
    out.begin();
    out.ascii('{first}');
    const first = out.finish();
    structuredClone(first.buffer, { transfer: [first.buffer] });
    expect(first.length).toBe(0);
    out.begin();
    out.ascii('{second}');
    const second = out.finish();
    expect(text(second)).toBe('{second}');
    expect(second.byteOffset).toBe(0);
  });

  it.each(['0123456789', ''])('writes the digits %j', (digits) => {
    const out = new FrameWriter();
    expect(out.digits(digits)).toBe(true);
    expect(written(out)).toBe(digits);
  });

  it.each(['12/4', '12:4', '12a4', ' 1'])('refuses %j, which is not all digits', (digits) => {
    expect(new FrameWriter().digits(digits)).toBe(false);
  });

  it.each(['0123456789', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '09AZ', ''])('writes the digits and capitals %j', (id) => {
    const out = new FrameWriter();
    expect(out.digitsAndCapitals(id)).toBe(true);
    expect(written(out)).toBe(id);
  });

  it.each(['12/4', '12:4', '12@4', '12[4', 'a', 'z', ' ', '-', 'É'])('refuses %j, which is not all digits and capitals', (id) => {
    expect(new FrameWriter().digitsAndCapitals(`1${id}`)).toBe(false);
  });

  it('writes slot numbers and CRCs', () => {
    const out = new FrameWriter();
    for (const slot of [1, 9, 10, 99, 100, 999]) out.decimal(slot);
    out.hex4(0x0000);
    out.hex4(0xa1f9);
    expect(written(out)).toBe('1910991009990000A1F9');
  });
});
