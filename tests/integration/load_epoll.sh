#!/usr/bin/env bash
# The load driver's end-to-end test again with `--io epoll` (the portable
# backend); test_load_driver itself runs with the default (io_uring here).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BENCHLAB_LOAD_IO=epoll timeout 300 "$BUILD/tests/integration/load/test_load_driver"
