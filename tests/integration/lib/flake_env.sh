# Sourced by tests/integration/flake_{apps,images,peers}.sh (not a test itself:
# it lives below lib/, which tests/run.sh does not run). Needs fail() and a
# private $tmp from the caller.
#   flake_need_nix   installs Debian's nix-bin when nix is missing (sudo when not root)
#   flake_system     prints this machine's flake system (x86_64-linux, aarch64-linux)
#   flake_private_nix  a private Nix setup under $tmp/nix (ci/nix-private.sh:
#                    its own nix.conf, caches; nothing of /etc/nix, ~/.config,
#                    the nixbld group); call it once $tmp exists
#   nixc ARGS...     nix with flakes, offline, on the private store $tmp/store
#   free_port        a free TCP port on 127.0.0.1

flake_need_nix() {
    command -v nix >/dev/null && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nix-bin >/dev/null
}

flake_system() {
    case "$(uname -m)" in
    x86_64) echo x86_64-linux ;;
    aarch64) echo aarch64-linux ;;
    *) return 1 ;;
    esac
}

# shellcheck source=ci/nix-private.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../ci/nix-private.sh"
flake_private_nix() { nix_private "$tmp/nix"; }

nixc() {
    nix --extra-experimental-features 'nix-command flakes' --offline --store "$tmp/store" \
        --option substitute false "$@"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
