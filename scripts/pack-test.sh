#!/usr/bin/env bash
# Packs the tarball the way `npm publish` would (without running `prepack` again: dist/
# and docs/api/ are what `npm run build` and `npm run docs` made), and installs it into
# scratch projects, as a user would:
#
# - every relative link of every .md and .html file in the installed package resolves
#   inside it (scripts/check-links.mjs DIR);
# - an ES-module project with fast-check 4 and one with fast-check 3 (the peer range
#   accepts both): decode, encode, the testing tools and the arbitraries by importing the
#   package and its subpaths by name;
#   a TypeScript file against the shipped declarations, and one with the DOM lib
#   (`new Blob([encode(m)])`, a `fetch` body, `crypto.subtle.digest`), each checked by
#   the TypeScript of this clone (5.9) and by TypeScript 5.6 (before typed arrays were
#   generic);
# - the shipped examples run with tsx from node_modules, as the README says, and the
#   `harness` command passes the shipped simulated station;
# - a CommonJS project: `require` of the package and both subpaths, and the declarations
#   under `export =`.
#
#   bash scripts/pack-test.sh        (npm run test:pack; needs `npm run build` and `npm run docs` first)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for built in dist/index.js dist/cli.js docs/api/index.html; do
  [ -f "$root/$built" ] || { echo "$built is missing: npm run build && npm run docs first" >&2; exit 1; }
done
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

tarball="$(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$scratch" | tail -n 1)"
echo "packed $tarball ($(du -k "$scratch/$tarball" | cut -f1) KB): $(tar -tzf "$scratch/$tarball" | sed 's|^package/||' | grep -v '^docs/api/' | sort | tr '\n' ' ')and docs/api/ ($(tar -tzf "$scratch/$tarball" | grep -c '^package/docs/api/') files)"
fast_check_4="fast-check@$(node -p "require('$root/node_modules/fast-check/package.json').version")"
fast_check_3="fast-check@3" # the latest 3.x
tsc="$root/node_modules/.bin/tsc"
tsx="$root/node_modules/.bin/tsx"
typescript_old="typescript@5.6.3"
(mkdir -p "$scratch/ts-old" && cd "$scratch/ts-old" && npm install --silent --no-audit --no-fund --no-save "$typescript_old" >/dev/null)
tsc_old="$scratch/ts-old/node_modules/.bin/tsc"

setup() { # setup DIR TYPE FAST_CHECK
  mkdir -p "$1"
  printf '{ "name": "scratch-%s", "private": true, "type": "%s" }\n' "$2" "$2" > "$1/package.json"
  (cd "$1" && npm install --loglevel=error --no-audit --no-fund "$scratch/$tarball" "$3" >/dev/null)
}

typecheck() { # typecheck DIR LIB FILE...: both TypeScripts, no skipLibCheck, only the given lib
  local types='[]'
  [ "$2" = "es2022" ] && types='["node"]'
  printf '{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "lib": %s, "types": %s, "typeRoots": ["%s"], "noEmit": true, "skipLibCheck": false }, "files": %s }\n' \
    "$(node -p "JSON.stringify('$2'.split(','))")" "$types" "$root/node_modules/@types" "$(node -p "JSON.stringify(process.argv.slice(1))" "${@:3}")" > "$1/tsconfig.check.json"
  (cd "$1" && "$tsc" -p tsconfig.check.json && "$tsc_old" -p tsconfig.check.json)
}

# Links: the checker fails on a dead one, and finds none in the package.
mkdir -p "$scratch/dead/docs"
printf '[a guide](docs/missing.md) and [the source](../src/index.ts)\n' > "$scratch/dead/README.md"
if node "$root/scripts/check-links.mjs" "$scratch/dead" 2>/dev/null; then echo "check-links.mjs passed a dead link" >&2; exit 1; fi

