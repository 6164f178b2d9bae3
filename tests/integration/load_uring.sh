#!/usr/bin/env bash
# The load driver's end-to-end test again with `--io uring` (the io_uring
# backend); test_load_driver itself runs with the default (epoll). Where the
# kernel refuses io_uring the driver falls back to epoll and says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
BENCHLAB_LOAD_IO=uring timeout 300 "$BUILD/tests/integration/load/test_load_driver"
