#!/usr/bin/env bash
# Installs the Express peer's locked dependencies (package-lock.json) into
# node_modules when they are missing. Needs npm and, the first time, the registry.
set -euo pipefail
cd "$(dirname "$0")"
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
command -v npm >/dev/null || { echo "peers/express/install.sh: npm not found (Debian: nodejs)" >&2; exit 2; }
npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2