# ES-module project, fast-check 4, then 3
esm_main_js=$(cat <<'JS'
import { readFileSync } from 'node:fs';
import { createDecoder, decode, encodeToString } from 'powerbank-codec';
import { ConversationTracker, describeMessage, StationSimulator } from 'powerbank-codec/testing';
import { arbCorruptedFrame, arbFrame, arbNoisyStream } from 'powerbank-codec/arbitraries';
import fc from 'fast-check';
const result = decode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
if (!result.ok || result.message.type !== 'LendSuccess') throw new Error(`decode: ${JSON.stringify(result)}`);
const ack = encodeToString({ ...result.message, type: 'LendSuccessAck' });
if (ack !== '{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n') throw new Error(`encode: ${ack}`);
const [heartbeat] = new StationSimulator({ imei: '860123456789014' }).tick(0);
const [seen] = new ConversationTracker().observe('device', heartbeat, 0);
if (seen?.kind !== 'heartbeat' || describeMessage(heartbeat) !== 'CH heartbeat') throw new Error(`testing: ${JSON.stringify(seen)}`);
fc.assert(fc.property(arbFrame(), ({ bytes }) => decode(bytes).ok), { numRuns: 200 });
fc.assert(fc.property(arbCorruptedFrame(), ({ bytes, corruption }) => !decode(bytes).ok && decode(bytes).error.code === corruption.expected), { numRuns: 200 });
fc.assert(fc.property(arbNoisyStream(), ({ bytes, messages, dialect }) => {
  const decoder = createDecoder({ dialect });
  return [...decoder.push(bytes), ...decoder.end()].filter((item) => item.kind === 'message').length === messages.length;
}), { numRuns: 100 });
const { version } = JSON.parse(readFileSync('node_modules/fast-check/package.json', 'utf8'));
console.log(`esm: decode, encode, testing and arbitraries work with fast-check ${version}`);
JS
)
main_ts=$(cat <<'TS'
import fc from 'fast-check';
import { decode, type Message } from 'powerbank-codec';
import { ConversationTracker, type ConversationEvent } from 'powerbank-codec/testing';
import { arbCorruptedFrame, arbMessage, type GeneratedFrame } from 'powerbank-codec/arbitraries';
const result = decode('{"860123456789014,CH,,3FCE"}');
const events: ConversationEvent[] = new ConversationTracker().tick(0);
const message: Message | undefined = result.ok ? result.message : undefined;
const type: 'Heartbeat' | string | undefined = message?.type;
const messages: fc.Arbitrary<Message> = arbMessage({ types: ['Heartbeat'] });
const frames: fc.Arbitrary<GeneratedFrame> = arbCorruptedFrame({ kinds: ['truncate'] });
fc.assert(fc.property(messages, frames, (m, f) => m.type === 'Heartbeat' && f.bytes.length >= 0));
export { type, events };
TS
)
dom_ts=$(cat <<'TS'
// What a browser or a Worker does with a frame: the DOM lib's BufferSource and BlobPart
// are Uint8Array<ArrayBuffer> since TypeScript 5.7, and a frame must be one.
import { encode, type Bytes } from 'powerbank-codec';
import { StationSimulator } from 'powerbank-codec/testing';
import { arbFrame } from 'powerbank-codec/arbitraries';
const frame = encode({ type: 'Heartbeat', imei: '860123456789014' });
const blob: Blob = new Blob([frame]);
const sent: Promise<Response> = fetch('http://127.0.0.1:9000/frames', { method: 'POST', body: frame });
const digest: Promise<ArrayBuffer> = crypto.subtle.digest('SHA-256', frame);
const station = new StationSimulator({ imei: '860123456789014' });
const [heartbeat] = station.tick(0);
const parts: BlobPart[] = [station.encode(heartbeat!), station.malformedFrame('badCrc')];
const bytes: Bytes = frame;
const blobs = arbFrame().map(({ bytes }) => new Blob([bytes]));
export { blob, sent, digest, parts, bytes, blobs };
TS
)
for fast_check in "$fast_check_4" "$fast_check_3"; do
  esm="$scratch/esm-${fast_check%%.*}"
  esm="${esm/@/-}"
  setup "$esm" module "$fast_check"
  printf '%s\n' "$esm_main_js" > "$esm/main.js"
  printf '%s\n' "$main_ts" > "$esm/main.ts"
  printf '%s\n' "$dom_ts" > "$esm/dom.ts"
  (cd "$esm" && node main.js)
  typecheck "$esm" es2022 main.ts
  typecheck "$esm" es2022,dom dom.ts
  echo "esm (fast-check $(node -p "require('$esm/node_modules/fast-check/package.json').version")): types check with TypeScript $("$tsc" --version | cut -d' ' -f2) and $("$tsc_old" --version | cut -d' ' -f2), the DOM lib's Blob, fetch and crypto.subtle included"
