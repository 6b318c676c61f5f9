#!/usr/bin/env bash
# The container part of the test suite, run by scripts/test.sh after the default run (which runs
# the e2e suite with the local binaries):
#   1. installs what it needs when missing (docker.io, debootstrap, docker-compose; root + apt),
#   2. starts a private Docker engine (engine.sh; cache in VIGIL_DOCKER_CACHE),
#   3. builds the images from Debian packages, or reuses them (build-images.sh),
#   4. runs the testkit suites (e2e + stack) with the testcontainers launcher on those images,
#   5. starts docker-compose.monitoring.yml on them and checks it (packages/testkit/test/docker),
#   6. prints the e2e timings of both launchers side by side and the time of each step,
#   7. stops the engine, whatever happened.
# It never skips: without an engine it fails, saying how to get one.
set -euo pipefail
cd "$(dirname "$0")/../.."

step_names=()
step_seconds=()
step_started=$SECONDS
step_done() {
  step_names+=("$1")
  step_seconds+=($((SECONDS - step_started)))
  step_started=$SECONDS
}
total_started=$SECONDS

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
bash scripts/install-missing.sh "container tests" ${need[@]+"${need[@]}"}
step_done install

engine_out="$(bash scripts/docker/engine.sh start)"
export "${engine_out?}"
export TESTCONTAINERS_RYUK_DISABLED=true
trap 'bash scripts/docker/engine.sh stop' EXIT
echo "container tests: engine at $DOCKER_HOST"
step_done engine

bash scripts/docker/build-images.sh
step_done images

mkdir -p .vigil-tmp
# Every container start copies its image (vfs): the default 30 s/60 s budgets are for local processes.
VIGIL_LAUNCHER=container VIGIL_IMAGES=local pnpm -s vitest run --testTimeout=240000 --hookTimeout=600000 \
  packages/testkit/test/e2e-alerting.test.ts packages/testkit/test/stack.test.ts
step_done 'testcontainers suites'

pnpm -s vitest run --config vitest.docker.config.ts
step_done 'compose stack'

node scripts/docker/e2e-timings.mjs

{
  echo "container part of CI (s), $(date -u +%FT%TZ):"
  for i in "${!step_names[@]}"; do printf '  %-22s %5d\n' "${step_names[$i]}" "${step_seconds[$i]}"; done
  printf '  %-22s %5d\n' total $((SECONDS - total_started))
} | tee .vigil-tmp/container-ci-timings.txt
