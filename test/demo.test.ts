/**
 * End to end, over real loopback sockets: the examples' servers and simulated stations,
 * the server example as it runs (`examples/server.ts`), the demo itself, and
 * `npm start`'s command.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StationSimulator, type ConversationEvent } from 'powerbank-codec/testing';
import { runDemo } from '../examples/lib/demo.js';
import { startServer } from '../examples/lib/server.js';
import { connectStation } from '../examples/lib/station-client.js';

const imei = '860123456789014';

describe('the example server and station client', () => {
  it('run a lend and, with returnAfter, the return of the bank, unattended, without a violation', async () => {
    const server = await startServer({ policy: { belongs: () => true } });
    const events: ConversationEvent[] = [];
    server.listen((entry) => {
      if (entry.kind === 'event') events.push(entry.event);
    });
    const station = new StationSimulator({ imei, banks: [{ slot: 2, powerBankId: '1234567890' }] });
    const hello = server.waitFor((entry) => entry.kind === 'event' && entry.event.kind === 'heartbeat', 2_000, 'the heartbeat');
    const client = await connectStation(station, { port: server.port, returnAfter: 20, tickEvery: 10 });
    await hello;
    const returned = server.waitFor((entry) => entry.kind === 'event' && entry.event.kind === 'returned', 2_000, 'the return');
    server.station(imei)!.send({ type: 'LendRequest', imei, slot: 2, powerBankId: '1234567890' });
    await returned;
    await client.close();
    await server.close();
    expect(events.map((event) => event.kind)).toEqual(['heartbeat', 'lent', 'returned']);
    expect(station.status()).toMatchObject([{ slot: 2, powerBankId: '1234567890' }]);
  });

  it('survive noise, a truncated frame and a bad CRC on the line, and a station that goes away', async () => {
    const server = await startServer({ policy: { belongs: () => false } });
    const seen: string[] = [];
    server.listen((entry) => {
      if (entry.kind === 'event') seen.push(entry.event.kind === 'violation' ? `${entry.event.violation}:${entry.event.code}` : entry.event.kind);
      if (entry.kind === 'closed') seen.push('closed');
    });
    const station = new StationSimulator({ imei, banks: [] });
    const client = await connectStation(station, { port: server.port });
    const rejected = server.waitFor((entry) => entry.kind === 'event' && entry.event.kind === 'returnRejected', 2_000, 'the rejection');
    client.sendRaw(station.malformedFrame('noise'));
    client.sendRaw(station.malformedFrame('truncated'));
    client.sendRaw(station.malformedFrame('badCrc'));
    client.insert(1, 'A1');
    await rejected;
    const closed = server.waitFor((entry) => entry.kind === 'closed', 2_000, 'the close');
    await client.close();
    await closed;
    await server.close();
    expect(seen).toEqual([
      'heartbeat',
      'discarded:truncated',
      'decodeError:CRC',
      'returnRejected',
      'closed',
    ]);
  });
});

describe('the server example (examples/server.ts)', () => {
  it('is the server docs/server-guide.md shows, line for line', () => {
    const example = readFileSync('examples/server.ts', 'utf8');
    const guide = readFileSync('docs/server-guide.md', 'utf8');
    const code = example.slice(example.indexOf('*/\n') + 3);
    expect(guide).toContain(`## The whole server\n\n\`\`\`ts\n${code}\`\`\``);
    // The guide counts its lines of code: neither blank nor a comment.
    const lines = code.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('//')).length;
    expect(guide).toContain(`Of its ${lines} lines`);
  });

  it('serves a station over TCP and lends over HTTP: ownership from the status it asked for, every request settled, a clean stop on SIGINT', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/server.ts', '--port', '0', '--http', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null]>;
    const until = async (text: string) => {
      for (let waited = 0; !output.includes(text); waited += 20) {
        if (waited > 15_000) throw new Error(`no "${text}" in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await until('Ctrl-C stops');
      const [stations, app] = [...output.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
      const station = new StationSimulator({ imei, banks: [{ slot: 1, powerBankId: '1234567890' }] });
      const client = await connectStation(station, { port: stations!, returnAfter: 50, tickEvery: 20 });
      await until(`${imei} status`); // asked as the station came online: its banks are the fleet's now
      const post = async (path: string) => (await fetch(`http://127.0.0.1:${app}${path}`, { method: 'POST' })).json();
      expect(await post(`/lend?imei=${imei}&slot=1`)).toEqual({ outcome: 'lent', requestId: expect.stringMatching(/^[0-9a-z]{10}-2$/), imei, slot: 1, powerBankId: '1234567890', sent: true });
      await until(`${imei} returned`); // the bank came back: the asynchronous ownership check said yes
      expect(await post('/lend?imei=860123456789022&slot=1')).toMatchObject({ outcome: 'offline' });
      expect(await post(`/status?imei=${imei}`)).toMatchObject({ outcome: 'answered', slots: [{ slot: 1, powerBankId: '1234567890' }] });
      expect((await fetch(`http://127.0.0.1:${app}/nothing`, { method: 'POST' })).status).toBe(404);
      await client.close();
      await until(`${imei} offline`);
    } finally {
      child.kill('SIGINT');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toMatch(/rental of 1234567890 ended after \d+ s/);
    expect(output).toContain('Stopping');
  });
});

