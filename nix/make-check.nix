# `make check` in the build sandbox: unit tests, then integration tests against
# a private stack (PostgreSQL, Redis, upstream, server on 127.0.0.1).
# Left out here, and run by `make check` outside Nix: the clang-format check
# (needs .git), the libFuzzer smoke run, and tests/integration/flake.sh (needs
# Nix itself).
{
  stdenv,
  pkg-config,
  cmocka,
  postgresql,
  redis,
  curl,
  python3,
  jq,
  gnuplot,
  poppler-utils,
  tex,
  libraries,
  src,
  version,
}:
stdenv.mkDerivation {
  pname = "benchlab-make-check";
  inherit version src;
  nativeBuildInputs = [
    pkg-config
    postgresql
    redis
    curl
    python3 # tests/integration/study_run.sh reads the run files with it
    jq
    # tests/integration/paper_build.sh typesets the paper from the fixture results
    gnuplot
    tex
    poppler-utils
  ];
  buildInputs = libraries ++ [ cmocka ];
  dontConfigure = true;
  enableParallelBuilding = true;
  makeFlags = [ "BUILD=build" ];
  doCheck = true;
  checkPhase = ''
    runHook preCheck
    export HOME=$TMPDIR SKIP_FORMAT=1 SKIP_FUZZ=1 BENCHLAB_SKIP_FLAKE_CHECK=1
    make BUILD=build check
    runHook postCheck
  '';
  installPhase = ''
    mkdir -p $out
    echo "make check passed" > $out/result
  '';
}
