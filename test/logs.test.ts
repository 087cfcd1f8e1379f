/**
 * The log readers of `decode` (src/cli/logs/): what each format gives back of a byte
 * stream written in it (by test/support/logWriters.ts), how the first lines choose the
 * format, and the details of times, od addresses and JSON fields. The fixtures made by
 * the real tools are in test/cli-logs.test.ts.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createDecoder, encode } from 'powerbank-codec';
import { arbChunking, arbNoisyStream } from 'powerbank-codec/arbitraries';
import { chooseInput, type InputChoice } from '../src/cli/logs/choose.js';
import { LogText } from '../src/cli/logs/encoding.js';
import type { LogItem, LogRecord } from '../src/cli/logs/records.js';
import { LogSession } from '../src/cli/logs/session.js';
import { epochTime, LogClock, readStamp } from '../src/cli/logs/time.js';
import { formatTime } from '../src/cli/capture/pcap.js';
import * as write from './support/logWriters.js';

const text = (value: string) => Uint8Array.from(value, (char) => char.charCodeAt(0));
const T0 = 1_796_592_728_894_958_000n;
const HEARTBEAT = encode({ type: 'Heartbeat', imei: '860123456789014' });

async function* chunked(file: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < file.length; at += size) yield file.slice(at, at + size);
}

/** How `decode` chooses to read `file` (with the flags given), and everything its reader makes of it, read in chunks of `size`. */
async function readLog(file: Uint8Array, flags: { format?: string; field?: string; serverPort?: number } = {}, size = 7): Promise<{ choice: InputChoice; notice: string | undefined; items: LogItem[] }> {
  const { choice, notice } = await chooseInput(chunked(file, size), { format: flags.format, hex: false, field: flags.field, serverPort: flags.serverPort });
  const items: LogItem[] = [];
  if (choice.kind === 'log') {
    const decoder = new LogText();
    for await (const chunk of choice.chunks) items.push(...choice.reader.push(decoder.push(chunk)));
    items.push(...choice.reader.push(decoder.end()), ...choice.reader.end());
  }
  return { choice, notice, items };
}

const records = (items: readonly LogItem[]) => items.filter((item): item is LogRecord => item.kind === 'record');
const problems = (items: readonly LogItem[]) => items.filter((item) => item.kind === 'problem').map((item) => (item.kind === 'problem' ? item.message : ''));

/** The bytes of the records of each direction, joined. */
function byStream(items: readonly LogItem[]): Map<string, number[]> {
  const streams = new Map<string, number[]>();
  for (const record of records(items)) {
    const label = record.stream?.label ?? '';
    streams.set(label, [...(streams.get(label) ?? []), ...record.bytes]);
  }
  return streams;
}

/** A log's entries: the chunks of a stream, the first entry a heartbeat (so that the log opens as its format does), all received, or alternating. */
function entriesOf(chunks: Uint8Array[], alternate: boolean): write.LogEntry[] {
  return [HEARTBEAT, ...chunks]
    .filter((bytes) => bytes.length > 0)
    .map((bytes, i) => ({ nanos: T0 + BigInt(i) * 1_234_567n, rx: !alternate || i % 2 === 0, bytes }));
}

const joined = (entries: readonly write.LogEntry[], rx: boolean) => entries.filter((entry) => entry.rx === rx).flatMap((entry) => [...entry.bytes]);

