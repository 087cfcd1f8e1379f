import { describe, expect, it } from 'vitest';
import { decode } from 'powerbank-codec';
import { byteString, describeByte, toBytes } from '../src/bytes.js';

describe('describeByte', () => {
  it('quotes printable ASCII, from the space to the tilde', () => {
    expect(describeByte(0x20)).toBe("' '");
    expect(describeByte(0x41)).toBe("'A'");
    expect(describeByte(0x7e)).toBe("'~'");
  });

  it('shows control characters, DEL and bytes above ASCII as two uppercase hex digits', () => {
    expect(describeByte(0x00)).toBe('0x00');
    expect(describeByte(0x0a)).toBe('0x0A');
    expect(describeByte(0x1f)).toBe('0x1F');
    expect(describeByte(0x7f)).toBe('0x7F');
    expect(describeByte(0xff)).toBe('0xFF');
  });

  it('names a missing byte as the end of the frame', () => {
    expect(describeByte(undefined)).toBe('the end of the frame');
  });

  it('is how decode errors show the byte they found', () => {
    expect(decode(new Uint8Array([0x0a]))).toMatchObject({ ok: false, error: { message: "a frame starts with '{', found 0x0A at byte 0" } });
  });
});

describe('toBytes and byteString', () => {
  it('take ASCII one byte per character, and other strings as UTF-8', () => {
    expect(toBytes('{\x7f}')).toStrictEqual(new Uint8Array([0x7b, 0x7f, 0x7d]));
    expect(toBytes('{é}')).toStrictEqual(new Uint8Array([0x7b, 0xc3, 0xa9, 0x7d]));
    const bytes = new Uint8Array([1, 2]);
    expect(toBytes(bytes)).toBe(bytes);
  });

  it('read any range of bytes back, one character per byte', () => {
    const text = '860123456789014,CH,,3FCE';
    const bytes = toBytes(text);
    for (let start = 0; start <= text.length; start++) {
      for (let end = start; end <= text.length; end++) expect(byteString(bytes, start, end)).toBe(text.slice(start, end));
    }
  });
});
