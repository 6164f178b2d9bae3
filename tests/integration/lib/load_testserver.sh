# Sourced by the script tests that drive tests/support/load_testserver (not a
# test itself). Needs fail() (lib/common.sh) and $BUILD.
#   testserver_setup NAME  makes $work (/tmp/benchlab-NAME.XXXXXX), removed at
#                          exit with the server; starts the server on
#                          127.0.0.1 (pid in $srv) and sets $port and $url;
#                          fails the test when it is not built or does not start
server=$BUILD/tests/support/load_testserver

testserver_cleanup() {
    [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
    rm -rf "$work"
}

testserver_setup() {
    [ -x "$server" ] || fail "$server is not built"
    work=$(mktemp -d "/tmp/benchlab-$1.XXXXXX")
    srv=""
    trap testserver_cleanup EXIT
    "$server" >"$work/port" 2>/dev/null &
    srv=$!
    for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
    port=$(head -n 1 "$work/port")
    [ -n "$port" ] || fail "the test server did not start"
    url=http://127.0.0.1:$port
}
