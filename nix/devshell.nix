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
  python3,
  nodejs,
  programs,
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
    # the peers measured beside benchlab-server (peers/fastapi, peers/express;
    # npm fetches Express's locked dependencies on first start)
    (python3.withPackages (ps: [
      ps.fastapi
      ps.uvicorn
      ps.uvloop
      ps.httptools
      ps.asyncpg
      ps.redis
      ps.pyjwt
      ps.bcrypt
      ps.python-multipart
      ps.httpx
      ps.gunicorn
    ]))
    nodejs
  ]
  ++ lib.optionals stdenv.hostPlatform.isLinux [
    util-linux # taskset
    valgrind
  ];
}
