# OCI images (dockerTools.streamLayeredImage: `$(nix build --print-out-paths
# .#image-server) | docker load`), always from a Linux package set. Names are
# benchlab-<what>:latest, which is what the lab's docker backend runs.
#   image-server    benchlab-server and benchlab (for `benchlab upstream`), as nobody
#   image-postgres  PostgreSQL (initdb, postgres); by itself (no command) it runs
#                   benchlab-postgres: initdb on first start (user and database
#                   benchlab, trust auth), then postgres on $BENCHLAB_PG_PORT (5432)
#   image-redis     redis-server; by itself without persistence
#   image-fastapi   the FastAPI peer: benchlab-peer-fastapi (its Python
#                   environment inside), as nobody; configured by BENCHLAB_* variables
#   image-express   the Express peer: benchlab-peer-express (Node.js 22, locked
#                   node_modules), as nobody
#   image-fastapi-strict, image-django, image-rails  the other peers, likewise
#   image-load      the study inside the Linux VM: benchlab + benchlab-load, the
#                   scenarios and the docker CLI; `benchlab-study [--quick]` runs
#                   `ci/bench.sh` with the `docker` profile (boxes are containers)
#                   against the Docker socket it is given (`nix run .#bench` on macOS)
{
  lib,
  dockerTools,
  writeShellApplication,
  bashInteractive,
  coreutils,
  postgresql,
  redis,
  docker-client,
  cacert,
  programs,
  src,
  version,
}:
let
  nobody = "65534:65534"; # dockerTools.fakeNss's nobody
  certs = "SSL_CERT_FILE=${cacert}/etc/ssl/certs/ca-bundle.crt";

  postgresStart = writeShellApplication {
    name = "benchlab-postgres";
    runtimeInputs = [
      postgresql
      coreutils
    ];
    text = ''
      export PGDATA=''${PGDATA:-/var/lib/postgresql/data}
      if [ ! -s "$PGDATA/PG_VERSION" ]; then
        initdb --username=benchlab --auth=trust --encoding=UTF8 --no-locale -D "$PGDATA" >/dev/null
        echo "CREATE DATABASE benchlab;" | postgres --single -D "$PGDATA" postgres >/dev/null
      fi
      exec postgres -D "$PGDATA" -k /tmp \
        -c listen_addresses="''${BENCHLAB_PG_LISTEN:-*}" -c port="''${BENCHLAB_PG_PORT:-5432}" "$@"
    '';
  };

  studyInVm = writeShellApplication {
    name = "benchlab-study";
    runtimeInputs = [
      programs.lab
      coreutils
      docker-client
    ];
    # Run by `nix run .#bench` on macOS as
    #   docker run --rm --network host -v /var/run/docker.sock:/var/run/docker.sock
    #     -v WORK:WORK -e TMPDIR=WORK -v RESULTS:RESULTS -e RESULTS=RESULTS
    #     benchlab-load benchlab-study [--quick]
    # WORK and RESULTS have the same path inside as for the Docker daemon, so the
    # containers this one starts can mount what the lab writes there.
    text = ''
      quick=0
      for a in "$@"; do
        case "$a" in
          --quick) quick=1 ;;
          *) echo "benchlab-study: unknown argument '$a'" >&2; exit 2 ;;
        esac
      done
      [ -S /var/run/docker.sock ] || {
        echo "benchlab-study: mount the Docker socket: -v /var/run/docker.sock:/var/run/docker.sock" >&2
        exit 2
      }
      ${import ./workdir.nix {
        inherit src;
        inherit (programs) lab;
      }}
      cd "$work"
      BUILD=build-nix QUICK=$quick RESULTS=''${RESULTS:?set RESULTS} PROFILE=''${PROFILE:-docker} SKIP_PAPER=1 \
        bash ci/bench.sh
    '';
  };

  peerImage =
    name: launcher:
    dockerTools.streamLayeredImage {
      name = "benchlab-${name}";
      tag = "latest";
      contents = [
        launcher
        dockerTools.binSh
        coreutils # `head` of the cgroup files: statistics on other hosts (docs/multi-host.md)
        dockerTools.fakeNss
      ];
      fakeRootCommands = ''
        mkdir -p ./tmp
        chmod 1777 ./tmp
      '';
      enableFakechroot = false;
      config = {
        Cmd = [ (lib.getExe launcher) ];
        Env = [
          "BENCHLAB_LISTEN=0.0.0.0:8080"
          "TMPDIR=/tmp"
        ];
        User = nobody;
        ExposedPorts."8080/tcp" = { };
      };
    };
in
{
  # No Entrypoint anywhere: the docker backend runs `docker run IMAGE argv...`
  # with the same command line (store paths included) as the native backend.
  image-server = dockerTools.streamLayeredImage {
    name = "benchlab-server";
    tag = "latest";
    contents = [
      programs.server
      programs.labBin # `benchlab upstream`, the mock upstream
      coreutils # `head` of the cgroup files: statistics on other hosts (docs/multi-host.md)
      dockerTools.fakeNss
    ];
    config = {
      Cmd = [ "benchlab-server" ];
      Env = [ certs ];
      User = nobody;
      ExposedPorts."8080/tcp" = { };
    };
  };

  image-postgres = dockerTools.streamLayeredImage {
    name = "benchlab-postgres";
    tag = "latest";
    contents = [
      postgresql
      postgresStart
      coreutils # `head` of the cgroup files: statistics on other hosts
      dockerTools.fakeNss
    ];
    fakeRootCommands = ''
      mkdir -p ./tmp ./var/lib/postgresql
      chmod 1777 ./tmp
      chown ${nobody} ./var/lib/postgresql
    '';
    enableFakechroot = false;
    config = {
      Cmd = [ (lib.getExe postgresStart) ];
      User = nobody;
      ExposedPorts."5432/tcp" = { };
    };
  };

  image-redis = dockerTools.streamLayeredImage {
    name = "benchlab-redis";
    tag = "latest";
    contents = [
      redis
      coreutils # `head` of the cgroup files: statistics on other hosts
      dockerTools.fakeNss
    ];
    config = {
      Cmd = [
        "redis-server"
        "--save"
        ""
        "--appendonly"
        "no"
        "--protected-mode"
        "no"
      ];
      User = nobody;
      ExposedPorts."6379/tcp" = { };
    };
  };

  # The peers: the launcher the lab's peers/<name>/start links to (same store
  # path), and /bin/sh for the wrapper `benchlab run` writes into the stack
  # directory (benchlab-server flags -> BENCHLAB_* variables, then exec).
  image-fastapi = peerImage "fastapi" programs.peers.fastapi;
  image-express = peerImage "express" programs.peers.express;
  # the study's other frameworks (benchlab-fastapi-strict, -django, -rails)
  image-fastapi-strict = peerImage "fastapi-strict" programs.peers.fastapi-strict;
  image-django = peerImage "django" programs.peers.django;
  image-rails = peerImage "rails" programs.peers.rails;

  image-load = dockerTools.streamLayeredImage {
    name = "benchlab-load";
    tag = "latest";
    contents = [
      studyInVm
      programs.lab
      bashInteractive
      coreutils
      docker-client
      dockerTools.fakeNss
    ];
    fakeRootCommands = ''
      mkdir -p ./tmp
      chmod 1777 ./tmp
    '';
    config = {
      # Runs as root: it drives the VM's Docker daemon through the mounted socket.
      Cmd = [ "benchlab-study" ];
      Env = [
        certs
        "TMPDIR=/tmp"
      ];
      WorkingDir = "/tmp";
      Labels."org.opencontainers.image.version" = version;
    };
  };
}
