#!/usr/bin/env bash
# The Django peer (peers/django: DRF ViewSets, Django ORM, gunicorn sync
# workers) against the stack's database: every endpoint of the contract
# (peers/conformance.py) with 2 sync workers, stopped with SIGTERM.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
if [ -z "${BENCHLAB_PG:-}" ]; then
    echo "SKIP: peers_django: BENCHLAB_PG is not set (no running stack)"
    exit 0
fi
mods='import django, rest_framework, psycopg2, django_redis, jwt, bcrypt, requests, gunicorn'
if ! { python3 -c "$mods" 2>/dev/null || /usr/bin/python3 -c "$mods" 2>/dev/null; }; then
    echo "SKIP: peers_django: no python3 with django, rest_framework, psycopg2, django_redis, jwt, bcrypt, requests, gunicorn"
    exit 0
fi
peers/run-conformance.sh django 2
