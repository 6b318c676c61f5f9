#!/usr/bin/env bash
# The whole test suite on a fresh machine: dependencies, the real monitoring binaries, then
# generated-output freshness, type checks and every test (unit, promtool, amtool, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests run the real tools; never skip them. Debian/Ubuntu: install them when we can.
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
[ -x "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | head -1)" ] || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# Exporters the meta-monitoring end-to-end tests run on loopback.
for exporter in prometheus-node-exporter prometheus-postgres-exporter prometheus-redis-exporter; do
  command -v "$exporter" >/dev/null 2>&1 || need+=("$exporter")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing ${need[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "test: missing ${need[*]}; install them (Debian/Ubuntu: sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
fi

bash scripts/bootstrap.sh
pnpm -s generate --check
pnpm -s typecheck
mkdir -p .vigil-tmp
status=0
pnpm -s vitest run --reporter=default --reporter=json --outputFile=.vigil-tmp/vitest.json "$@" || status=$?
node -e '
const r = require("./.vigil-tmp/vitest.json");
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit $status
