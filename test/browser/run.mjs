#!/usr/bin/env node
/**
 * The browser test: serves the built ESM bundle and a page that decodes a frame stream
 * through createDecodeTransform, opens it in headless Chromium (Debian's package, driven
 * by playwright-core), and checks what the page decoded. Needs `npm run build` first.
 *
 *   node test/browser/run.mjs        (npm run test:browser)
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const page = `<!doctype html>
<meta charset="utf-8">
<title>powerbank-codec in a browser</title>
<script type="module">
  import { createDecodeTransform, encode } from '/dist/index.js';
  const text = new TextEncoder();
  const frames = [
    encode({ type: 'Heartbeat', imei: '860123456789014' }),
    text.encode('AT+CSQ\\r\\n'),
    encode({ type: 'LendSuccess', imei: '860123456789014', slot: 2, powerBankId: '1234567890' }),
    text.encode('{"860123456789014,CH,,0000"}\\r\\n{"86012'),
  ];
  const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const frame of frames) { bytes.set(frame, at); at += frame.length; }
  const source = new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
      controller.close();
    },
  });
  const reader = source.pipeThrough(createDecodeTransform({ from: 'device' })).getReader();
  const items = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    items.push(value.kind === 'message' ? value.message.type : value.kind === 'error' ? 'error:' + value.error.code : value.kind);
  }
  window.decoded = { items, hasBuffer: typeof globalThis.Buffer !== 'undefined', hasProcess: typeof globalThis.process !== 'undefined' };
</script>`;

const types = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };
const server = createServer(async (request, response) => {
  try {
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(join(root, 'dist'))) throw new Error('outside dist/');
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(await readFile(path));
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (error) => {
    console.error(`page error: ${error.message}`);
    failed = true;
  });
  await tab.goto(`http://127.0.0.1:${port}/`);
  const decoded = await tab.waitForFunction(() => window.decoded, undefined, { timeout: 20_000 }).then((handle) => handle.jsonValue());
  const expected = ['message', 'noise', 'message', 'error:CRC', 'truncated'];
  const items = decoded.items.map((item) => (item === 'Heartbeat' || item === 'LendSuccess' ? 'message' : item));
  console.log(`chromium ${browser.version()} decoded: ${decoded.items.join(', ')}`);
  if (JSON.stringify(items) !== JSON.stringify(expected)) {
    console.error(`expected ${expected.join(', ')}`);
    failed = true;
  }
  if (decoded.hasBuffer || decoded.hasProcess) {
    console.error('the page unexpectedly has Buffer or process');
    failed = true;
  }
} finally {
  await browser.close();
  server.close();
}
console.log(failed ? 'browser test FAILED' : 'browser test passed');
process.exit(failed ? 1 : 0);
