#!/usr/bin/env bash
# Installs every Debian package listed in ci/debian-packages.txt (idempotent).
# Uses sudo when not root. Packages already installed are skipped quickly.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' ci/debian-packages.txt | grep -v '^$')
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#pkgs[@]} packages present"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts system-wide PostgreSQL/Redis services on install; the lab runs
# its own private instances and does not need them.