describe('the demo (npm start)', () => {
  it('runs every flow of section 5 on the hub, a late answer and a repeated report included; every lend settles, every report is acknowledged', async () => {
    const lines: string[] = [];
    const result = await runDemo((line) => lines.push(line));
    expect(result.ok).toBe(true);
    expect(result.events).toEqual({
      online: 3, heartbeat: 4, status: 1, settled: 6, lent: 2, lendFailed: 2, lateAnswer: 1, duplicate: 1,
      returned: 1, returnRejected: 1, returnFailed: 1, frameError: 1, offline: 3,
    });
    expect(result.lends.map((lend) => lend.outcome)).toEqual(['lent', 'failed', 'failed', 'timeout', 'lent']);
    // The late MC.BO is billed; the repeated one is not billed twice.
    expect([...result.billed]).toEqual([['1234567890', 'lent'], ['123456789012', 'lateAnswer'], ['9990001', 'lent']]);
    // A: AM.BO, AM.BO (late), AM.RO; B: AR.BF, AR.RF; C: AR.BF, AM.BO twice.
    expect(result.acknowledgements).toEqual({ A: 3, B: 2, C: 3 });
    const text = lines.join('\n');
    for (const heading of ['1. Three stations connect', '2. Status', '3. Lend, success', '4. Lend, failure', '5. Lend, failure', '6. A late answer', '7. A repeated report', '8. Return, success', '9. Return, rejected', '10. Return, failure', '11. Line noise']) {
      expect(text).toContain(`━━ ${heading}`);
    }
    // Raw frames and their decoding, both ways.
    expect(text).toContain('  server → A  {"860123456789014,CC,BW.1.1234567890,7FA3"}\n              CC lend request: slot 1, power bank 1234567890');
    expect(text).toContain('  A → server  {"860123456789014,MC,BO.1.1234567890,8CD9"}\n              MC.BO lent: slot 1, power bank 1234567890');
    expect(text).toContain('✓ A  lent (request demo-2): slot 1, power bank 1234567890: billing starts');
    // The late answer: the app hears timeout first, then the MC.BO is acknowledged and reported.
    expect(text).toMatch(
      /app: lend demo-5 from A slot 2: timeout \(CC went out: the bank may have left\)\n {2}A → server {2}\{"860123456789014,MC,BO\.2\.123456789012,73CD"\}\n.*\n {2}server → A {2}\{"860123456789014,AM,BO\.2\.123456789012,57B7"\}\n.*\n {2}! A {2}late answer to request demo-5 \(settled timeout\)/,
    );
    expect(text).toContain('! C  duplicate: MC.BO lent: slot 1, power bank 9990001: acknowledged again, counted once');
    expect(text).toContain('Every flow ran');
  });

  it('is what npm start runs: it exits 0', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output).toContain('Every connection closed and the server stopped (hub.drain() resolved)');
    expect(code).toBe(0);
  });
});
