#!/usr/bin/env bash
# A private Docker engine for tests: Debian's dockerd with its own data-root, exec-root, socket
# and pidfile under a cache directory outside the repository, so images built once are reused by
# later runs. vfs needs no kernel overlay support; --iptables=false leaves the host firewall alone
# (containers get no outbound NAT: image builds use the host network instead). The default
# bridge stays: testcontainers needs a network named "bridge".
#
#   scripts/docker/engine.sh start   start (or reuse) the engine; prints DOCKER_HOST=unix://...
#   scripts/docker/engine.sh stop    stop it (only if this cache's pidfile names a running dockerd)
#   scripts/docker/engine.sh env     print DOCKER_HOST=... for the engine (running or not)
#
# VIGIL_DOCKER_CACHE (default /var/cache/vigil-docker) holds data/, exec/, docker.sock, docker.pid
# and dockerd.log.
set -euo pipefail

cache="${VIGIL_DOCKER_CACHE:-/var/cache/vigil-docker}"
socket="$cache/docker.sock"
pidfile="$cache/docker.pid"
log="$cache/dockerd.log"
host="unix://$socket"
start_timeout_s=60

install_hint='install an engine as root with `apt-get install -y docker.io` (Debian/Ubuntu), or point DOCKER_HOST at a running engine'

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q dockerd "/proc/$pid/comm" 2>/dev/null && echo "$pid"
}

answers() { DOCKER_HOST="$host" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start() {
  command -v dockerd >/dev/null 2>&1 || { echo "engine: dockerd not found; $install_hint" >&2; exit 1; }
  command -v docker >/dev/null 2>&1 || { echo "engine: docker CLI not found; $install_hint" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "engine: starting a private dockerd needs root; $install_hint" >&2; exit 1; }
  mkdir -p "$cache/data" "$cache/exec"
  if running_pid >/dev/null && answers; then
    echo "DOCKER_HOST=$host"
    return
  fi
  # A dockerd killed without cleanup leaves its socket and pidfile behind.
  rm -f "$socket" "$pidfile"
  # Debian's engine finds containerd/runc/docker-init on PATH; keep /usr/sbin in it.
  PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH" setsid dockerd \
    --storage-driver=vfs --iptables=false \
    --data-root "$cache/data" --exec-root "$cache/exec" --pidfile "$pidfile" \
    -H "$host" >"$log" 2>&1 < /dev/null &
  local waited=0
  until answers; do
    if [ "$waited" -ge "$start_timeout_s" ]; then
      echo "engine: dockerd did not answer on $socket within ${start_timeout_s}s; last lines of $log:" >&2
      tail -n 20 "$log" >&2 || true
      echo "engine: $install_hint" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "DOCKER_HOST=$host"
}

# dockerd leaves its data-root and netns mounts behind; without them the cache can be removed.
unmount_leftovers() {
  awk -v prefix="$cache/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "engine: not running ($pidfile)" >&2
    unmount_leftovers
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 30); do
    if [ ! -d "/proc/$pid" ]; then
      unmount_leftovers
      echo "engine: stopped" >&2
      return 0
    fi
    sleep 1
  done
  echo "engine: dockerd $pid did not stop within 30s; killing it" >&2
  kill -KILL "$pid" || true
  sleep 1
  unmount_leftovers
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "DOCKER_HOST=$host" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
