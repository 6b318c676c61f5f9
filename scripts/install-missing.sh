#!/usr/bin/env bash
# Installs Debian packages the tests need, when run as root with apt; otherwise says what to
# install and fails. Usage: install-missing.sh <who is asking> <package>...
set -euo pipefail
who="$1"
shift
[ $# -gt 0 ] || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "$who: installing $*" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
else
  echo "$who: missing $*; install them (Debian/Ubuntu: sudo apt-get install -y $*)" >&2
  exit 1
fi
