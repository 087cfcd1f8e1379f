/** The live progress line of `stations` (src/cli/stations/progress.ts), written to a stand-in terminal. */
import { describe, expect, it } from 'vitest';
import { Findings } from '../src/cli/stations/findings.js';
import { ProgressLine } from '../src/cli/stations/progress.js';

const plain = { ok: (text: string) => text, bad: (text: string) => `!${text}!`, warn: (text: string) => text, dim: (text: string) => text, bold: (text: string) => text };

function terminal(columns?: number): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { columns, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('ProgressLine', () => {
  it('rewrites one line in place: time, stations connected, frames a second, answer times since the last line (to within 2%), problems', () => {
    const { stream, written } = terminal();
    const findings = new Findings();
    const line = new ProgressLine(stream, plain, 5_000, 60_000);
    for (let i = 0; i < 4_998; i++) findings.connected();
    findings.framesSent = 500;
    findings.framesReceived = 312;
    for (const ms of [2, 3, 3, 4, 40]) findings.answered('ownership', ms);
    line.update({ now: 1_000, phase: 'running', findings });
    expect(written.at(-1)).toBe('\r\x1b[K1 s / 60 s  stations 4,998 of 5,000 connected  812 frames/s  answers p50 3.1 ms p99 40 ms  0 problems');
    findings.framesSent += 100;
    findings.problem('dropped', { imei: '860123456789014', at: 1_500, description: 'closed' });
    line.update({ now: 2_000, phase: 'draining', findings });
    expect(written.at(-1)).toBe('\r\x1b[Kwaiting for the last answers  stations 4,998 of 5,000 connected  100 frames/s  answers -  !1 problems!');
    line.clear();
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('cuts the line to the width of the terminal, and clears nothing it did not write', () => {
    const { stream, written } = terminal(20);
    const line = new ProgressLine(stream, plain, 10, 1_000);
    line.clear();
    expect(written).toEqual([]);
    line.update({ now: 500, phase: 'running', findings: new Findings() });
    expect(written).toEqual(['\r\x1b[K1 s / 1 s  stations']);
  });
});