describe('a byte stream written in each log format reads back as the same bytes', () => {
  const directed: Array<[string, (entries: readonly write.LogEntry[]) => Uint8Array, string, string, Record<string, string>?]> = [
    ['sscom', write.sscomHex, 'RX', 'TX'],
    ['docklight', write.docklightHex, 'RX', 'TX'],
    ['log', write.logRxTx, 'RX', 'TX'],
    ['log', write.logText, 'RX', 'TX'],
    ['log', write.logUtf16, 'RX', 'TX'],
    ['log', write.logApp, '<-', '->'],
    ['jsonl', write.jsonlText, 'rx', 'tx', { field: 'raw' }],
    ['jsonl', write.jsonlHex, 'device', 'server', { field: 'frame.hex' }],
    ['tshark-follow', (entries) => write.tsharkFollowHex(entries, ['10.0.0.2:51234', '10.0.0.1:9000']), '10.0.0.2:51234 → 10.0.0.1:9000', '10.0.0.1:9000 → 10.0.0.2:51234'],
  ];
  for (const [format, writer, rx, tx, flags] of directed) {
    it(`${format} (${writer.name}): each direction's bytes, in order`, async ({ expect }) => {
      await fc.assert(
        fc.asyncProperty(arbNoisyStream({ maxFrames: 4 }), arbChunking({ maxCuts: 12 }), fc.integer({ min: 1, max: 40 }), async ({ bytes }, chunking, size) => {
          const entries = entriesOf(chunking.split(bytes), true);
          const { items } = await readLog(writer(entries), { format, ...flags }, size);
          expect(problems(items)).toEqual([]);
          const streams = byStream(items);
          expect(streams.get(rx) ?? []).toEqual(joined(entries, true));
          expect(streams.get(tx) ?? []).toEqual(joined(entries, false));
        }),
        { numRuns: 40 },
      );
    });
  }

  const received: Array<[string, (entries: readonly write.LogEntry[]) => Uint8Array]> = [
    ['sscom', write.sscomTextGbk],
    ['realterm', (entries) => write.realterm(entries, write.unixStamp, ',', false)],
    ['realterm', (entries) => write.realterm(entries, write.unixStamp, ',', true)],
    ['realterm', (entries) => write.realterm(entries, write.matlabStamp, ' ', false)],
    ['coolterm', write.cooltermHex],
    ['od', (entries) => write.odHex(Uint8Array.from(joined(entries, true)), 16)],
    ['od', (entries) => write.odHex(Uint8Array.from(joined(entries, true)), 8, 10)],
    ['od', (entries) => write.odHex(Uint8Array.from(joined(entries, true)), 10, 1)],
    ['od', (entries) => write.odChars(Uint8Array.from(joined(entries, true)))],
    ['base64', (entries) => text(Buffer.from(joined(entries, true)).toString('base64').replace(/.{76}/g, '$&\n'))],
  ];
  for (const [format, writer] of received) {
    it(`${format} (${writer.name || 'one stream'}): the bytes, in order, and so the same messages`, async ({ expect }) => {
      await fc.assert(
        fc.asyncProperty(arbNoisyStream({ maxFrames: 4 }), arbChunking({ maxCuts: 12 }), fc.integer({ min: 1, max: 40 }), async ({ bytes, dialect }, chunking, size) => {
          const entries = entriesOf(chunking.split(bytes), false);
          const { items } = await readLog(writer(entries), { format }, size);
          expect(problems(items)).toEqual([]);
          const read = Uint8Array.from(records(items).flatMap((record) => [...record.bytes]));
          const stream = Uint8Array.from(joined(entries, true));
          expect(read).toEqual(stream);
          const messages = (input: Uint8Array) => { const decoder = createDecoder({ dialect }); return [...decoder.push(input), ...decoder.end()].filter((item) => item.kind === 'message'); };
          expect(messages(read).length).toBe(messages(stream).length);
        }),
        { numRuns: 30 },
      );
    });
  }
});

