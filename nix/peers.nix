# The peers measured next to benchlab-server (peers/, docs/peers.md), packaged:
#   fastapi  benchlab-peer-fastapi: peers/fastapi/start and app/, run by a
#            python3.withPackages environment (BENCHLAB_PYTHON is set to it)
#   express  benchlab-peer-express: peers/express with the dependencies
#            package-lock.json locks, installed by buildNpmPackage from
#            importNpmLock (each tarball fetched by the lock's own integrity
#            hash), run by Node.js 22 (Node.js 20 reached its end of life
#            on 2026-04-30; nixpkgs marks it insecure, then drops it)
# Each is a launcher with the peers' interface: configured by the BENCHLAB_*
# variables only, it execs the server in the foreground (SIGTERM stops it).
{
  lib,
  writeShellApplication,
  buildNpmPackage,
  importNpmLock,
  python3,
  nodejs_22,
  coreutils,
  # the peers added for the study's other frameworks (block below)
  runCommand,
  ruby,
}:
let
  # Everything the FastAPI app imports, and the servers its launcher runs
  # (uvicorn with uvloop + httptools; gunicorn for BENCHLAB_WORKERS > 1).
  python = python3.withPackages (ps: [
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
  ]);

  fastapiSrc = lib.fileset.toSource {
    root = ../peers/fastapi;
    fileset = lib.fileset.unions [
      ../peers/fastapi/start
      ../peers/fastapi/app
    ];
  };

  fastapi = writeShellApplication {
    name = "benchlab-peer-fastapi";
    # peers/fastapi/start needs dirname; nothing else from PATH
    runtimeInputs = [ coreutils ];
    # The peer's own launcher, with the interpreter pinned. "$BASH" is this
    # script's bash (from the store), so no /usr/bin/env is needed (images).
    text = ''
      export BENCHLAB_PYTHON=${python}/bin/python3
      exec "$BASH" ${fastapiSrc}/start "$@"
    '';
    passthru = {
      inherit python;
      src = fastapiSrc;
    };
    meta.description = "The FastAPI peer (peers/fastapi) with its Python environment";
  };

  expressRoot = ../peers/express;
  expressSrc = lib.fileset.toSource {
    root = expressRoot;
    fileset = lib.fileset.unions [
      (expressRoot + "/package.json")
      (expressRoot + "/package-lock.json")
      (expressRoot + "/src")
    ];
  };
  package = builtins.fromJSON (builtins.readFile (expressRoot + "/package.json"));
  lock = builtins.fromJSON (builtins.readFile (expressRoot + "/package-lock.json"));

  # The lock was written with npm's omit-lockfile-registry-resolved, so its
  # entries carry `integrity` but no `resolved`: npm then fetches
  # <registry>/<name>/-/<name without scope>-<version>.tgz. importNpmLock only
  # fetches entries that have a `resolved` URL (the others npm would fetch
  # itself, which the build sandbox forbids), so the same URL is written in
  # here; the tarball is still checked against the lock's integrity hash.
  registry = "https://registry.npmjs.org";
  registryUrl =
    path: entry:
    let
      # node_modules/a/node_modules/@scope/b -> @scope/b
      name = builtins.head (builtins.match ".*node_modules/(.+)" path);
    in
    "${registry}/${name}/-/${baseNameOf name}-${entry.version}.tgz";
  withResolved =
    path: entry:
    if path == "" || entry ? resolved || entry.link or false || !(entry ? integrity) then
      entry
    else
      entry // { resolved = registryUrl path entry; };
  lockWithUrls = lock // {
    packages = builtins.mapAttrs withResolved lock.packages;
  };

  expressApp = buildNpmPackage {
    pname = "benchlab-peer-express-app";
    inherit (package) version;
    src = expressSrc;
    nodejs = nodejs_22;
    npmDeps = importNpmLock {
      inherit package;
      packageLock = lockWithUrls;
    };
    npmConfigHook = importNpmLock.npmConfigHook;
    dontNpmBuild = true; # plain JavaScript: nothing to build
    meta = {
      description = "The Express peer's app and its locked node_modules";
      platforms = lib.platforms.linux ++ lib.platforms.darwin;
    };
  };

  # What peers/express/start does, minus install.sh: the dependencies are in
  # the store already. The listen address is on node's command line too (the
  # server reads the environment): `benchlab down` checks that a PID file's
  # process still has its port in its command line before signalling it.
  express = writeShellApplication {
    name = "benchlab-peer-express";
    text = ''
      if [ -z "''${BENCHLAB_LISTEN:-}" ]; then
        echo "benchlab-peer-express: BENCHLAB_LISTEN is not set (want 127.0.0.1:PORT)" >&2
        exit 2
      fi
      cd ${expressApp}/lib/node_modules/${package.name}
      export NODE_ENV=production
      exec ${nodejs_22}/bin/node src/server.js --listen "$BENCHLAB_LISTEN"
    '';
    passthru = {
      app = expressApp;
      nodejs = nodejs_22;
    };
    meta.description = "The Express peer (peers/express) with its locked dependencies and Node.js 22";
  };

  # --- fastapi-strict, django, rails (the study's other frameworks) ---------
  #   fastapi-strict  peers/fastapi-strict/app run by peers/fastapi/start (its
  #                   start is a link to that launcher) with the FastAPI python
  #   django          peers/django by a python3.withPackages environment with
  #                   Django, Django REST framework, psycopg2, django-redis
  #   rails           peers/rails by ruby.withPackages with rails, pg, puma,
  #                   redis, jwt, bcrypt (no Bundler, like the Debian gems)
  strictSrc = runCommand "benchlab-peer-fastapi-strict-src" { } ''
    mkdir -p $out
    cp -R ${
      lib.fileset.toSource {
        root = ../peers/fastapi-strict;
        fileset = ../peers/fastapi-strict/app;
      }
    }/app $out/app
    cp ${../peers/fastapi/start} $out/start
  '';
  fastapi-strict = writeShellApplication {
    name = "benchlab-peer-fastapi-strict";
    runtimeInputs = [ coreutils ];
    text = ''
      export BENCHLAB_PYTHON=${python}/bin/python3
      exec "$BASH" ${strictSrc}/start "$@"
    '';
    passthru = {
      inherit python;
      src = strictSrc;
    };
    meta.description = "The FastAPI strict-layering peer (peers/fastapi-strict) with its Python environment";
  };

  djangoPython = python3.withPackages (ps: [
    ps.django
    ps.djangorestframework
    ps.psycopg2
    ps.django-redis
    ps.redis
    ps.pyjwt
    ps.bcrypt
    ps.requests
    ps.gunicorn
  ]);
  djangoSrc = lib.fileset.toSource {
    root = ../peers/django;
    fileset = lib.fileset.unions [
      ../peers/django/start
      ../peers/django/gunicorn.conf.py
      ../peers/django/benchsite
      ../peers/django/api
    ];
  };
  django = writeShellApplication {
    name = "benchlab-peer-django";
    runtimeInputs = [ coreutils ];
    text = ''
      export BENCHLAB_PYTHON=${djangoPython}/bin/python3
      exec "$BASH" ${djangoSrc}/start "$@"
    '';
    passthru = {
      python = djangoPython;
      src = djangoSrc;
    };
    meta.description = "The Django peer (peers/django: DRF, gunicorn) with its Python environment";
  };

  rubyEnv = ruby.withPackages (ps: [
    ps.rails
    ps.pg
    ps.puma
    ps.redis
    ps.jwt
    ps.bcrypt
  ]);
  railsSrc = lib.fileset.toSource {
    root = ../peers/rails;
    fileset = lib.fileset.unions [
      ../peers/rails/start
      ../peers/rails/config.ru
      ../peers/rails/config
      ../peers/rails/app
      ../peers/rails/lib
    ];
  };
  rails = writeShellApplication {
    name = "benchlab-peer-rails";
    runtimeInputs = [ coreutils ];
    text = ''
      export BENCHLAB_RUBY=${rubyEnv}/bin/ruby
      exec "$BASH" ${railsSrc}/start "$@"
    '';
    passthru = {
      ruby = rubyEnv;
      src = railsSrc;
    };
    meta.description = "The Rails peer (peers/rails: API-only, ActiveRecord, Puma) with its Ruby environment";
  };
in
{
  inherit
    python
    fastapi
    express
    expressApp
    ;
  inherit fastapi-strict django rails;
  # for the lab: peers/<implementation>/start
  launchers = {
    inherit fastapi express;
  }
  // {
    inherit fastapi-strict django rails;
  };
}
