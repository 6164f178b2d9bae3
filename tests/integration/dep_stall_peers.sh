#!/usr/bin/env bash
# check: alone
# The dependency-stall test (tests/integration/dep_stall.sh) for the peers:
# FastAPI, FastAPI-strict, Django, Rails and Express, each when it can run
# here. Only the recovery after SIGCONT is asserted; what each framework does
# during the stall is printed (docs/peers.md records it).
DEP_STALL_TARGETS=peers exec bash "$(dirname "$0")/dep_stall.sh"
