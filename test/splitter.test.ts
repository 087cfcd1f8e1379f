import { describe, expect, it } from 'vitest';
import { FrameSplitter, isProtocolError, type SplitterEvent } from 'powerbank-codec';

const ascii = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);
/** The flood of the memory tests: 10 MB, or a tenth of it under the mutation run (FC_RUNS_SCALE=0.1), whose instrumented code is slower. */
const FLOOD_BYTES = Math.round(10 * Number(process.env['FC_RUNS_SCALE'] ?? 1)) * 1024 * 1024;

/** Feeds `chunks` to a fresh splitter and returns every event, `end()` included. */
function split(chunks: readonly Uint8Array[], options?: ConstructorParameters<typeof FrameSplitter>[0]): SplitterEvent[] {
  const splitter = new FrameSplitter(options);
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
}

/** Events with their bytes as text, for readable expectations. */
function readable(events: SplitterEvent[]) {
  return events.map((event) =>
    event.kind === 'frame'
      ? { kind: event.kind, offset: event.offset, length: event.length, text: text(event.bytes) }
      : event.kind === 'lineEnding'
        ? event
        : { kind: event.kind, offset: event.offset, length: event.length, text: text(event.preview) },
  );
}

const HEARTBEAT = '{"860123456789014,CH,,3FCE"}';

