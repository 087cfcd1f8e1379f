/** What the machine allows a `stations` run (src/cli/stations/limits.ts). */
import { describe, expect, it } from 'vitest';
import { checkLimits, localPorts, openFilesLimit } from '../src/cli/stations/limits.js';

describe('checkLimits', () => {
  it('accepts a count that fits, or limits the system does not tell', () => {
    expect(() => checkLimits(5_000, 20_000, 28_232)).not.toThrow();
    expect(() => checkLimits(5_000, undefined, undefined)).not.toThrow();
    expect(() => checkLimits(5_000, Infinity, 28_232)).not.toThrow();
  });

  it('refuses a count beyond the open-files limit, saying how to raise it', () => {
    expect(() => checkLimits(5_000, 1_024, 28_232)).toThrow('--count 5000 needs about 5064 open files (a socket each), but this shell allows 1024 (ulimit -n): raise it first, e.g. ulimit -n 10000 (the server needs as many on its side)');
  });

  it('refuses a count beyond the local ports towards one server', () => {
    expect(() => checkLimits(30_000, 100_000, 28_232)).toThrow('--count 30000 needs a local port each towards the server, but this system has 28232 (net.ipv4.ip_local_port_range)');
  });

  it.runIf(process.platform === 'linux')('reads the limits of this machine (Linux)', () => {
    expect(openFilesLimit()).toBeGreaterThan(0);
    expect(localPorts()).toBeGreaterThan(0);
  });
});
