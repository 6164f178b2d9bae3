# Sourced by the script tests (not a test itself: it lives below lib/, which
# tests/run.sh does not run), from the repository's root.
#   fail MSG...            prints "FAIL: MSG" and exits 1
#   need_built DIR PROG... fails unless every DIR/PROG is an executable
#   peer_runtime NAME      true when peer NAME (fastapi, express) can run here

fail() {
    echo "FAIL: $*"
    exit 1
}

need_built() {
    local dir=$1 p
    shift
    for p in "$@"; do
        [ -x "$dir/$p" ] || fail "$dir/$p is not built"
    done
}

peer_runtime() {
    case $1 in
    fastapi)
        python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null ||
            /usr/bin/python3 -c 'import fastapi, uvicorn, asyncpg, redis, jwt, bcrypt, multipart, httpx' 2>/dev/null
        ;;
    express) command -v node >/dev/null && peers/express/install.sh >/dev/null 2>&1 ;;
    *) return 1 ;;
    esac
}
