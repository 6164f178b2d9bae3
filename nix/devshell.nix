# `nix develop`: everything `make`, `make check`, `make bench` and `make paper`
# use, from the pinned nixpkgs.
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
  ]
  ++ lib.optionals stdenv.hostPlatform.isLinux [
    util-linux # taskset
    valgrind
  ];
}
