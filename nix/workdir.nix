# Shell text shared by the apps and the in-VM study image: a writable copy of
# the source tree in $work (removed on exit) whose BUILD dir (build-nix) holds
# the Nix-built programs (callers pass BUILD=build-nix), so ci/bench.sh and ci/paper.sh run unchanged and
# nothing is compiled again; its peers/<name>/start are the packaged peers.
{ src, lab }:
''
  work=$(mktemp -d "''${TMPDIR:-/tmp}/benchlab.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  cp -R ${src}/. "$work/"
  chmod -R u+w "$work"
  mkdir -p "$work/build-nix"
  for p in benchlab benchlab-server benchlab-load; do
    ln -s "${lab}/bin/$p" "$work/build-nix/$p"
  done
  # The peers the lab starts (peers/<name>/start) are the packaged ones: the
  # copy's own launchers would need the npm registry (Express) and a Python
  # with FastAPI on the machine.
  for start in ${lab}/share/benchlab/peers/*/start; do
    peer=$(basename "$(dirname "$start")")
    if [ -d "$work/peers/$peer" ]; then
      ln -sf "$start" "$work/peers/$peer/start"
    fi
  done
''
