/**
 * The writer `encode` writes frames into is internal, so this file imports it from
 * `src/`; `encode.test.ts` checks the frames it hands out.
 */
import { describe, expect, it } from 'vitest';
import { FrameWriter, putAscii, putDecimal, putDigits, putDigitsAndCapitals, putHex4 } from '../src/frame/writer.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const written = (out: FrameWriter) => text(out.bytes.subarray(0, out.end));

/** Writes `ascii` the way `encode` writes a run: reserve, store, move `end`. */
function write(out: FrameWriter, ascii: string): void {
  out.reserve(ascii.length);
  out.end = putAscii(out.bytes, out.end, ascii);
}

describe('FrameWriter', () => {
  it('hands out each frame as a copy whose buffer is exactly the frame', () => {
    const out = new FrameWriter();
    out.begin();
    write(out, '{first}');
    const first = out.finish();
    out.begin();
    write(out, '{second}');
    const second = out.finish();
    expect(text(first)).toBe('{first}');
    expect(text(second)).toBe('{second}');
    expect(first.buffer.byteLength).toBe(7);
    expect(second.buffer.byteLength).toBe(8);
    expect(first.buffer).not.toBe(out.bytes.buffer);
  });

  it('drops what an unfinished frame wrote', () => {
    const out = new FrameWriter();
    out.begin();
    write(out, 'abandoned');
    out.begin();
    write(out, '{kept}');
    expect(text(out.finish())).toBe('{kept}');
  });

  it('grows when the room reserved is not there, keeping what it wrote', () => {
    const out = new FrameWriter(5);
    out.begin();
    write(out, '{"');
    const old = out.bytes;
    out.reserve(4);
    expect(out.bytes).not.toBe(old);
    expect(out.bytes.length).toBe(12);
    expect(written(out)).toBe('{"');
    write(out, 'ABCD');
    expect(text(out.finish())).toBe('{"ABCD');
  });

  it('stays as it is when the room reserved is exactly what is left', () => {
    const out = new FrameWriter(5);
    out.begin();
    write(out, '{"');
    const bytes = out.bytes;
    out.reserve(3);
    expect(out.bytes).toBe(bytes);
    write(out, 'ABC');
    expect(out.end).toBe(5);
    expect(text(out.finish())).toBe('{"ABC');
  });

  it('grows to hold a long run, twice what it needs', () => {
    const out = new FrameWriter();
    out.begin();
    const long = 'A'.repeat(5000);
    write(out, '{');
    write(out, long);
    expect(out.bytes.length).toBe(2 * (long.length + 1));
    expect(text(out.finish())).toBe(`{${long}`);
  });
});

describe('the put functions', () => {
  /** Runs `put` at byte 2 of a scratch array; returns the end it gave and the bytes it wrote. */
  function at2(put: (bytes: Uint8Array, end: number) => number): { end: number; text: string } {
    const bytes = new Uint8Array(64);
    const end = put(bytes, 2);
    return { end, text: end < 0 ? '' : text(bytes.subarray(2, end)) };
  }

  it.each(['', 'CH', 'BW', '\r\n'])('putAscii writes %j and returns where it ends', (ascii) => {
    expect(at2((bytes, end) => putAscii(bytes, end, ascii))).toEqual({ end: 2 + ascii.length, text: ascii });
  });

  it.each(['0123456789', ''])('putDigits writes the digits %j', (digits) => {
    expect(at2((bytes, end) => putDigits(bytes, end, digits))).toEqual({ end: 2 + digits.length, text: digits });
  });

  it.each(['12/4', '12:4', '12a4', ' 1'])('putDigits refuses %j, which is not all digits', (digits) => {
    expect(putDigits(new Uint8Array(8), 0, digits)).toBe(-1);
  });

  it.each(['0123456789', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '09AZ', ''])('putDigitsAndCapitals writes %j', (id) => {
    expect(at2((bytes, end) => putDigitsAndCapitals(bytes, end, id))).toEqual({ end: 2 + id.length, text: id });
  });

  it.each(['12/4', '12:4', '12@4', '12[4', 'a', 'z', ' ', '-', 'É'])('putDigitsAndCapitals refuses %j, which is not all digits and capitals', (id) => {
    expect(putDigitsAndCapitals(new Uint8Array(8), 0, `1${id}`)).toBe(-1);
  });

  it.each([0, 1, 9, 10, 42, 99, 100, 305, 999])('putDecimal writes %i in decimal, without leading zeros', (value) => {
    expect(at2((bytes, end) => putDecimal(bytes, end, value))).toEqual({ end: 2 + String(value).length, text: String(value) });
  });

  it.each([0x0000, 0x0123, 0x4567, 0x89ab, 0xcdef, 0xa1f9, 0xffff])('putHex4 writes %i as four uppercase hex digits', (value) => {
    const hex = value.toString(16).toUpperCase().padStart(4, '0');
    expect(at2((bytes, end) => putHex4(bytes, end, value))).toEqual({ end: 6, text: hex });
  });
});
