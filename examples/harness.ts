/**
 * The conformance harness for firmware engineers: it plays the server for one station,
 * drives every flow of PROTOCOL.md section 5 (status, a lend, a lend that must fail,
 * an accepted and a rejected return, which an operator starts by inserting a power
 * bank, and the heartbeat), decodes everything in strict mode, and prints a pass/fail
 * report per step naming every deviation and violation. Exit code 0 when every step
 * passed, 1 otherwise, 2 for a usage error.
 *
 *   npm run harness -- --port 9000 [--timeout 30] [--slots 3] [--host 0.0.0.0] [--settle 1]
 *
 * --timeout: seconds to wait for any one expected message, an insertion included.
 * --settle: seconds to keep listening after each step for stray messages.
 */
import { parseArgs } from 'node:util';
import { runHarness } from './lib/harness.js';

const usage =
  'usage: npm run harness -- --port N [--timeout SECONDS (default 30)] [--slots N (default 3)] [--host ADDRESS (default 0.0.0.0)] [--settle SECONDS (default 1)]';

function positive(name: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be a positive ${integer ? 'integer' : 'number'}; got ${JSON.stringify(text)}\n${usage}`);
    process.exit(2);
  }
  return value;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      timeout: { type: 'string' },
      slots: { type: 'string' },
      host: { type: 'string' },
      settle: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.port === undefined) {
  console.error(`--port is required\n${usage}`);
  process.exit(2);
}
const port = values.port === '0' ? 0 : positive('port', values.port, 0, true);

const options = {
  port,
  timeout: positive('timeout', values.timeout, 30, false) * 1000,
  slotCount: positive('slots', values.slots, 3, true),
  settle: positive('settle', values.settle, 1, false) * 1000,
  ...(values.host === undefined ? {} : { host: values.host }),
  print: (line: string) => console.log(line),
};
try {
  const result = await runHarness(options);
  process.exit(result.passed ? 0 : 1);
} catch (error) {
  // Listening failed: the port is taken, or the address is not this machine's.
  console.error(`cannot listen on port ${port}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