describe('choosing the format', () => {
  const entries = [HEARTBEAT, encode({ type: 'StatusQuery', imei: '860123456789014' })].map((bytes, i) => ({ nanos: T0 + BigInt(i) * 1_000_000n, rx: i === 0, bytes }));
  const recognised: Array<[string, Uint8Array]> = [
    ['sscom', write.sscomHex(entries)],
    ['sscom', write.sscomTextGbk(entries)],
    ['docklight', write.docklightHex(entries)],
    ['docklight', write.docklightAscii(entries)],
    ['realterm', write.realterm(entries, write.unixStamp, ',', false)],
    ['realterm', write.realterm(entries, write.matlabStamp, ' ', false)],
    ['coolterm', write.cooltermHex(entries)],
    ['log', write.logRxTx(entries)],
    ['log', write.logApp(entries)],
    ['log', write.logUtf16(entries)],
    ['jsonl', write.jsonlText(entries)],
    ['jsonl', write.jsonlHex(entries)],
    ['tshark-follow', write.tsharkFollowHex(entries, ['a:1', 'b:2'])],
    ['od', write.odHex(HEARTBEAT, 16)],
    ['od', write.odChars(HEARTBEAT)],
    ['base64', text(`${Buffer.from(HEARTBEAT).toString('base64')}\n`)],
  ];
  it.for(recognised.map(([format, file], i) => [format, i, file] as const))('recognises %s (%i) by its first lines, and says so', async ([format, , file], { expect }) => {
    const { choice, notice } = await readLog(file, {}, 5);
    expect(choice.kind === 'log' ? choice.format.name : choice.kind).toBe(format);
    expect(notice).toContain(`--format ${format} says so`);
  });

  it('reads a frame, a raw capture or an empty input as raw bytes, without waiting for a line to end', async ({ expect }) => {
    const first = async function* () {
      yield text('{"860123456789014,CH,');
      throw new Error('read past the first chunk');
    };
    expect((await chooseInput(first(), { format: undefined, hex: false, field: undefined, serverPort: undefined })).choice.kind).toBe('raw');
    expect((await readLog(text('AT+CIPSTART\r\n'))).choice.kind).toBe('raw');
    expect((await readLog(new Uint8Array(0))).choice.kind).toBe('raw');
  });

  it('refuses input two formats read differently, naming the flag of each', async ({ expect }) => {
    // A time of day without decimals, then hex: hex text reads the time as three bytes.
    await expect(readLog(text(`12:34:56 ${write.hexSpaced(HEARTBEAT)}\n`))).rejects.toThrow('the input could be read as a hex dump (--format hex) or a log with a time on each line (--format log); say which with --format');
    const twoFields = text(`${JSON.stringify({ a: '{"860123456789014,CH,,3FCE"}', b: Buffer.from(HEARTBEAT).toString('hex') })}\n`);
    await expect(readLog(twoFields)).rejects.toThrow('several JSON fields hold frames (a, b); name one with --field');
    expect(records((await readLog(twoFields, { field: 'b' })).items)[0]?.bytes).toEqual(HEARTBEAT);
  });

  it('refuses a hex dump it cannot read, saying what is wrong, rather than decoding its text', async ({ expect }) => {
    const dump = `00000000: qq\n00000000: 7b22 3836 3031 3233 3435 3637 3839 3031  {"86012345678901\n00000010: 342c 4348 2c2c 3346 4345 227d 0d0a  4,CH,,3FCE"}..\n`;
    await expect(readLog(text(dump))).rejects.toThrow('this looks like a hex dump, but hex input, line 1: no hex bytes after the offset in "qq"; fix that line and use --hex, or use --format raw to decode the bytes as they are');
    await expect(readLog(text('0000  00 00 00 00\n0010  00 00\n'))).rejects.toThrow('this looks like a hex dump, without a frame in its first lines; use --hex to decode it, or --format raw');
    // od's default, od -x and hexdump without -C: two-byte words.
    const words = '0000000 021173 033070 030460 031462 032464 033466 034470 030460\n0000020 026064 044103 026054 043063 042503 076442 005015\n0000036\n';
    await expect(readLog(text(words))).rejects.toThrow('this looks like od output, but line 1: not od -tx1 or od -c output (od -x, hexdump and the default od print two-byte words in the byte order of the machine that ran them): dump with od -tx1');
  });

  it('checks the flags', async ({ expect }) => {
    await expect(readLog(HEARTBEAT, { format: 'nope' })).rejects.toThrow('--format must be one of raw, pcap, hex, sscom,');
    await expect(chooseInput(chunked(HEARTBEAT, 4), { format: 'od', hex: true, field: undefined, serverPort: undefined })).rejects.toThrow('--hex and --format od contradict each other');
    await expect(readLog(HEARTBEAT, { format: 'od', field: 'raw' })).rejects.toThrow('--field names the field of a JSON Lines log');
    expect((await readLog(HEARTBEAT, { format: 'PCAPNG' })).choice.kind).toBe('capture');
    expect((await readLog(write.odHex(HEARTBEAT, 16), { format: 'raw' })).choice.kind).toBe('raw');
  });
});

