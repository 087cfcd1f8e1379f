/**
 * The scratch buffer `encode` writes into is internal, so this file imports it from
 * `src/`; `encode.test.ts` checks the frames it ends up in.
 */
import { describe, expect, it } from 'vitest';
import { FrameWriter } from '../src/frame/writer.js';

const written = (out: FrameWriter) => new TextDecoder().decode(out.bytes.subarray(0, out.length));

describe('FrameWriter', () => {
  it('grows to hold a write longer than twice its size at once', () => {
    const out = new FrameWriter();
    const text = 'A'.repeat(5 * out.bytes.length + 3);
    out.byte(0x7b);
    out.ascii(text);
    expect(out.length).toBe(text.length + 1);
    expect(written(out)).toBe(`{${text}`);
  });

  it('keeps what it wrote when it grows byte by byte', () => {
    const out = new FrameWriter();
    const size = out.bytes.length;
    for (let i = 0; i < size + 1; i++) out.byte(0x30 + (i % 10));
    expect(out.bytes.length).toBe(2 * size);
    expect(written(out)).toBe(Array.from({ length: size + 1 }, (_, i) => String(i % 10)).join(''));
  });

  it.each(['0123456789', ''])('writes the digits %j', (text) => {
    const out = new FrameWriter();
    expect(out.digits(text)).toBe(true);
    expect(written(out)).toBe(text);
  });

  it.each(['12/4', '12:4', '12a4', ' 1'])('refuses %j, which is not all digits', (text) => {
    expect(new FrameWriter().digits(text)).toBe(false);
  });

  it('writes slot numbers and CRCs', () => {
    const out = new FrameWriter();
    for (const slot of [1, 9, 10, 99, 100, 999]) out.decimal(slot);
    out.hex4(0x0000);
    out.hex4(0xa1f9);
    expect(written(out)).toBe('1910991009990000A1F9');
  });
});
