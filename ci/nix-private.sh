# shellcheck shell=bash
# Sourced by ci/check-flake and tests/integration/lib/flake_env.sh: a Nix that
# reads nothing of this machine's state. Without it, Nix reads /etc/nix/nix.conf
# and ~/.config/nix/nix.conf, and as root its built-in `build-users-group =
# nixbld` makes it warn on every command when that group does not exist (a
# fresh Debian nix-bin creates no group).
#
#   nix_private DIR   writes DIR/etc/nix.conf and exports NIX_CONF_DIR,
#                     NIX_USER_CONF_FILES and the XDG directories into DIR;
#                     the caller passes --store DIR/store (or its own) itself.
nix_private() {
    local d=$1
    mkdir -p "$d/etc" "$d/cache" "$d/config" "$d/data" "$d/state"
    # The global flake registry: none (the flake names its inputs by URL and
    # the checks override nixpkgs by path), so nothing is looked up online.
    printf '{"flakes":[],"version":2}\n' >"$d/etc/registry.json"
    cat >"$d/etc/nix.conf" <<EOF
# benchlab's private Nix configuration (ci/nix-private.sh); nothing else is read
experimental-features = nix-command flakes
build-users-group =
substitute = false
warn-dirty = false
flake-registry = $d/etc/registry.json
EOF
    export NIX_CONF_DIR=$d/etc NIX_USER_CONF_FILES=$d/etc/nix.conf
    export XDG_CACHE_HOME=$d/cache XDG_CONFIG_HOME=$d/config XDG_DATA_HOME=$d/data XDG_STATE_HOME=$d/state
    unset NIX_PATH NIX_REMOTE
}
