# `nix develop`: everything `make`, `make check`, `make bench` and `make paper`
# use, from the pinned nixpkgs, and the peers' Python and Node.js.
{
  lib,
  stdenv,
  mkShell,
  cmocka,
  clang,
  clang-tools,
  gnumake,
  gnuplot,
  postgresql,
  redis,
  wrk,
  nginx,
  jq,
  curl,
  util-linux,
  valgrind,
  programs,
  peers,
  tex,
}:
mkShell {
  inputsFrom = [ programs.server ];
  packages = [
    cmocka
    clang # the fuzz targets (libFuzzer)
    clang-tools # clang-format
    gnumake
    gnuplot
    tex
    postgresql
    redis
    wrk
    nginx
    jq
    curl
    # the peers measured beside benchlab-server (peers/fastapi, peers/express):
    # the packaged peers' Python environment and Node.js (nix/peers.nix); in a
    # working copy npm fetches Express's locked dependencies on first start
    peers.python
    peers.express.nodejs
    peers.fastapi # benchlab-peer-fastapi, benchlab-peer-express: the packaged peers
    peers.express
  ]
  ++ lib.optionals stdenv.hostPlatform.isLinux [
    util-linux # taskset
    valgrind
  ];
}
