#!/usr/bin/env bash
# Installs the pinned pnpm (when missing) and the workspace's dependencies from the lockfile.
# corepack's signature check fails against some registries, so pnpm comes from npm instead.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$want" ]; then
  echo "bootstrap: installing pnpm@$want" >&2
  npm install -g "pnpm@$want" >/dev/null
fi
pnpm install --frozen-lockfile --reporter=silent