describe('times in logs', () => {
  const stamp = (value: string) => readStamp(value, 0)?.stamp;

  it('reads a time of day, with a date, a fraction, a zone or AM/PM, and keeps it as written', ({ expect }) => {
    expect(stamp('17:03:01.003]')).toMatchObject({ text: '17:03:01.003', day: undefined, nanosOfDay: 61_381_003_000_000n, digits: 3 });
    expect(stamp('2026-12-06T21:32:08.894958Z x')).toMatchObject({ text: '2026-12-06T21:32:08.894958Z', day: 20_793, digits: 6, zoneMinutes: 0 });
    expect(stamp('06.12.2026 21:32:08,5')).toMatchObject({ day: 20_793, digits: 1 });
    expect(stamp('12/6/2026 9:32:08 PM')).toMatchObject({ day: undefined, nanosOfDay: 77_528_000_000_000n });
    expect(stamp('13/12/2026 00:00:00')?.day).toBe(20_800);
    expect(stamp('12/13/2026 00:00:00')?.day).toBe(20_800);
    expect(stamp('2026/12/06 08:00:00+08:00')).toMatchObject({ day: 20_793, zoneMinutes: 480 });
    expect(stamp('00:00:01:234')).toMatchObject({ nanosOfDay: 1_234_000_000n, digits: 3 });
    expect(stamp('Dec  6 21:32:08 host')).toMatchObject({ text: 'Dec  6 21:32:08', day: undefined });
    expect(stamp('Dec 06 2026 21:32:08')).toMatchObject({ day: 20_793 });
    for (const none of ['17:3:01', '25:00:00', '2026-13-01 00:00:00', '31.02.2026 00:00:00', 'Feb 30 2026 00:00:00', 'Dec 32 00:00:00', 'Dez 6 00:00:00', '1796592728', '']) expect(stamp(none)).toBeUndefined();
  });

  it('counts days when a time of day goes back by more than twelve hours, and places dated times on their day', ({ expect }) => {
    const clock = new LogClock();
    const at = (value: string) => clock.time(stamp(value)!).nanoseconds;
    expect(at('23:59:59.000')).toBe(86_399_000_000_000n);
    expect(at('23:59:58.000')).toBe(86_398_000_000_000n);
    expect(at('00:00:01.000')).toBe(86_401_000_000_000n);
    expect(at('2026-12-06T21:32:08Z')).toBe(1_796_592_728_000_000_000n);
    expect(formatTime(clock.time(stamp('06/12/2026 21:32:08.894')!))).toBe('06/12/2026 21:32:08.894');
  });

  it('reads seconds since 1970, or milliseconds, microseconds, nanoseconds by the size of the number', ({ expect }) => {
    const cases: Array<[string, number]> = [['1796592728.894958', 6], ['1796592728894.958', 6], ['1796592728894958', 6], ['1796592728894958000', 9]];
    for (const [written, digits] of cases) expect(epochTime(written)).toEqual({ nanoseconds: 1_796_592_728_894_958_000n, digits });
    expect(formatTime(epochTime('1796592728.5'))).toBe('2026-12-06T21:32:08.5Z');
    for (const bad of ['', 'x', '1.2.3', '1796592728.1234567890']) expect(epochTime(bad)).toBeUndefined();
  });
});

