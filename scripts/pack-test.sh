#!/usr/bin/env bash
# Packs the tarball the way `npm publish` would, installs it into a scratch ES-module
# project and a scratch CommonJS project, and in each: decodes and encodes by importing
# the package by name, uses the arbitraries subpath (with fast-check installed next to
# it), and type-checks a TypeScript file against the shipped declarations.
#
#   bash scripts/pack-test.sh        (npm run test:pack; needs `npm run build` first)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

tarball="$(cd "$root" && npm pack --silent --pack-destination "$scratch" | tail -n 1)"
echo "packed $tarball: $(tar -tzf "$scratch/$tarball" | sed 's|^package/||' | tr '\n' ' ')"
fast_check="fast-check@$(node -p "require('$root/node_modules/fast-check/package.json').version")"
tsc="$root/node_modules/.bin/tsc"

setup() { # setup DIR TYPE
  mkdir -p "$1"
  printf '{ "name": "scratch-%s", "private": true, "type": "%s" }\n' "$2" "$2" > "$1/package.json"
  (cd "$1" && npm install --silent --no-audit --no-fund "$scratch/$tarball" "$fast_check" >/dev/null)
}

# ES module project
esm="$scratch/esm"
setup "$esm" module
cat > "$esm/main.js" <<'JS'
import { decode, encodeToString } from 'powerbank-codec';
import { arbFrame } from 'powerbank-codec/arbitraries';
import fc from 'fast-check';
const result = decode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
if (!result.ok || result.message.type !== 'LendSuccess') throw new Error(`decode: ${JSON.stringify(result)}`);
const ack = encodeToString({ ...result.message, type: 'LendSuccessAck' });
if (ack !== '{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n') throw new Error(`encode: ${ack}`);
fc.assert(fc.property(arbFrame(), ({ bytes }) => decode(bytes).ok), { numRuns: 100 });
console.log('esm: decode, encode and arbitraries work');
JS
cat > "$esm/main.ts" <<'TS'
import { decode, type Message } from 'powerbank-codec';
import { arbMessage } from 'powerbank-codec/arbitraries';
const result = decode('{"860123456789014,CH,,3FCE"}');
const message: Message | undefined = result.ok ? result.message : undefined;
const type: 'Heartbeat' | string | undefined = message?.type;
arbMessage({ types: ['Heartbeat'] });
export { type };
TS
(cd "$esm" && node main.js && "$tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 --types node main.ts --typeRoots "$root/node_modules/@types" && echo "esm: types check")

# CommonJS project
cjs="$scratch/cjs"
setup "$cjs" commonjs
cat > "$cjs/main.js" <<'JS'
const { decode, encodeToString, isProtocolError } = require('powerbank-codec');
const { arbFrame } = require('powerbank-codec/arbitraries');
const fc = require('fast-check');
const result = decode('{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n');
if (!result.ok || result.message.type !== 'LendSuccess') throw new Error(`decode: ${JSON.stringify(result)}`);
const ack = encodeToString({ ...result.message, type: 'LendSuccessAck' });
if (ack !== '{"860123456789014,AM,BO.2.1234567890,B87A"}\r\n') throw new Error(`encode: ${ack}`);
try { encodeToString({ type: 'Heartbeat', imei: '1' }); throw new Error('no throw'); } catch (error) { if (!isProtocolError(error)) throw error; }
fc.assert(fc.property(arbFrame(), ({ bytes }) => decode(bytes).ok), { numRuns: 100 });
console.log('cjs: decode, encode and arbitraries work');
JS
cat > "$cjs/main.ts" <<'TS'
import { decode, encode } from 'powerbank-codec';
import { arbDialect } from 'powerbank-codec/arbitraries';
const bytes: Uint8Array = encode({ type: 'StatusQuery', imei: '860123456789014' });
const ok: boolean = decode(bytes).ok;
arbDialect();
export = ok;
TS
(cd "$cjs" && node main.js && "$tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 --types node main.ts --typeRoots "$root/node_modules/@types" && echo "cjs: types check")
echo "pack test passed"
