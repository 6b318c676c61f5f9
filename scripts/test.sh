#!/usr/bin/env bash
# The whole test suite on a fresh machine: dependencies, the real monitoring binaries, then
# generated-output freshness, type checks and every test (unit, promtool, amtool, end to end
# with the local binaries), then the container part (scripts/docker/container-tests.sh: the e2e
# suite again with testcontainers, and the compose stack). VIGIL_CONTAINER_TESTS=0 leaves the
# container part out, and says so.
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
bash scripts/install-missing.sh test ${need[@]+"${need[@]}"}

bash scripts/bootstrap.sh
pnpm -s generate --check
pnpm -s docs:api --check
pnpm -s typecheck
mkdir -p .vigil-tmp
status=0
pnpm -s vitest run --reporter=default --reporter=json --outputFile=.vigil-tmp/vitest.json "$@" || status=$?
node -e '
const r = require("./.vigil-tmp/vitest.json");
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true

if [ "${VIGIL_CONTAINER_TESTS:-1}" = 0 ]; then
  echo "test: container part NOT run (VIGIL_CONTAINER_TESTS=0): testcontainers e2e and the compose stack are unchecked" >&2
else
  bash scripts/docker/container-tests.sh || status=$?
fi
exit $status
