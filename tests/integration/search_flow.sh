#!/usr/bin/env bash
# Scenarios 19 and 20 on benchlab-server (the stack's server): the search and
# flow groups of peers/conformance.py (like = trgm rows, fts rows hold the
# term's lexeme, LIKE metacharacters, limits; login, feed pages, write, read
# back, another account's post), both scenario files verified by the driver
# (every equals_var check), and the search seed is idempotent: search.sql run
# again leaves search_seed and the corpus as they were.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
if [ -z "${BENCHLAB_URL:-}" ] || [ -z "${BENCHLAB_PG:-}" ]; then
    echo "SKIP: search_flow: BENCHLAB_URL/BENCHLAB_PG not set (no running stack)"
    exit 0
fi
fail() {
    echo "FAIL: $*"
    exit 1
}
python3 peers/conformance.py "$BENCHLAB_URL" --only search,flow || fail "conformance search,flow"
for f in scenarios/db-advanced/19-a-search-like.json scenarios/db-advanced/19-b-search-trgm.json \
    scenarios/db-advanced/19-c-search-fts.json scenarios/real-world/20-flow.json; do
    "$BUILD/benchlab-load" verify "$f" --base-url "$BENCHLAB_URL" || fail "verify $f"
done
if command -v psql >/dev/null; then
    before=$(psql "$BENCHLAB_PG" -Atc "SELECT posts, seeded_at, (SELECT max(id) FROM search_posts) FROM search_seed") ||
        fail "psql: search_seed"
    [ -n "$before" ] || fail "search_seed is empty after the stack's seed"
    psql -q "$BENCHLAB_PG" -c "SET benchlab.search_posts = '7'" -f src/server/sql/search.sql >/dev/null 2>&1 ||
        fail "search.sql run again"
    after=$(psql "$BENCHLAB_PG" -Atc "SELECT posts, seeded_at, (SELECT max(id) FROM search_posts) FROM search_seed")
    [ "$before" = "$after" ] || fail "a second seed changed the corpus: '$before' -> '$after'"
    echo "ok: a second seed is a no-op ($after)"
else
    echo "search_flow: no psql, the seed's idempotence is not checked here"
fi
echo "PASS: search_flow"