describe('od output', () => {
  const read = async (dump: string) => (await readLog(text(dump), { format: 'od' })).items;

  it('tells the address radix by the addresses, and fills in the lines a "*" left out', async ({ expect }) => {
    const five = Array.from({ length: 5 }, () => [...HEARTBEAT]).flat();
    for (const radix of [8, 10, 16] as const) {
      const items = await read(new TextDecoder().decode(write.odHex(Uint8Array.from(five), radix, 30)));
      expect(problems(items)).toEqual([]);
      expect(records(items).flatMap((record) => [...record.bytes])).toEqual(five);
    }
  });

  it('refuses what it cannot put back or read, naming the line', async ({ expect }) => {
    expect(problems(await read(' 7b 22\n*\n 38 36\n'))).toEqual(['line 2: "*" stands for lines od left out, and without addresses they cannot be put back; dump again with od -v']);
    expect(problems(await read('0000000 7b 22\n*\n'))).toEqual(['line 2: the dump ends with "*" and no address after it: the lines left out cannot be put back; dump again with od -v']);
    expect(problems(await read('0000000 227b 3638\n'))[0]).toMatch(/^line 1: not od -tx1 or od -c output/);
    expect(problems(await read('0000000 7b 22\n0000005 38\n'))).toEqual(['line 2: address 0000005 does not follow the 2 bytes before it in any radix']);
    expect(problems(await read('0000000 7b 22\n         8   6\n'))[0]).toMatch(/^line 2: no od address where the lines before have one/);
  });
});

