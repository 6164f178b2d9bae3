# benchlab-server, benchlab-load and benchlab, each built by the Makefile's own
# target (`make BUILD=build build/<program>`) against nixpkgs' libraries.
{
  lib,
  stdenv,
  makeWrapper,
  pkg-config,
  ulfius,
  orcania,
  yder,
  libmicrohttpd,
  postgresql,
  hiredis,
  jansson,
  libjwt,
  curl,
  libev,
  libxcrypt,
  redis,
  coreutils,
  util-linux,
  src,
  version,
}:
let
  # The Makefile's PKGS plus what it links by hand (-lyder -lorcania -lev -lcrypt).
  libraries = [
    ulfius
    orcania
    yder
    libmicrohttpd
    postgresql
    hiredis
    jansson
    libjwt
    curl
    libev
    libxcrypt
  ];

  build =
    {
      pname,
      program,
      description,
      postInstall ? "",
    }:
    stdenv.mkDerivation {
      inherit
        pname
        version
        src
        postInstall
        ;
      nativeBuildInputs = [
        pkg-config
        makeWrapper
      ];
      buildInputs = libraries;
      makeFlags = [ "BUILD=build" ];
      buildFlags = [ "build/${program}" ];
      enableParallelBuilding = true;
      installPhase = ''
        runHook preInstall
        install -Dm755 build/${program} $out/bin/${program}
        runHook postInstall
      '';
      meta = {
        inherit description;
        mainProgram = program;
        platforms = lib.platforms.linux ++ lib.platforms.darwin;
      };
    };

  server = build {
    pname = "benchlab-server";
    program = "benchlab-server";
    description = "The system under test: the benchmark API on ulfius, libpq, hiredis, jansson, libjwt";
  };
  load = build {
    pname = "benchlab-load";
    program = "benchlab-load";
    description = "The load driver: k6's scenario model at wrk's speed, with mergeable histograms";
  };
  # What the orchestrator starts: PostgreSQL, Redis, and on Linux taskset (util-linux).
  labRuntime = [
    postgresql
    redis
    coreutils
  ]
  ++ lib.optionals stdenv.hostPlatform.isLinux [ util-linux ];
  lab = build {
    pname = "benchlab";
    program = "benchlab";
    description = "The orchestrator: private stacks, boxed study runs, report, claims";
    # benchlab looks for benchlab-server beside itself (or $BENCHLAB_SERVER_BIN),
    # so both ship in its bin/; PostgreSQL and Redis come on its PATH.
    postInstall = ''
      ln -s ${server}/bin/benchlab-server $out/bin/benchlab-server
      ln -s ${load}/bin/benchlab-load $out/bin/benchlab-load
      wrapProgram $out/bin/benchlab \
        --set-default BENCHLAB_SERVER_BIN ${server}/bin/benchlab-server \
        --set-default BENCHLAB_LOAD_BIN ${load}/bin/benchlab-load \
        --prefix PATH : ${lib.makeBinPath labRuntime}
    '';
  };
in
{
  inherit
    server
    load
    lab
    libraries
    ;
}