describe('FrameSplitter chunks', () => {
  it('reads an ArrayBuffer or any view as its bytes; throws a TypeError for anything else and carries on', () => {
    const splitter = new FrameSplitter();
    const frame = ascii(`${HEARTBEAT}\r\n`);
    expect(readable(splitter.push(frame.slice().buffer as unknown as Uint8Array))).toEqual([{ kind: 'frame', offset: 0, length: 28, text: HEARTBEAT }]);
    expect(readable(splitter.push(new DataView(frame.buffer, 0, 4) as unknown as Uint8Array))).toEqual([]);
    for (const chunk of ['{"x"}', null, 7, [0x7b]]) expect(() => splitter.push(chunk as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => splitter.push('{' as unknown as Uint8Array)).toThrow('a chunk is a Uint8Array; got string');
    expect(splitter.bufferedLength).toBe(4);
    expect(readable(splitter.push(frame.subarray(4)))).toEqual([{ kind: 'frame', offset: 30, length: 28, text: HEARTBEAT }]);
  });
});

describe('FrameSplitter events', () => {
  it('emits a frame as soon as its } arrives, before the line ending', () => {
    const splitter = new FrameSplitter();
    expect(readable(splitter.push(ascii(HEARTBEAT)))).toEqual([{ kind: 'frame', offset: 0, length: 28, text: HEARTBEAT }]);
    expect(splitter.push(ascii('\r\n'))).toEqual([]);
    expect(splitter.end()).toEqual([]);
  });

  it('reports the noise between two frames as one run, without the CR and LF at its ends', () => {
    expect(readable(split([ascii(`\r\nAT+CSQ\r\n\r\nOK\r\n${HEARTBEAT}\r\ntrailing\n`)]))).toEqual([
      { kind: 'noise', offset: 2, length: 12, text: 'AT+CSQ\r\n\r\nOK' },
      { kind: 'frame', offset: 16, length: 28, text: HEARTBEAT },
      { kind: 'noise', offset: 46, length: 8, text: 'trailing' },
    ]);
  });

  it('reports a "frame" too short to be one (under 21 bytes) as noise, in the run around it', () => {
    expect(readable(split([ascii(`x{}{"8601"}{12345678901234567}${HEARTBEAT}{1234567890123456789}`)]))).toEqual([
      { kind: 'noise', offset: 0, length: 30, text: 'x{}{"8601"}{12345678901234567}' },
      { kind: 'frame', offset: 30, length: 28, text: HEARTBEAT },
      { kind: 'frame', offset: 58, length: 21, text: '{1234567890123456789}' },
    ]);
  });

  it('reports the run between two frames by the worst thing in it: tooLong, then truncated, then noise', () => {
    expect(readable(split([ascii(`AT\r\n{"8601{"8601${HEARTBEAT}{"86{${'x'.repeat(40)}}{}${HEARTBEAT}`)], { maxFrameLength: 30 }))).toEqual([
      { kind: 'truncated', offset: 0, length: 16, text: 'AT\r\n{"8601{"8601' },
      { kind: 'frame', offset: 16, length: 28, text: HEARTBEAT },
      { kind: 'tooLong', offset: 44, length: 34, text: `{"86{${'x'.repeat(29)}` },
      { kind: 'tooLong', offset: 78, length: 14, text: `${'x'.repeat(11)}}{}` },
      { kind: 'frame', offset: 92, length: 28, text: HEARTBEAT },
    ]);
  });

  it('treats a } outside any frame as noise', () => {
    expect(readable(split([ascii('}}\r\n')]))).toEqual([{ kind: 'noise', offset: 0, length: 2, text: '}}' }]);
  });

  it('reports a frame cut short by another { as truncated, then resynchronises', () => {
    expect(readable(split([ascii(`{"860123456789014,AQ,1.FU${HEARTBEAT}`)]))).toEqual([
      { kind: 'truncated', offset: 0, length: 25, text: '{"860123456789014,AQ,1.FU' },
      { kind: 'frame', offset: 25, length: 28, text: HEARTBEAT },
    ]);
  });

  it('reports a frame cut short by the end of the stream as truncated', () => {
    expect(readable(split([ascii(`${HEARTBEAT}\r\n{"8601`)]))).toEqual([
      { kind: 'frame', offset: 0, length: 28, text: HEARTBEAT },
      { kind: 'truncated', offset: 30, length: 6, text: '{"8601' },
    ]);
  });

  it('reports a frame longer than maxFrameLength as soon as it crosses it, then the rest up to its }', () => {
    const long = `{${'x'.repeat(40)}}`;
    const splitter = new FrameSplitter({ maxFrameLength: 30 });
    expect(readable(splitter.push(ascii(long.slice(0, 30))))).toEqual([]);
    expect(readable(splitter.push(ascii(long.slice(30, 31))))).toEqual([{ kind: 'tooLong', offset: 0, length: 30, text: long.slice(0, 30) }]);
    expect(readable([...splitter.push(ascii(`${long.slice(31)}\r\n${HEARTBEAT}`)), ...splitter.end()])).toEqual([
      { kind: 'tooLong', offset: 30, length: 12, text: long.slice(30) },
      { kind: 'frame', offset: 44, length: 28, text: HEARTBEAT },
    ]);
  });

  it('reports a flood in pieces of maxFrameLength bytes (plus one), up to the next { or the end of the stream', () => {
    const flood = `{${'x'.repeat(100)}`;
    expect(readable(split([ascii(`${flood}${HEARTBEAT}${flood}`)], { maxFrameLength: 30 }))).toEqual([
      { kind: 'tooLong', offset: 0, length: 30, text: flood.slice(0, 30) },
      { kind: 'tooLong', offset: 30, length: 31, text: flood.slice(30, 61) },
      { kind: 'tooLong', offset: 61, length: 31, text: flood.slice(61, 92) },
      { kind: 'tooLong', offset: 92, length: 9, text: flood.slice(92) },
      { kind: 'frame', offset: 101, length: 28, text: HEARTBEAT },
      { kind: 'tooLong', offset: 129, length: 30, text: flood.slice(0, 30) },
      { kind: 'tooLong', offset: 159, length: 31, text: flood.slice(30, 61) },
      { kind: 'tooLong', offset: 190, length: 31, text: flood.slice(61, 92) },
      { kind: 'tooLong', offset: 221, length: 9, text: flood.slice(92) },
    ]);
  });

  it('starts the next frame at a { right where a frame grows too long, in the same chunk or the next', () => {
    const long = `{${'x'.repeat(29)}`;
    const expected = [
      { kind: 'tooLong', offset: 0, length: 30, text: long },
      { kind: 'frame', offset: 30, length: 28, text: HEARTBEAT },
    ];
    expect(readable(split([ascii(`${long}${HEARTBEAT}`)], { maxFrameLength: 30 }))).toEqual(expected);
    expect(readable(split([ascii(long), ascii(HEARTBEAT)], { maxFrameLength: 30 }))).toEqual(expected);
  });

  it('reports a run when it grows past maxFrameLength, not when it reaches it', () => {
    // 'AB' and a frame cut short: 30 bytes, the limit; the '{}' after them makes 32.
    const truncated = `AB{${'x'.repeat(27)}`;
    expect(readable(split([ascii(`${truncated}{}${HEARTBEAT}`)], { maxFrameLength: 30 }))).toEqual([
      { kind: 'truncated', offset: 0, length: 32, text: `${truncated}{}` },
      { kind: 'frame', offset: 32, length: 28, text: HEARTBEAT },
    ]);
  });

  it('keeps a frame of exactly maxFrameLength bytes', () => {
    expect(split([ascii(HEARTBEAT)], { maxFrameLength: 28 }).map((e) => e.kind)).toEqual(['frame']);
    expect(split([ascii(HEARTBEAT)], { maxFrameLength: 27 }).map((e) => e.kind)).toEqual(['tooLong', 'tooLong']);
  });

  it.each([
    ['\n', '\r\n', 28, 1],
    ['\r', '\r\n', 28, 1],
    ['\r\n', '\n', 28, 2],
    ['\r', '\n', 28, 1],
    ['\r\n', '', 28, 2],
    ['\n', '', 28, 1],
  ] as const)('reports a line ending %j where %j is expected', (seen, expected, offset, length) => {
    const events = split([ascii(`${HEARTBEAT}${seen}${HEARTBEAT}`)], { dialect: { lineEnding: expected } });
    expect(events.map((e) => e.kind)).toEqual(['frame', 'lineEnding', 'frame']);
    expect(events[1]).toEqual({ kind: 'lineEnding', offset, length, seen, expected });
  });

  it('does not report the expected line ending, a missing one, or blank lines after it', () => {
    expect(split([ascii(`${HEARTBEAT}\r\n\r\n\n${HEARTBEAT}${HEARTBEAT}`)]).map((e) => e.kind)).toEqual(['frame', 'frame', 'frame']);
    expect(split([ascii(`${HEARTBEAT}\n`)], { dialect: { lineEnding: '\n' } }).map((e) => e.kind)).toEqual(['frame']);
  });

  it('reports a lone CR at the very end of the stream', () => {
    expect(split([ascii(`${HEARTBEAT}\r`)]).at(-1)).toEqual({ kind: 'lineEnding', offset: 28, length: 1, seen: '\r', expected: '\r\n' });
  });

  it('reports a line ending split across chunks once, at the right offset', () => {
    const chunks = [ascii(HEARTBEAT), ascii('\r'), ascii(''), ascii('\n'), ascii(HEARTBEAT), ascii('\r')];
    expect(split(chunks, { dialect: { lineEnding: '\n' } }).filter((e) => e.kind === 'lineEnding')).toEqual([
      { kind: 'lineEnding', offset: 28, length: 2, seen: '\r\n', expected: '\n' },
      { kind: 'lineEnding', offset: 58, length: 1, seen: '\r', expected: '\n' },
    ]);
  });

  it('previews at most 64 bytes of a long run', () => {
    const [noise] = split([ascii('N'.repeat(1000))]);
    expect(split([ascii('N'.repeat(1000))])).toHaveLength(1);
    expect(noise).toMatchObject({ kind: 'noise', offset: 0, length: 1000 });
    expect(noise?.kind === 'noise' && noise.preview.length).toBe(64);
  });

  it('resets after end(), counting offsets from 0 again', () => {
    const splitter = new FrameSplitter();
    expect(splitter.push(ascii('xx{"86')).map((e) => e.kind)).toEqual([]);
    expect(readable(splitter.end())).toEqual([{ kind: 'truncated', offset: 0, length: 6, text: 'xx{"86' }]);
    expect(splitter.bufferedLength).toBe(0);
    expect(splitter.push(ascii(HEARTBEAT))).toMatchObject([{ kind: 'frame', offset: 0 }]);
  });

  it('gives the frame after a line ending that opens the next chunk its stream offset', () => {
    const splitter = new FrameSplitter();
    expect(readable(splitter.push(ascii(HEARTBEAT)))).toEqual([{ kind: 'frame', offset: 0, length: 28, text: HEARTBEAT }]);
    expect(readable(splitter.push(ascii(`\r\n${HEARTBEAT}\r\n`)))).toEqual([{ kind: 'frame', offset: 30, length: 28, text: HEARTBEAT }]);
    expect(splitter.end()).toEqual([]);
  });

  it('does not check the line ending after an oversized frame', () => {
    const splitter = new FrameSplitter({ maxFrameLength: 30 });
    const long = `{"${'9'.repeat(40)}}`;
    expect(splitter.push(ascii(HEARTBEAT)).map((e) => e.kind)).toEqual(['frame']);
    expect(readable([...splitter.push(ascii(`\r\n${long}\n`)), ...splitter.end()])).toEqual([
      { kind: 'tooLong', offset: 30, length: 30, text: long.slice(0, 30) },
      { kind: 'tooLong', offset: 60, length: 13, text: long.slice(30) },
    ]);
  });

  it('splits back-to-back frames when no line ending is expected', () => {
    expect(readable(split([ascii(`${HEARTBEAT}${HEARTBEAT}`)], { dialect: { lineEnding: '' } }))).toEqual([
      { kind: 'frame', offset: 0, length: 28, text: HEARTBEAT },
      { kind: 'frame', offset: 28, length: 28, text: HEARTBEAT },
    ]);
  });

  it('names the option and the value it refuses', () => {
    const refusal = (options: ConstructorParameters<typeof FrameSplitter>[0]) => {
      try {
        new FrameSplitter(options);
      } catch (error) {
        return isProtocolError(error) ? { code: error.code, field: error.field, message: error.message } : error;
      }
      return undefined;
    };
    expect(refusal({ maxFrameLength: 1 })).toStrictEqual({
      code: 'OPTIONS',
      field: 'maxFrameLength',
      message: 'maxFrameLength must be an integer of at least 2; got 1',
    });
    expect(refusal({ dialect: { lineEnding: '\r' as '\n' } })).toStrictEqual({
      code: 'OPTIONS',
      field: 'dialect.lineEnding',
      message: `dialect.lineEnding must be '\\r\\n', '\\n' or ''; got "\\r"`,
    });
  });

  it('refuses invalid options', () => {
    for (const options of [{ maxFrameLength: 1 }, { maxFrameLength: 10.5 }, { dialect: { lineEnding: '\r' as '\n' } }]) {
      let caught: unknown;
      try {
        new FrameSplitter(options);
      } catch (error) {
        caught = error;
      }
      expect(isProtocolError(caught) && caught.code).toBe('OPTIONS');
    }
  });
});

describe('FrameSplitter memory', () => {
  it('returns a frame inside one chunk as a view of it, and copies one that spans chunks', () => {
    const chunk = ascii(`${HEARTBEAT}\r\n${HEARTBEAT.slice(0, 10)}`);
    const splitter = new FrameSplitter();
    const [inside] = splitter.push(chunk);
    expect(inside?.kind === 'frame' && inside.bytes.buffer).toBe(chunk.buffer);
    const rest = ascii(HEARTBEAT.slice(10));
    const [spanning] = splitter.push(rest);
    expect(spanning?.kind === 'frame' && text(spanning.bytes)).toBe(HEARTBEAT);
    expect(spanning?.kind === 'frame' && spanning.bytes.buffer !== chunk.buffer && spanning.bytes.buffer !== rest.buffer).toBe(true);
  });

  it('returns a frame inside a Node Buffer chunk as a plain Uint8Array view at its place', () => {
    const chunk = Buffer.from(`noise\r\n${HEARTBEAT}\r\n`);
    const [, frame] = new FrameSplitter().push(chunk.subarray(2));
    expect(frame?.kind === 'frame' && frame.bytes.byteOffset).toBe(chunk.byteOffset + 7);
    expect(frame?.kind === 'frame' && frame.bytes.constructor).toBe(Uint8Array);
    expect(frame?.kind === 'frame' && frame.bytes.buffer).toBe(chunk.buffer);
    chunk[9] = 0x37; // the first IMEI digit, seen through the view
    expect(frame?.kind === 'frame' && text(frame.bytes)).toBe(`{"7${HEARTBEAT.slice(3)}`);
  });

  it('keeps its own copy of a partial frame, so the caller may reuse the chunk', () => {
    const splitter = new FrameSplitter();
    const chunk = ascii(HEARTBEAT.slice(0, 14));
    splitter.push(chunk);
    chunk.fill(0x58);
    const [frame] = splitter.push(ascii(HEARTBEAT.slice(14)));
    expect(frame?.kind === 'frame' && text(frame.bytes)).toBe(HEARTBEAT);
  });

  it('grows its copy of a partial frame to hold a chunk larger than twice what it held', () => {
    const long = ascii(`{${'A'.repeat(400)}}`);
    const splitter = new FrameSplitter();
    expect(splitter.push(long.subarray(0, 10))).toEqual([]);
    expect(splitter.push(long.subarray(10, 210))).toEqual([]);
    expect(splitter.bufferedLength).toBe(210);
    const [frame] = splitter.push(long.subarray(210));
    expect(frame?.kind === 'frame' && text(frame.bytes)).toBe(text(long));
  });

  it('buffers at most maxFrameLength bytes after 10 MB without a }', () => {
    const splitter = new FrameSplitter();
    const chunk = new Uint8Array(64 * 1024).fill(0x41);
    chunk[0] = 0x7b;
    let events = 0;
    for (let sent = 0; sent < FLOOD_BYTES; sent += chunk.length) {
      events += splitter.push(chunk).length;
      expect(splitter.bufferedLength).toBeLessThanOrEqual(1024);
    }
    // One event per 1025 bytes or so: about 64 per chunk (10,230 for 10 MB).
    events += splitter.end().length;
    expect(events).toBeGreaterThan(FLOOD_BYTES / 1048);
    expect(events).toBeLessThan(FLOOD_BYTES / 1018);
  });

  it('buffers nothing after 10 MB without a {, and reports every byte of it as noise while it goes on', () => {
    const splitter = new FrameSplitter();
    const chunk = new Uint8Array(64 * 1024).fill(0x7d);
    let length = 0;
    for (let sent = 0; sent < FLOOD_BYTES; sent += chunk.length) {
      for (const event of splitter.push(chunk)) length += event.kind === 'noise' ? event.length : NaN;
      expect(splitter.bufferedLength).toBe(0);
    }
    for (const event of splitter.end()) length += event.kind === 'noise' ? event.length : NaN;
    expect(length).toBe(FLOOD_BYTES);
  });
});
