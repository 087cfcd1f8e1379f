#!/usr/bin/env node
/**
 * The browser test: serves the smoke test (test/runtimes/smoke.mjs) in a page whose
 * import map resolves `powerbank-codec`, its subpaths (`/testing`, `/arbitraries`) and `fast-check`
 * the way a bundler would (each package's `exports`, `import` condition), opens it in
 * headless Chromium and headless Firefox (Debian's `chromium` and `firefox-esr`, run as
 * plain processes), and waits for the page to post its result back; a browser that says
 * nothing within 60 s fails.
 *
 *   node test/browser/run.mjs                      the built dist/ of this clone (npm run build first)
 *   node test/browser/run.mjs --project DIR        the package installed in DIR/node_modules
 *   node test/browser/run.mjs --browser firefox    one browser (chromium, firefox; both by default)
 *
 * CHROMIUM_PATH and FIREFOX_PATH override /usr/bin/chromium and /usr/bin/firefox-esr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { project: { type: 'string' }, browser: { type: 'string', multiple: true } } });
const project = values.project === undefined ? undefined : resolve(values.project);
const TIMEOUT_MS = 60_000;

const browsers = {
  chromium: (url, profile) => [
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, url],
  ],
  firefox: (url, profile) => {
    // No first-run page, no default-browser question, no updates or reports.
    writeFileSync(
      join(profile, 'user.js'),
      [
        ['browser.shell.checkDefaultBrowser', false],
        ['browser.startup.homepage_override.mstone', 'ignore'],
        ['datareporting.policy.dataSubmissionEnabled', false],
        ['toolkit.telemetry.reportingpolicy.firstRun', false],
        ['app.update.disabledForTesting', true],
        ['browser.aboutwelcome.enabled', false],
      ]
        .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`)
        .join(''),
    );
    return [process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', ['--headless', '--no-remote', '--profile', profile, url]];
  },
};
const chosen = values.browser ?? Object.keys(browsers);
for (const name of chosen) if (!(name in browsers)) throw new Error(`unknown browser ${name}; known: ${Object.keys(browsers).join(', ')}`);

/** Where a package's files are: this clone for powerbank-codec itself unless --project is given. */
function packageDir(name) {
  if (name === 'powerbank-codec' && project === undefined) return root;
  return join(project ?? root, 'node_modules', name);
}

/** The file an `exports` target resolves to under the `import` condition, as a bundler for browsers reads it. */
function target(value) {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  for (const condition of ['browser', 'import', 'default']) {
    const found = value[condition] === undefined ? undefined : target(value[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The import map of the packages the smoke test loads, and what they import in turn. */
function importMap(names) {
  const imports = {};
  for (const name of names) {
    const { exports } = JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8'));
    const entries = typeof exports === 'string' || !Object.keys(exports).some((key) => key.startsWith('.')) ? { '.': exports } : exports;
    for (const [subpath, value] of Object.entries(entries)) {
      const file = target(value);
      if (file !== undefined && !subpath.includes('*')) imports[name + subpath.slice(1)] = `/node_modules/${name}/${file.replace(/^\.\//, '')}`;
    }
  }
  return { imports };
}

const served = ['powerbank-codec', 'fast-check', 'pure-rand'];
const page = `<!doctype html>
<meta charset="utf-8">
<title>powerbank-codec smoke test</title>
<script type="importmap">${JSON.stringify(importMap(served))}</script>
<script type="module">
  const report = (body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
  addEventListener('error', (event) => report({ ok: false, error: 'page error: ' + event.message }));
  addEventListener('unhandledrejection', (event) => report({ ok: false, error: 'unhandled rejection: ' + event.reason }));
  try {
    const { runSmoke } = await import('/smoke.mjs');
    const passed = await runSmoke();
    report({ ok: true, passed, userAgent: navigator.userAgent, hasBuffer: typeof globalThis.Buffer !== 'undefined', hasProcess: typeof globalThis.process !== 'undefined' });
  } catch (error) {
    report({ ok: false, error: String(error && error.stack ? error.stack : error) });
  }
</script>`;

const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript', '.json': 'application/json', '.map': 'application/json' };
let settle = () => {};
const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (request.method === 'POST' && path === '/result') {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      response.writeHead(204).end();
      settle(JSON.parse(body));
    });
    return;
  }
  try {
    if (path === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    if (path === '/smoke.mjs') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(root, 'test', 'runtimes', 'smoke.mjs')));
    const [, name, rest] = /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(decodeURIComponent(path)) ?? [];
    if (name === undefined || !served.includes(name)) throw new Error('not served');
    const base = packageDir(name);
    const file = resolve(base, rest);
    if (relative(base, file).startsWith('..') || relative(base, file).includes(`node_modules${sep}`)) throw new Error('outside the package');
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const url = `http://127.0.0.1:${server.address().port}/`;
console.log(`serving powerbank-codec from ${project === undefined ? 'this clone (dist/)' : join(project, 'node_modules', 'powerbank-codec')}`);

/** Opens the page in one browser, resolves to what the page reported (or a failure), then ends the browser. */
async function run(name) {
  const profile = mkdtempSync(join(tmpdir(), `smoke-${name}-`));
  const [command, args] = browsers[name](url, profile);
  const started = Date.now();
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  let timer;
  const result = await new Promise((done) => {
    settle = done;
    child.on('error', (error) => done({ ok: false, error: `cannot start ${command}: ${error.message}` }));
    child.on('exit', (code, signal) => done({ ok: false, error: `${command} exited (${code ?? signal}) before the page reported:\n${stderr}` }));
    timer = setTimeout(() => done({ ok: false, error: `no result within ${TIMEOUT_MS / 1000} s:\n${stderr}` }), TIMEOUT_MS);
  });
  clearTimeout(timer);
  settle = () => {};
  const exited = new Promise((done) => (child.exitCode === null && child.signalCode === null ? child.once('exit', done) : done()));
  try {
    process.kill(-child.pid, 'SIGKILL'); // the browser and the processes it started (its own process group)
  } catch {
    // already gone
  }
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
  rmSync(profile, { recursive: true, force: true });
  return { ...result, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

let failed = false;
for (const name of chosen) {
  const result = await run(name);
  if (result.ok && (result.hasBuffer || result.hasProcess)) Object.assign(result, { ok: false, error: 'the page unexpectedly has Buffer or process' });
  if (result.ok) console.log(`${name} (${result.userAgent}), ${result.seconds} s: ${result.passed.join(', ')}`);
  else console.error(`${name} FAILED after ${result.seconds} s: ${result.error}`);
  failed ||= !result.ok;
}
server.close();
console.log(failed ? 'browser test FAILED' : 'browser test passed');
process.exit(failed ? 1 : 0);
