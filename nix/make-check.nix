# `make check` in the build sandbox: unit tests, then integration tests against
# a private stack (PostgreSQL, Redis, upstream, server on 127.0.0.1).
# Left out here, and run by `make check` outside Nix: the clang-format check
# (needs .git), the libFuzzer smoke run, and tests/integration/flake*.sh (need
# Nix itself). The peers' tests (peers_fastapi.sh, peers_express.sh) run with
# the packaged runtimes (nix/peers.nix): python3 is the FastAPI environment,
# node is Node.js 22 and Express's node_modules are the packaged ones.
{
  stdenv,
  pkg-config,
  cmocka,
  postgresql,
  redis,
  curl,
  jq,
  gnuplot,
  poppler-utils,
  tex,
  libraries,
  peers,
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
    # tests/integration/study_run.sh reads the run files with python3; the
    # FastAPI peer's environment is one
    peers.python
    peers.express.nodejs
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
    # Express's dependencies as packaged from the same lock; the lock made
    # older than them, so peers/express/install.sh keeps them (no npm ci)
    rm -rf peers/express/node_modules # (a path: flake of a working copy may bring its own)
    ln -s ${peers.expressApp}/lib/node_modules/benchlab-peer-express/node_modules peers/express/node_modules
    touch -d @0 peers/express/package-lock.json
    make BUILD=build check
    runHook postCheck
  '';
  installPhase = ''
    mkdir -p $out
    echo "make check passed" > $out/result
  '';
}
