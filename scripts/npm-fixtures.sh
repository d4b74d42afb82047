#!/usr/bin/env bash
# Installs the npm packages tests/libs.rs imports unbundled (the versions
# pinned in tests/libs/package-lock.json) into tests/libs/node_modules,
# once. Installs node and npm with apt-get when they are missing (a fresh
# machine has only the Rust toolchain). Prints the folder.
set -euo pipefail
libs="$(cd "$(dirname "$0")/../tests/libs" && pwd)"
stamp="$libs/node_modules/.kitwork-installed"
if [ -f "$stamp" ] && [ "$stamp" -nt "$libs/package-lock.json" ]; then
  echo "$libs/node_modules"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: installing it with apt-get" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
fi
cd "$libs"
# The packages only: no build tool (esbuild is for build.sh), no install scripts.
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --silent >&2
touch "$stamp"
echo "$libs/node_modules"
