#!/usr/bin/env bash
# The consumer test: Vigil as a newcomer gets it, outside this workspace, with plain npm and node.
# Packs every package (prepack builds dist/), installs the tarballs into a fresh project in a temp
# directory, compiles a node:http service with the strictest TypeScript settings, runs it with
# plain node, checks its /metrics with promtool, scaffolds and renders a YAML spec with the
# installed `vigil` binary, checks the output (promtool, amtool, vigil test), renders a TypeScript
# spec from a directory with no node_modules, and starts the real Prometheus on the generated
# config where it was written, waiting until it scrapes the service and has loaded its alerts.
# Prints how long each step took (the newcomer's commands are the `$ ...` lines).
#
#   bash scripts/consumer-test.sh            (also run by .ci/run)
#   KEEP=1 bash scripts/consumer-test.sh     keeps the temp project and prints its path
#   VIGIL_TARBALLS=DIR bash ...               installs DIR/*.tgz instead of packing
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/vigil-consumer-XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then echo "consumer: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

timings=()
step() { # step "label" command...: runs it, echoes it as a newcomer would type it, records the time
  local label="$1"; shift
  local started=$(date +%s%N)
  echo "\$ $label" >&2
  "$@"
  local ms=$(( ($(date +%s%N) - started) / 1000000 ))
  timings+=("$(printf '%6d.%d s  %s' $((ms / 1000)) $((ms % 1000 / 100)) "$label")")
}
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for() { # wait_for URL SECONDS PATTERN: polls until the body matches, bounded
  local url="$1" deadline=$(( $(date +%s) + $2 )) pattern="$3"
  until body=$(curl -fsS "$url" 2>/dev/null) && grep -q "$pattern" <<<"$body"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "consumer: $url did not show $pattern within $2 s" >&2; curl -sS "$url" >&2 || true; return 1; fi
    sleep 0.5
  done
}

for tool in promtool amtool prometheus npm curl; do
  command -v "$tool" >/dev/null || { echo "consumer: $tool is required (Debian/Ubuntu: apt-get install prometheus prometheus-alertmanager curl)" >&2; exit 1; }
done

