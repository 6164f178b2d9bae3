#!/usr/bin/env bash
# The seeded cluster template (BENCHLAB_PG_TEMPLATE, docs/stack.md): two
# stacks started together on an empty template directory build it once (the
# other waits and copies); a copy's data equals a freshly seeded cluster's
# (row count of every table, checksums of seeded columns); a template whose
# marker is missing is not used (built again); nothing is left behind.
# check: parallel, about 60 s
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
fail() {
    echo "FAIL: $*"
    exit 1
}
[ -x "$BUILD/benchlab" ] || fail "$BUILD/benchlab is not built (make)"
command -v psql >/dev/null || fail "psql not found (postgresql)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pg_template.XXXXXX")
tpl=$tmp/tpl
cleanup() {
    for d in a b1 b2 c; do "$BUILD/benchlab" down --dir "$tmp/$d" >/dev/null 2>&1 || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

up() { # up NAME [VAR=VALUE...]: benchlab up --dir $tmp/NAME with that environment
    local name=$1
    shift
    env "$@" "$BUILD/benchlab" up --dir "$tmp/$name" >"$tmp/$name.out" 2>"$tmp/$name.err" ||
        { cat "$tmp/$name.err"; fail "benchlab up --dir $tmp/$name ($*)"; }
}
data_of() { sed -n 's/^BENCHLAB_PG_DATA=//p' "$tmp/$1/stack.env"; }
marker_of() { cat "$(data_of "$1")/benchlab_template" 2>/dev/null | cut -d' ' -f1; }
built() { grep -c "building the PostgreSQL template" "$tmp/$1.err" || true; }
# Row counts of every table, then checksums of seeded columns (not the
# timestamps: the seed makes them relative to now()).
fingerprint() {
    psql "$(sed -n 's/^BENCHLAB_PG=//p' "$tmp/$1.out")" -Atq -c "
      SELECT string_agg(relname || '=' || (xpath('/row/n/text()', query_to_xml(
               'SELECT count(*) AS n FROM ' || oid::regclass, false, true, '')))[1]::text,
             ' ' ORDER BY relname)
      FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace;
      SELECT md5(string_agg(concat_ws('|', id, author_id, title, content, view_count), ',' ORDER BY id)) FROM posts;
      SELECT md5(string_agg(concat_ws('|', id, name, email, status, country, gender, birth_date), ',' ORDER BY id)) FROM users_wide;
      SELECT md5(string_agg(concat_ws('|', id, name, email), ',' ORDER BY id)) FROM users;
      SELECT md5(string_agg(concat_ws('|', id, name, stock, version), ',' ORDER BY id)) FROM products;"
}

# 1. Two at once on an empty template directory: one builds, both copy.
export BENCHLAB_PG_TEMPLATE=$tpl
(up b1) &
p1=$!
up b2
wait "$p1" || fail "the first of the two parallel stacks"
[ $(($(built b1) + $(built b2))) -eq 1 ] ||
    fail "two stacks at once built the template $(($(built b1) + $(built b2))) times, not once"
key=$(marker_of b1)
[ ${#key} -eq 64 ] || fail "stack b1's cluster has no template marker: $(ls "$(data_of b1)")"
[ "$(marker_of b2)" = "$key" ] || fail "stack b2's cluster is not from template $key"
[ -f "$tpl/$key/complete" ] || fail "no $tpl/$key/complete"
echo "ok   two stacks at once: one built template $key, both copied it"
"$BUILD/benchlab" down --dir "$tmp/b2" >/dev/null

# 2. A template without its marker (a build cut short) is never used: built again.
rm "$tpl/$key/complete"
up c
[ "$(built c)" -eq 1 ] || fail "a template without its marker was used: $(cat "$tmp/c.err")"
[ "$(marker_of c)" = "$key" ] && [ -f "$tpl/$key/complete" ] || fail "no valid template after the rebuild"
echo "ok   a template without its marker is built again, not used"

# 3. The copy's data equals a freshly seeded cluster's.
up a -u BENCHLAB_PG_TEMPLATE
[ -z "$(marker_of a)" ] || fail "a stack without BENCHLAB_PG_TEMPLATE has a template marker"
# (the seed's own report, "seed: search corpus of N posts seeded in S s", is not the template's)
[ "$(built a)" -eq 0 ] && ! grep -v '^seed: search corpus' "$tmp/a.err" | grep -q . ||
    fail "without the variable, up said: $(cat "$tmp/a.err")"
fa=$(fingerprint a)
fc=$(fingerprint c)
[ "$fa" = "$fc" ] || fail "copied data differs from a fresh seed:
fresh: $fa
copy:  $fc"
grep -q "users=1000 " <<<"$fc" || fail "no 1000 users in: $fc"
echo "ok   the copy's data equals a fresh seed's ($(head -n 1 <<<"$fc" | wc -w) tables' rows, 4 checksums)"

# 4. Nothing left: the clusters are gone with down, the template directory
# holds the template only (no build, trash or key scratch files).
datas="$(data_of a) $(data_of b1) $(data_of c)"
for d in a b1 c; do "$BUILD/benchlab" down --dir "$tmp/$d" >/dev/null; done
for d in $datas; do [ ! -e "$d" ] || fail "$d is still there after down"; done
left=$(ls -A "$tpl")
[ "$left" = "$key" ] || fail "the template directory holds: $left"
echo "ok   nothing left behind but $tpl/$key"
