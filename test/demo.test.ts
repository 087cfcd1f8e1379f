/**
 * End to end, over real loopback sockets: the example server and simulated stations
 * (the pieces of `npm start`), the demo itself, and `npm start`'s command.
 */
import { spawn } from 'node:child_process';
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

describe('the demo (npm start)', () => {
  it('runs every flow of section 5, reports only the problems it injected, and says so', async () => {
    const lines: string[] = [];
    const result = await runDemo((line) => lines.push(line));
    expect(result.ok).toBe(true);
    expect(result.completed).toEqual({ lent: 1, lendFailed: 2, returned: 1, returnRejected: 1, returnFailed: 1, statusAnswered: 2, heartbeat: 4 });
    expect(result.conversationViolations).toEqual([]);
    // The modem's noise and the truncated frame after it: one run between two frames.
    expect(result.frameProblems.map((problem) => `${problem.violation}:${problem.code}`)).toEqual(['discarded:truncated']);
    const text = lines.join('\n');
    for (const heading of ['1. Three stations connect', '2. Status', '3. Lend, success', '4. Lend, failure', '5. Lend, failure', '6. Return, success', '7. Return, rejected', '8. Return, failure', '9. Line noise', '10. Status again']) {
      expect(text).toContain(`━━ ${heading}`);
    }
    // Raw frames and their decoding, both ways.
    expect(text).toContain('  server → A  {"860123456789014,CC,BW.1.1234567890,7FA3"}\n              CC lend request: slot 1, power bank 1234567890');
    expect(text).toContain('  A → server  {"860123456789014,MC,BO.1.1234567890,8CD9"}\n              MC.BO lent: slot 1, power bank 1234567890');
    expect(text).toContain('✓ A  lent: slot 1, power bank 1234567890 (CC → MC.BO → AM.BO)');
    expect(text).toContain('No conversation violation');
    expect(text).toContain("1 frame problem(s) reported (on C's line, injected on purpose)");
  });

  it('is what npm start runs: it exits 0', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output).toContain('Every connection closed and the server stopped');
    expect(code).toBe(0);
  });
});