# 1. Pack. pnpm pack runs prepack (the build) and replaces workspace: ranges with real ones.
mkdir -p "$work/tarballs"
if [ -n "${VIGIL_TARBALLS:-}" ]; then cp "$VIGIL_TARBALLS"/*.tgz "$work/tarballs/"; fi # reuse a previous run's packs
pack() { (cd "$repo/packages/$1" && pnpm pack --pack-destination "$work/tarballs" >/dev/null); }
[ -n "${VIGIL_TARBALLS:-}" ] || step "pnpm pack (metrics, health, testkit, generator; prepack builds each)" bash -c "$(declare -f pack); repo='$repo' work='$work'; pack metrics && pack health && pack testkit && pack generator"
for tarball in "$work"/tarballs/*.tgz; do
  listing=$(tar -tzf "$tarball")
  grep -qx 'package/dist/index.js' <<<"$listing" || { echo "consumer: $tarball has no dist/index.js" >&2; exit 1; }
  grep -qx 'package/dist/index.d.ts' <<<"$listing" || { echo "consumer: $tarball has no dist/index.d.ts" >&2; exit 1; }
  manifest=$(tar -xzOf "$tarball" package/package.json)
  if grep -q 'workspace:\|"vigil-source":' <<<"$manifest"; then echo "consumer: $tarball package.json still names workspace: or vigil-source" >&2; exit 1; fi
done
# (grep -q on a variable, not a pipe: under pipefail an early grep exit fails the pipe)
generator_files=$(tar -tzf "$work"/tarballs/vigil-generator-*.tgz)
health_files=$(tar -tzf "$work"/tarballs/vigil-health-*.tgz)
health_manifest=$(tar -xzOf "$work"/tarballs/vigil-health-*.tgz package/package.json)
grep -qx 'package/bin/vigil.mjs' <<<"$generator_files"
grep -qx 'package/schema/vigil.schema.json' <<<"$generator_files"
grep -qx 'package/dist/testing.js' <<<"$generator_files" # the @vigil/generator/testing subpath
grep -qx 'package/bin/vigil-healthcheck.js' <<<"$health_files"
grep -q '"@vigil/metrics": "\^0\.1\.0"' <<<"$health_manifest"

# 2. A new project, outside the workspace, installed with plain npm.
project="$work/my-service"
mkdir -p "$project/src"
cd "$project"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
step "npm init -y" npm init -y --silent >/dev/null
npm pkg set type=module scripts.build=tsc scripts.start="node dist/server.js"
step "npm install @vigil/metrics @vigil/health prom-client (the tarballs)" npm install --silent "$work"/tarballs/vigil-metrics-*.tgz "$work"/tarballs/vigil-health-*.tgz prom-client@^15
step "npm install -D @vigil/generator @vigil/testkit typescript @types/node (the tarballs)" npm install --silent -D "$work"/tarballs/vigil-generator-*.tgz "$work"/tarballs/vigil-testkit-*.tgz typescript@5.9.3 @types/node@^20

# 3. The service: strictest TypeScript, then plain node.
cp "$repo/scripts/consumer/server.ts" src/server.ts
cp "$repo/scripts/consumer/tsconfig.json" tsconfig.json
step "npx tsc (strict, exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature, noUncheckedIndexedAccess, skipLibCheck false)" npx tsc -p tsconfig.json
service_port=$(free_port)
PORT=$service_port node dist/server.js > "$work/service.log" 2>&1 &
pids+=($!)
step "PORT=$service_port npm start  (waits until /health/ready answers)" wait_for "http://127.0.0.1:$service_port/health/ready" 20 .
curl -fsS -X POST "http://127.0.0.1:$service_port/orders" >/dev/null
step "curl -s http://127.0.0.1:$service_port/metrics | promtool check metrics" bash -c "curl -fsS http://127.0.0.1:$service_port/metrics | promtool check metrics"
scraped=$(curl -fsS "http://127.0.0.1:$service_port/metrics")
grep -q '^items_created_total{.*pipeline="orders".*} 1' <<<"$scraped"

# 4. Monitoring as code, with the installed vigil binary.
step "npx vigil init --dir ops --service my-service --target 127.0.0.1:$service_port" npx vigil init --dir ops --service my-service --target "127.0.0.1:$service_port"
# The team's own alert on the service's own metric (README: "Your own rules").
cat >> ops/vigil.yaml <<'YAML'
extraRules:
  metrics: [orders_rejected_total]
  alerts:
    - alert: OrdersRejectedHigh
      expr: sum by (service) (rate(orders_rejected_total[5m])) > 1
      for: 10m
      priority: P2
      service: my-service
      summary: Orders rejected on {{ $labels.service }}
      description: More than one order per second rejected for 10 minutes.
  tests:
    - interval: 1m
      input_series: [{ series: 'orders_rejected_total{service="my-service"}', values: '0+120x30' }]
      alert_rule_test: [{ eval_time: 5m, alertname: OrdersRejectedHigh, exp_alerts: [] }]
YAML
step "npx vigil generate --config ops/vigil.yaml" npx vigil generate --config ops/vigil.yaml
step "npx vigil generate --config ops/vigil.yaml --check" npx vigil generate --config ops/vigil.yaml --check
step "promtool check config ops/monitoring/prometheus/prometheus.yml" promtool check config ops/monitoring/prometheus/prometheus.yml
step "promtool check rules ops/alerts/*.yml" bash -c 'promtool check rules ops/alerts/*.yml'
step "amtool check-config ops/monitoring/alertmanager/alertmanager.yml" amtool check-config ops/monitoring/alertmanager/alertmanager.yml
step "(cd ops && npx vigil test)" bash -c 'cd ops && npx vigil test'

# A TypeScript spec in a directory with no package.json and no node_modules: defineMonitoring
# comes from the CLI's own install. Also type-checked inside the project with the strict settings.
elsewhere="$work/elsewhere"
step "npx vigil init --format ts --dir $elsewhere && npx vigil generate --config $elsewhere/vigil.config.ts" bash -c "npx vigil init --format ts --dir '$elsewhere' --service my-service >/dev/null && npx vigil generate --config '$elsewhere/vigil.config.ts'"
test -f "$elsewhere/alerts/p1-page.yml"
mkdir -p src/monitoring && cp "$elsewhere/vigil.config.ts" src/monitoring/vigil.config.ts
npx tsc -p tsconfig.json --noEmit

# 5. The real Prometheus on the generated config, where it was written.
prometheus_port=$(free_port)
prometheus --config.file=ops/monitoring/prometheus/prometheus.yml --storage.tsdb.path="$work/prometheus-data" \
  --web.listen-address="127.0.0.1:$prometheus_port" > "$work/prometheus.log" 2>&1 &
pids+=($!)
step "prometheus --config.file=ops/monitoring/prometheus/prometheus.yml --web.listen-address=127.0.0.1:$prometheus_port  (until ready)" wait_for "http://127.0.0.1:$prometheus_port/-/ready" 60 Ready
step "(Prometheus loads the service's alerts and scrapes it: /api/v1/rules, /api/v1/targets)" bash -c "
  $(declare -f wait_for)
  wait_for 'http://127.0.0.1:$prometheus_port/api/v1/rules' 30 '\"name\":\"ServiceDown\"' &&
  wait_for 'http://127.0.0.1:$prometheus_port/api/v1/rules' 30 '\"name\":\"OrdersRejectedHigh\"' &&
  wait_for 'http://127.0.0.1:$prometheus_port/api/v1/targets' 60 '\"health\":\"up\"'"
alerts=$(curl -fsS "http://127.0.0.1:$prometheus_port/api/v1/rules?type=alert" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.data.groups.flatMap(g=>g.rules).length)})')
echo "consumer: Prometheus loaded $alerts alerting rules and scrapes my-service" >&2

echo
echo "consumer test passed; step timings:"
printf '%s\n' "${timings[@]}"
