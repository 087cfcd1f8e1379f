/**
 * Guards against pathological inputs: 1 MB adversarial frames decode in a number of byte
 * reads linear in their size (counted, not timed), and src/ holds no regular expression
 * that could backtrack.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createDecoder, crc16, decode, type DecodeOptions, type DecodeResult } from 'powerbank-codec';

const MB = 1024 * 1024;
const ascii = (text: string) => new TextEncoder().encode(text);
const hex4 = (value: number) => value.toString(16).toUpperCase().padStart(4, '0');

/** `{"fields,CRC"}` with a correct CRC-16/MODBUS, so that decoding goes past the CRC. */
const withCrc = (fields: string) => ascii(`{"${fields},${hex4(crc16(fields))}"}`);

/**
 * A view of `bytes` that counts how many times an element is read. Methods run on the
 * real array (they are native and linear, or constant time like `subarray`).
 */
function counting(bytes: Uint8Array): { view: Uint8Array; reads: () => number } {
  let reads = 0;
  const view = new Proxy(bytes, {
    get(target, key) {
      if (typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 0x30 && key.charCodeAt(0) <= 0x39) reads++;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { view, reads: () => reads };
}

const slotCount999 = { dialect: { slotCount: 999 } };
const everySlot = Array.from({ length: 999 }, (_, i) => `${i + 1}.ER;`).join('');

const adversarial: Array<[string, () => Uint8Array, DecodeOptions?]> = [
  ['1 MB of commas', () => ascii(`{"${','.repeat(MB)}"}`)],
  ['1 MB of dots', () => ascii(`{"${'.'.repeat(MB)}"}`)],
  ['1 MB of semicolons with a valid CRC', () => withCrc(`860123456789014,AQ,${';'.repeat(MB)}`)],
  ['1 MB of digits', () => ascii(`{"${'1'.repeat(MB)}"}`)],
  ['a 1 MB IMEI with a valid CRC', () => withCrc(`${'1'.repeat(MB)},CH,`)],
  ['a 1 MB command word with a valid CRC', () => withCrc(`860123456789014,${'C'.repeat(MB)},`)],
  ['a 1 MB power-bank id with a valid CRC', () => withCrc(`860123456789014,CC,BW.1.${'A'.repeat(MB)}`)],
  ['1 MB of slot records with a valid CRC', () => withCrc(`860123456789014,AQ,${'1.FU.A;2.NF.B;3.ER;'.repeat(MB / 19 + 1)}`)],
  [
    'all 999 slots, then 1 MB of repeated records, with a valid CRC',
    () => withCrc(`860123456789014,AQ,${everySlot}${'999.ER;'.repeat(MB / 7 + 1)}`),
    slotCount999,
  ],
  ['1 MB of record separators with a valid CRC', () => withCrc(`860123456789014,AQ,${'1.'.repeat(MB / 2)}`)],
  ['1 MB of nested braces', () => ascii(`${'{'.repeat(MB / 2)}${'}'.repeat(MB / 2)}`)],
  ['a { followed by 1 MB of quotes', () => ascii(`{${'"'.repeat(MB)}`)],
  ['1 MB of quotes inside braces', () => ascii(`{${'"'.repeat(MB)}}`)],
  ['1 MB of CR and LF', () => ascii(`{"860123456789014,CH,,3FCE"}${'\r\n'.repeat(MB / 2)}`)],
];

describe('1 MB adversarial inputs', () => {
  it.each(adversarial)('%s: decoded in at most 8 byte reads per byte, with a clear error', (_, build, options) => {
    const bytes = build();
    expect(bytes.length).toBeGreaterThanOrEqual(MB);
    const { view, reads } = counting(bytes);
    const result: DecodeResult = decode(view, options);
    expect(result.ok).toBe(false);
    expect(reads()).toBeLessThanOrEqual(8 * bytes.length);
    if (!result.ok) expect(result.error.message.length).toBeLessThan(300);
  });

  it.each(adversarial)('%s: through the streaming decoder, with at most maxFrameLength bytes buffered', (_, build, options) => {
    const bytes = build();
    const decoder = createDecoder(options);
    let items = 0;
    for (let at = 0; at < bytes.length; at += 64 * 1024) {
      items += decoder.push(bytes.subarray(at, at + 64 * 1024)).length;
      expect(decoder.bufferedLength).toBeLessThanOrEqual(1024);
    }
    items += decoder.end().length;
    // Nothing longer than a frame reaches decode; the floods come out as a bounded number of items.
    expect(items).toBeLessThanOrEqual(bytes.length);
  });
});

describe('regular expressions', () => {
  function sourceFiles(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [],
    );
  }

  /** Every regular expression literal and RegExp call in `file`, as "file:line text". */
  function regularExpressions(file: string): string[] {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
      const isRegExpCall = (ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText(source) === 'RegExp';
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral || isRegExpCall) {
        found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} ${node.getText(source)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  }

  it('finds the regular expressions of a file (the check can fail)', () => {
    expect(regularExpressions(join(import.meta.dirname, 'guards.test.ts')).length).toBeGreaterThan(0);
    const probe = /a+b/;
    expect(probe.test('aab')).toBe(true);
  });

  it('there are none in src/, so none can backtrack', () => {
    const files = sourceFiles(join(import.meta.dirname, '..', 'src'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap(regularExpressions)).toEqual([]);
  });
});