done

# The installed package: its links, and the examples the README runs from it.
node "$root/scripts/check-links.mjs" "$esm/node_modules/powerbank-codec"
(cd "$esm" && "$tsx" node_modules/powerbank-codec/examples/every-message.ts > every-message.out && grep -q 'Every message type, encoded and decoded back' every-message.out)
(cd "$esm" && timeout 60 "$tsx" node_modules/powerbank-codec/examples/demo.ts > demo.out && grep -q 'Every connection closed and the server stopped' demo.out)
echo "examples: every-message.ts and demo.ts run from node_modules with tsx"

# The conformance harness the package ships, against the shipped simulated station, as the firmware guide runs them.
(cd "$esm" && node_modules/.bin/powerbank-codec harness --help > harness-help.out && grep -q '^Usage: powerbank-codec harness --port N' harness-help.out)
(cd "$esm" && { timeout 120 node_modules/.bin/powerbank-codec harness --port 0 --host 127.0.0.1 --settle 0.05 --json --junit harness.xml > harness.json 2> harness.log & }
  harness=$!
  for _ in $(seq 100); do grep -q '^Listening on port ' harness.log && break; sleep 0.1; done
  port="$(sed -n 's/^Listening on port \([0-9]*\) .*/\1/p' harness.log)"
  timeout 120 "$tsx" node_modules/powerbank-codec/examples/station.ts --port "$port" --empty 3 --insert 3:R1 --return-after 0.3 --heartbeat 0.5 > station.out
  wait "$harness" || { cat harness.log >&2; exit 1; }
  node -e "if (!JSON.parse(require('fs').readFileSync('harness.json', 'utf8')).passed) process.exit(1)" && grep -q 'tests="8" failures="0"' harness.xml)
echo "harness: the command runs from node_modules and passes the shipped simulated station"

# CommonJS project
cjs="$scratch/cjs"
setup "$cjs" commonjs "$fast_check_4"
cat > "$cjs/main.js" <<'JS'
const { decode, encodeToString, isProtocolError } = require('powerbank-codec');
const { StationSimulator } = require('powerbank-codec/testing');
const { arbFrame } = require('powerbank-codec/arbitraries');
const fc = require('fast-check');
const result = decode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
if (!result.ok || result.message.type !== 'LendSuccess') throw new Error(`decode: ${JSON.stringify(result)}`);
const ack = encodeToString({ ...result.message, type: 'LendSuccessAck' });
if (ack !== '{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n') throw new Error(`encode: ${ack}`);
try { encodeToString({ type: 'Heartbeat', imei: '1' }); throw new Error('no throw'); } catch (error) { if (!isProtocolError(error)) throw error; }
const [heartbeat] = new StationSimulator({ imei: '860123456789014' }).tick(0);
if (heartbeat?.type !== 'Heartbeat') throw new Error(`testing: ${JSON.stringify(heartbeat)}`);
fc.assert(fc.property(arbFrame(), ({ bytes }) => decode(bytes).ok), { numRuns: 100 });
console.log('cjs: decode, encode, testing and arbitraries work');
JS
cat > "$cjs/main.ts" <<'TS'
import { decode, encode } from 'powerbank-codec';
import { StationSimulator } from 'powerbank-codec/testing';
import { arbDialect } from 'powerbank-codec/arbitraries';
const bytes: Uint8Array = encode({ type: 'StatusQuery', imei: '860123456789014' });
new StationSimulator({ imei: '860123456789014' }).status();
const ok: boolean = decode(bytes).ok;
arbDialect();
export = ok;
TS
(cd "$cjs" && node main.js)
typecheck "$cjs" es2022 main.ts
echo "cjs: types check"
echo "pack test passed"