describe('the readers, line by line', () => {
  it('SSCOM: text before the first record, and a record not in hex in a hex log, are problems', async ({ expect }) => {
    const log = `garbage\r\n[21:32:08.894]\xe6\x94\xb6\xe2\x86\x90\xe2\x97\x867B 22 \r\n[21:32:08.895]\xe6\x94\xb6\xe2\x86\x90\xe2\x97\x86hello\r\n`;
    const { items } = await readLog(text(log), { format: 'sscom' });
    expect(problems(items)).toEqual(['line 1: not an SSCOM record ([time]收←◆ or [time]发→◇ at the start of the line)', 'line 3: not hex like the records before it; SSCOM showed this log in hex']);
  });

  it('Docklight: a Decimal log is refused; comments are skipped', async ({ expect }) => {
    expect(problems((await readLog(text('Docklight Log File (Decimal) - Started 01.03.2019 14:09:26.248\r\n'), { format: 'docklight' })).items)).toEqual(['line 1: a Decimal log; save it as HEX or ASCII']);
    const ascii = 'Docklight Log File (ASCII) - Started\r\n01.03.2019 14:09:28.637 [RX] - {"860123456789014,CH,,3FCE"}<CR><LF>\r\n XENAX Tell Position = 10687\r\n\r\n01.03.2019 14:09:28.640 [TX] - A<NUL><TAB><DEL><XY>\r\n';
    const streams = byStream((await readLog(text(ascii))).items);
    expect(streams.get('RX')).toEqual([...HEARTBEAT]);
    expect(streams.get('TX')).toEqual([...text('A\0\t\x7f<XY>')]);
  });

  it('the generic log: tags, text after them, hex at the end, other lines skipped and counted', async ({ expect }) => {
    const log = [
      '2026-12-06 21:32:08.000 INFO starting',
      '[2026-12-06 21:32:08.001] recv: {"860123456789014,CH,,3FCE"}\\r\\n',
      '2026-12-06 21:32:08.002 in state 7B 22',
      '2026-12-06 21:32:08.003 OUT "{\\"8\\"}"',
      '2026-12-06 21:32:08.004 (SEND) \\x41\\q',
      'no time 7B 22',
    ].join('\n');
    const { choice, items } = await readLog(text(log), { format: 'log' });
    const streams = byStream(items);
    expect(streams.get('RECV')).toEqual([...HEARTBEAT]);
    expect(streams.get('')).toEqual([0x7b, 0x22]);
    expect(streams.get('OUT')).toEqual([...text('{"8"}')]);
    expect(streams.get('SEND')).toEqual([...text('A\\q')]);
    expect(choice.kind === 'log' && choice.reader.skipped?.()).toBe('2 lines without a time or without bytes skipped (the first: line 1)');
  });

  it('the generic log: each tag in hex or in text as its first line shows, recognised without a flag', async ({ expect }) => {
    const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(' ');
    const log = [
      `2026-12-06 21:32:08.001 [RX] ${hex(HEARTBEAT)}`,
      '2026-12-06 21:32:08.002 [TX] {"860123456789014,CQ,,AFC5"}\\r\\n',
      `2026-12-06 21:32:08.003 [RX] ${hex(HEARTBEAT)}`,
      '2026-12-06 21:32:08.004 [RX] {"860123456789014,CH,,3FCE"}',
    ].join('\n');
    const { choice, items } = await readLog(text(log));
    expect(choice.kind === 'log' && choice.format.name).toBe('log');
    const streams = byStream(items);
    expect(streams.get('RX')).toEqual([...HEARTBEAT, ...HEARTBEAT]);
    expect(streams.get('TX')).toEqual([...text('{"860123456789014,CQ,,AFC5"}\r\n')]);
    expect(problems(items)).toEqual(['line 4: not hex like the lines before it tagged RX']);
  });

  it('JSON Lines: a line that is not an object is a problem; the sender from the log', async ({ expect }) => {
    const log = `${JSON.stringify({ time: 1796592728894, from: 'station', frame: '{"860123456789014,CH,,3FCE"}' })}\n[1]\n`;
    const { items } = await readLog(text(log));
    expect(records(items)[0]).toMatchObject({ time: { nanoseconds: 1_796_592_728_894_000_000n, digits: 3 }, stream: { label: 'station', from: 'device' } });
    expect(problems(items)).toEqual(['line 2: not a JSON object']);
  });

  it('JSON Lines: a connection field keeps stations apart; a direction that is an address names none', async ({ expect }) => {
    const line = (fields: Record<string, unknown>) => `${JSON.stringify({ ...fields, frame: '{"860123456789014,CH,,3FCE"}' })}\n`;
    const { items } = await readLog(text(line({ conn: 7, dir: 'in' }) + line({ conn: 8, dir: 'in' }) + line({ dir: '10.1.2.3' })));
    expect(records(items).map((record) => record.stream)).toEqual([{ label: '7 in', conversation: '7', from: undefined }, { label: '8 in', conversation: '8', from: undefined }, undefined]);
  });

  it('tshark follow: a gap in a node\'s offsets, a line out of order, a text follow', async ({ expect }) => {
    const log = `Follow: tcp,hex\nNode 0: a:1\nNode 1: b:9000\n00000000  7b 22\n00000010  38 36\n00000004  30\n`;
    const { items } = await readLog(text(log), { serverPort: 9000 });
    expect(records(items).map((record) => [record.missing, record.stream])).toEqual([
      [undefined, { label: 'a:1 → b:9000', conversation: '0', from: 'device' }],
      [14, { label: 'a:1 → b:9000', conversation: '0', from: 'device' }],
    ]);
    expect(problems(items)).toEqual(['line 6: offset 4 of a:1 comes after 18 bytes of it: a line repeated or out of order']);
    expect(problems((await readLog(text('Follow: tcp,ascii\n'), { format: 'tshark-follow' })).items)).toEqual(['line 1: tshark followed the stream as ascii; use -z follow,tcp,hex (or raw)']);
  });
});

describe('the log session', () => {
  it('decides the sender of a direction by its first frame, and of the other direction with it', ({ expect }) => {
    const session = new LogSession({ decoder: {}, strict: false, from: undefined });
    const query = encode({ type: 'StatusQuery', imei: '860123456789014' });
    const rows = session.items([
      { kind: 'record', bytes: query, time: undefined, stream: { label: 'RX', conversation: '' } },
      { kind: 'record', bytes: HEARTBEAT, time: undefined, stream: { label: 'TX', conversation: '' } },
    ]);
    expect(rows.map(({ connection, from, row }) => [connection, from, row.kind === 'message' ? row.message.type : row.kind])).toEqual([
      ['RX', 'server', 'StatusQuery'],
      ['TX', 'device', 'Heartbeat'],
    ]);
    expect(session.summaries()[0]?.roles).toBe('frames');
  });
});
