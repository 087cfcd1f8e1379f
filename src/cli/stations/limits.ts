/**
 * What this machine allows a `stations` run: open files (one per connection, `ulimit
 * -n`) and local ports towards one server. Read from Linux's /proc; elsewhere nothing is
 * checked and the run finds out (a connection that fails with `EMFILE` ends it).
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { UsageError } from '../args.js';

/** File descriptors the process needs besides its connections. */
const SPARE_FILES = 64;

/** The whitespace-separated words of `line`. */
function words(line: string): string[] {
  return line.split(' ').flatMap((part) => part.split('\t')).filter((word) => word !== '');
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The soft limit on open files of this process (`ulimit -n`); `undefined` when the system does not say. */
export function openFilesLimit(): number | undefined {
  const line = readProc('/proc/self/limits')?.split('\n').find((text) => text.startsWith('Max open files'));
  const soft = line === undefined ? undefined : words(line.slice('Max open files'.length))[0];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Infinity : Number(soft);
}

/** How many local ports a process may use towards one server address; `undefined` when the system does not say. */
export function localPorts(): number | undefined {
  const [low, high] = words(readProc('/proc/sys/net/ipv4/ip_local_port_range') ?? '').map(Number);
  return low === undefined || high === undefined ? undefined : high - low + 1;
}

/** Throws a `UsageError` when `count` connections would not fit in this machine's limits. */
export function checkLimits(count: number, files = openFilesLimit(), ports = localPorts()): void {
  const needed = count + SPARE_FILES;
  if (files !== undefined && files < needed) {
    throw new UsageError(
      `--count ${count} needs about ${needed} open files (a socket each), but this shell allows ${files} (ulimit -n): ` +
        `raise it first, e.g. ulimit -n ${Math.max(needed, 2 * count)} (the server needs as many on its side)`,
    );
  }
  if (ports !== undefined && ports < count) {
    throw new UsageError(`--count ${count} needs a local port each towards the server, but this system has ${ports} (net.ipv4.ip_local_port_range): run several processes from different addresses, or widen the range`);
  }
}
