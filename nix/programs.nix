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
  peers,
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
  # The benchlab binary itself, with the SQL and the scenarios where it looks
  # for them (share/benchlab/sql; scenarios/plans beside bin/). The mock
  # upstream (`benchlab upstream`) runs from here, also inside image-server.
  labBin = build {
    pname = "benchlab-bin";
    program = "benchlab";
    description = "The benchlab executable without its runtime environment";
    postInstall = ''
      mkdir -p $out/share/benchlab
      cp -R src/server/sql $out/share/benchlab/sql
      cp -R scenarios $out/share/benchlab/scenarios
      ln -s share/benchlab/scenarios $out/scenarios
    '';
  };

  # What the orchestrator starts: PostgreSQL, Redis, and on Linux taskset (util-linux).
  labRuntime = [
    postgresql
    redis
    coreutils
  ]
  ++ lib.optionals stdenv.hostPlatform.isLinux [ util-linux ];

  # `benchlab` as users run it: every program it starts is pinned by store
  # path (the docker backend passes these same paths to the images, which hold
  # the same store paths), PostgreSQL and Redis come on its PATH.
  # `benchlab run --implementation fastapi|express` starts
  # <scenarios>/../peers/<name>/start, and outside a working copy the
  # scenarios are found beside the executable (/proc/self/exe, symlinks
  # resolved). So the lab runs a copy of the benchlab executable placed in
  # share/benchlab/bin, beside a scenarios/ directory and peers/<name>/start
  # links to the packaged peers (nix/peers.nix). In a working copy its
  # scenarios/ and peers/ are used as before; BENCHLAB_PYTHON (unless set)
  # gives peers/fastapi/start the packaged Python there too.
  lab = stdenv.mkDerivation {
    pname = "benchlab";
    inherit version;
    dontUnpack = true;
    nativeBuildInputs = [ makeWrapper ];
    installPhase = ''
      runHook preInstall
      mkdir -p $out/bin $out/share/benchlab/bin
      # writable copies (the store's are read-only; fixup patches and strips)
      install -m755 ${labBin}/bin/benchlab $out/share/benchlab/bin/benchlab
      cp -R --no-preserve=mode ${labBin}/share/benchlab/scenarios $out/share/benchlab/scenarios
      ln -s ${labBin}/share/benchlab/sql $out/share/benchlab/sql
      # a study runs every peer through peers/as-server (benchlab-server's flags
      # -> the launcher's environment); a POSIX sh script
      mkdir -p $out/share/benchlab/peers
      install -m755 ${src}/peers/as-server $out/share/benchlab/peers/as-server
      ${lib.concatMapStringsSep "\n" (name: ''
        mkdir -p $out/share/benchlab/peers/${name}
        ln -s ${lib.getExe peers.launchers.${name}} $out/share/benchlab/peers/${name}/start
      '') (builtins.attrNames peers.launchers)}
      makeWrapper $out/share/benchlab/bin/benchlab $out/bin/benchlab \
        --set-default BENCHLAB_BIN ${labBin}/bin/benchlab \
        --set-default BENCHLAB_SQL_DIR ${labBin}/share/benchlab/sql \
        --set-default BENCHLAB_SERVER_BIN ${server}/bin/benchlab-server \
        --set-default BENCHLAB_LOAD_BIN ${load}/bin/benchlab-load \
        --set-default BENCHLAB_PYTHON ${peers.python}/bin/python3 \
        --prefix PATH : ${lib.makeBinPath labRuntime}
      ln -s ${server}/bin/benchlab-server $out/bin/benchlab-server
      ln -s ${load}/bin/benchlab-load $out/bin/benchlab-load
      runHook postInstall
    '';
    meta = {
      description = "The orchestrator: private stacks, boxed study runs, report, claims (with benchlab-server and benchlab-load)";
      mainProgram = "benchlab";
      platforms = lib.platforms.linux ++ lib.platforms.darwin;
    };
  };
in
{
  inherit
    server
    load
    lab
    labBin
    libraries
    peers
    ;
}
