# The stand-in package set for one system (nixpkgs.legacyPackages.${system}):
# stdenv.mkDerivation, callPackage, the trivial builders, mkShell, dockerTools,
# texlive and the packages the flake names, with nixpkgs' argument names.
# Versions are indicative; what matters is names, signatures and systems.
{
  lib,
  system,
  # nixpkgs' config (import nixpkgs { config = ...; }); legacyPackages has none
  config ? { },
}:
let
  inherit (builtins)
    attrNames
    concatStringsSep
    filter
    getContext
    head
    isFunction
    isList
    isString
    toJSON
    ;

  isLinux = lib.hasSuffix "-linux" system;
  isDarwin = lib.hasSuffix "-darwin" system;
  hostPlatform = {
    inherit system isLinux isDarwin;
    isAarch64 = lib.hasPrefix "aarch64-" system;
    isx86_64 = lib.hasPrefix "x86_64-" system;
  };

  # Every derivation of this set carries its system at the end of its store
  # name, so the image builders can tell from a string's context which system
  # a referenced derivation was built for.
  storeName = name: "${name}-${system}";
  unbuildable = [
    "-c"
    "echo 'ci/nix-stub: a stand-in derivation for evaluation only; build with real nixpkgs' >&2; exit 1"
  ];

  # nixpkgs' check-meta (pkgs/stdenv/generic/check-meta.nix): the drvPath or
  # outPath of a package that is unfree, broken, not for this system or
  # insecure throws ("Refusing to evaluate package ..."), unless allowed the
  # way nixpkgs allows it: config.allowUnfree, config.allowUnfreePredicate or
  # NIXPKGS_ALLOW_UNFREE=1; config.allowBroken or NIXPKGS_ALLOW_BROKEN=1;
  # config.allowUnsupportedSystem or NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM=1;
  # config.allowInsecurePredicate, config.permittedInsecurePackages (names
  # with versions) or NIXPKGS_ALLOW_INSECURE=1. The variables are read with
  # builtins.getEnv, so, as with nixpkgs, only under --impure.
  envAllows = var: builtins.getEnv var == "1";
  isUnfree =
    license:
    if isList license then
      builtins.any (l: !(l.free or true)) license
    else
      !(license.free or true);
  showLicense =
    license: toString (map (l: l.shortName or l.spdxId or "unknown") (if isList license then license else [ license ]));
  metaProblem =
    attrs:
    let
      inherit (attrs) meta;
      vulns = meta.knownVulnerabilities or [ ];
    in
    if
      meta ? license
      && isUnfree meta.license
      && !(
        config.allowUnfree or false
        || envAllows "NIXPKGS_ALLOW_UNFREE"
        || (config ? allowUnfreePredicate && config.allowUnfreePredicate attrs)
        || builtins.elem (attrs.pname or attrs.name) (config.allowUnfreePackages or [ ])
      )
    then
      "has an unfree license (‘${showLicense meta.license}’)\n(allow it with config.allowUnfree, config.allowUnfreePredicate, config.allowUnfreePackages or NIXPKGS_ALLOW_UNFREE=1)"
    else if meta.broken or false && !(config.allowBroken or false || envAllows "NIXPKGS_ALLOW_BROKEN") then
      "is marked as broken\n(allow it with config.allowBroken or NIXPKGS_ALLOW_BROKEN=1)"
    else if
      meta ? platforms
      && !(builtins.elem system meta.platforms)
      && !(config.allowUnsupportedSystem or false || envAllows "NIXPKGS_ALLOW_UNSUPPORTED_SYSTEM")
    then
      "is not available on the requested hostPlatform: ${system} (meta.platforms = [ ${toString meta.platforms} ])"
    else if
      vulns != [ ]
      && !(
        envAllows "NIXPKGS_ALLOW_INSECURE"
        || (
          if config ? allowInsecurePredicate then
            config.allowInsecurePredicate attrs
          else
            builtins.elem attrs.name (config.permittedInsecurePackages or [ ])
        )
      )
    then
      "is marked as insecure\n\nKnown issues:\n${
        concatStringsSep "\n" (map (v: " - ${v}") vulns)
      }\n(allow it with config.permittedInsecurePackages = [ \"${attrs.name}\" ], config.allowInsecurePredicate or NIXPKGS_ALLOW_INSECURE=1)"
    else
      null;
  checkMeta =
    attrs: x:
    let
      problem = metaProblem attrs;
    in
    if problem == null then
      x
    else
      throw "Refusing to evaluate package '${attrs.name}' because it ${problem}";

  mkDerivation =
    argsOrFun:
    let
      args = if isFunction argsOrFun then lib.fix argsOrFun else argsOrFun;
      name =
        args.name or (
          if args ? pname && args ? version then
            "${args.pname}-${args.version}"
          else
            throw "stdenv.mkDerivation: needs `name`, or `pname` and `version`"
        );
      meta = args.meta or { };
      passthru = args.passthru or { };
      outputs = args.outputs or [ "out" ];
      drv = derivation (
        builtins.removeAttrs args [
          "meta"
          "passthru"
          "env"
        ]
        // (args.env or { })
        // {
          name = storeName name;
          inherit system outputs;
          builder = "/bin/sh";
          args = unbuildable;
        }
      );
      checked = checkMeta (args // { inherit name meta; });
      checkedOutput =
        o:
        drv.${o}
        // {
          drvPath = checked drv.${o}.drvPath;
          outPath = checked drv.${o}.outPath;
        };
    in
    drv
    // lib.genAttrs outputs checkedOutput
    // passthru
    // {
      inherit name meta passthru;
      drvPath = checked drv.drvPath;
      outPath = checked drv.outPath;
      overrideAttrs =
        f:
        let
          o = f args;
        in
        mkDerivation (args // (if isFunction o then o args else o));
    };

  stdenv = {
    inherit mkDerivation hostPlatform system isLinux isDarwin;
    buildPlatform = hostPlatform;
    targetPlatform = hostPlatform;
    shell = "${bashInteractive}/bin/bash";
  };

  leaf =
    pname:
    {
      version,
      outputs ? [ "out" ],
      mainProgram ? null,
      platforms ? lib.platforms.unix,
      passthru ? { },
      knownVulnerabilities ? [ ],
    }:
    mkDerivation {
      inherit
        pname
        version
        outputs
        passthru
        ;
      meta = {
        inherit platforms;
      }
      // lib.optionalAttrs (mainProgram != null) { inherit mainProgram; }
      // lib.optionalAttrs (knownVulnerabilities != [ ]) { inherit knownVulnerabilities; };
    };

  bashInteractive = leaf "bash-interactive" {
    version = "5.2p37";
    outputs = [
      "out"
      "dev"
      "man"
      "doc"
      "info"
    ];
    mainProgram = "bash";
  };

  runCommand =
    name: env: buildCommand:
    mkDerivation (
      {
        inherit name buildCommand;
        passAsFile = [ "buildCommand" ];
      }
      // env
    );

  # trivial-builders' writeShellApplication, with its full argument list. The
  # script it would write is kept in the derivation (scriptText) so that
  # ci/check-flake can run shellcheck on it, as the real one does when built.
  writeShellApplication =
    {
      name,
      text,
      runtimeInputs ? [ ],
      runtimeEnv ? null,
      meta ? { },
      passthru ? { },
      checkPhase ? null,
      excludeShellChecks ? [ ],
      extraShellCheckFlags ? [ ],
      bashOptions ? [
        "errexit"
        "nounset"
        "pipefail"
      ],
      derivationArgs ? { },
      inheritPath ? true,
    }:
    assert isString text || throw "writeShellApplication ${name}: `text` must be a string";
    assert isList runtimeInputs || throw "writeShellApplication ${name}: `runtimeInputs` must be a list";
    let
      scriptText = ''
        #!${bashInteractive}/bin/bash
        ${concatStringsSep "\n" (map (o: "set -o ${o}") bashOptions)}
        ${lib.optionalString (runtimeEnv != null) (
          concatStringsSep "\n" (
            map (n: "export ${n}='${toString runtimeEnv.${n}}'") (attrNames runtimeEnv)
          )
        )}
        ${lib.optionalString (runtimeInputs != [ ]) ''
          export PATH="${lib.makeBinPath runtimeInputs}${lib.optionalString inheritPath ":$PATH"}"
        ''}
        ${text}
      '';
    in
    runCommand name (
      {
        inherit scriptText;
        shellcheckExcludes = concatStringsSep "," excludeShellChecks;
        shellcheckFlags = extraShellCheckFlags;
        passthru = passthru;
        meta = {
          mainProgram = name;
        }
        // meta;
      }
      // derivationArgs
    ) "";

  mkShell =
    {
      name ? "nix-shell",
      packages ? [ ],
      inputsFrom ? [ ],
      buildInputs ? [ ],
      nativeBuildInputs ? [ ],
      propagatedBuildInputs ? [ ],
      propagatedNativeBuildInputs ? [ ],
      ...
    }@attrs:
    let
      from = attr: builtins.concatLists (map (d: d.${attr} or [ ]) inputsFrom);
      rest = builtins.removeAttrs attrs [
        "name"
        "packages"
        "inputsFrom"
        "buildInputs"
        "nativeBuildInputs"
        "propagatedBuildInputs"
        "propagatedNativeBuildInputs"
      ];
    in
    mkDerivation (
      {
        inherit name;
        buildInputs = buildInputs ++ from "buildInputs";
        nativeBuildInputs = nativeBuildInputs ++ packages ++ from "nativeBuildInputs";
        propagatedBuildInputs = propagatedBuildInputs ++ from "propagatedBuildInputs";
        propagatedNativeBuildInputs = propagatedNativeBuildInputs ++ from "propagatedNativeBuildInputs";
      }
      // rest
    );

  # dockerTools: only on Linux. On darwin the stand-in refuses it, because an
  # image made from darwin packages cannot run in a Linux container.
  defaultArchitecture = if hostPlatform.isAarch64 then "arm64" else "amd64";
  foreignRefs =
    value:
    filter (r: lib.hasSuffix ".drv" r && !(lib.hasSuffix "-${system}.drv" r)) (
      attrNames (getContext (toJSON value))
    );
  linuxDockerTools = {
    fakeNss = leaf "fake-nss" { version = "1.0"; };
    # /bin/sh -> bashInteractive's bash
    binSh = mkDerivation { name = "bin-sh"; };
    streamLayeredImage =
      {
        name,
        tag ? null,
        fromImage ? null,
        contents ? [ ],
        config ? { },
        architecture ? defaultArchitecture,
        created ? "1970-01-01T00:00:01Z",
        mtime ? "1970-01-01T00:00:01Z",
        uid ? 0,
        gid ? 0,
        uname ? "root",
        gname ? "root",
        maxLayers ? 100,
        extraCommands ? "",
        fakeRootCommands ? "",
        enableFakechroot ? false,
        includeStorePaths ? true,
        includeNixDB ? false,
        passthru ? { },
        meta ? { },
        layeringPipeline ? null,
        debug ? false,
      }:
      let
        contentsList = if isList contents then contents else [ contents ];
        conf = toJSON {
          inherit
            config
            architecture
            created
            uid
            gid
            uname
            gname
            ;
          os = "linux";
          contents = map toString contentsList;
          from_image = if fromImage == null then null else toString fromImage;
          extra_commands = extraCommands;
          fake_root_commands = fakeRootCommands;
        };
        foreign = foreignRefs conf;
      in
      assert
        maxLayers > 1
        || throw "the maxLayers argument of dockerTools.buildLayeredImage function must be greather than 1 (current value: ${toString maxLayers})";
      if foreign != [ ] then
        throw "dockerTools.streamLayeredImage: image '${name}' for ${system} refers to ${head foreign}, which is built for another system; build images from the Linux package set they run on (an image built from darwin packages cannot run)"
      else
        runCommand "stream-${baseNameOf name}" {
          imageName = name;
          inherit conf meta;
          passthru = passthru // {
            imageTag = if tag != null then tag else "<output hash>";
            isExe = true;
          };
        } "";
  };
  darwinDockerTools =
    let
      refuse =
        what:
        throw "dockerTools.${what} from the ${system} package set: an image built from darwin packages cannot run in a Linux container; use the aarch64-linux package set (a linux builder builds it)";
    in
    {
      fakeNss = refuse "fakeNss";
      binSh = refuse "binSh";
      streamLayeredImage = args: refuse "streamLayeredImage";
    };

  # TeX Live: texliveSmall.withPackages (ps: [ ps.acmart ... ]). ps holds the
  # TeX Live packages the flake may name (all real tlpdb names).
  texPackageNames = [
    "acmart"
    "amsfonts"
    "amsmath"
    "booktabs"
    "caption"
    "cmap"
    "comment"
    "draftwatermark"
    "environ"
    "etoolbox"
    "everyshi"
    "float"
    "fontaxes"
    "geometry"
    "graphics"
    "hyperref"
    "hyperxmp"
    "ifmtarg"
    "iftex"
    "inconsolata"
    "kastrup"
    "latexmk"
    "libertine"
    "microtype"
    "mmap"
    "multirow"
    "mweights"
    "natbib"
    "ncctools"
    "newtx"
    "pgf"
    "pgfplots"
    "preprint"
    "refcount"
    "setspace"
    "siunitx"
    "stringenc"
    "textcase"
    "tools"
    "translations"
    "totpages"
    "trimspaces"
    "txfonts"
    "upquote"
    "xcolor"
    "xkeyval"
    "xstring"
    "zref"
  ];
  texPkgs = lib.genAttrs texPackageNames (
    n:
    leaf "texlive-${n}" {
      version = "2025";
      passthru = {
        tlType = "run";
        pname = n;
      };
    }
  );
  texliveSmall =
    (leaf "texlive-small" { version = "2025"; })
    // {
      withPackages =
        f:
        let
          chosen = f texPkgs;
          bad = filter (p: !(p ? tlType)) chosen;
        in
        if !(isList chosen) then
          throw "texliveSmall.withPackages: the function must return a list of TeX Live packages"
        else if bad != [ ] then
          throw "texliveSmall.withPackages: not a TeX Live package: ${(head bad).name or "<value>"}"
        else
          mkDerivation {
            pname = "texlive-small-with-packages";
            version = "2025";
            requiredTeXPackages = map (p: p.pname) chosen;
            meta.platforms = lib.platforms.unix;
          };
    };

  # python3.withPackages (ps: [ ps.fastapi ... ]): ps holds the Python
  # packages the flake may name (nixpkgs attribute names).
  pythonPackageNames = [
    "asyncpg"
    "bcrypt"
    "django"
    "django-redis"
    "djangorestframework"
    "fastapi"
    "gunicorn"
    "httptools"
    "httpx"
    "psycopg2"
    "pyjwt"
    "python-multipart"
    "redis"
    "requests"
    "uvicorn"
    "uvloop"
  ];
  pythonPkgs = lib.genAttrs pythonPackageNames (
    n:
    leaf "python3.13-${n}" {
      version = "0";
      passthru.pythonModule = "python3";
    }
  );
  python3 =
    (leaf "python3" {
      version = "3.13.5";
      mainProgram = "python3";
    })
    // {
      pkgs = pythonPkgs;
      withPackages =
        f:
        let
          chosen = f pythonPkgs;
          bad = filter (p: !(p ? pythonModule)) chosen;
        in
        if !(isList chosen) then
          throw "python3.withPackages: the function must return a list of Python packages"
        else if bad != [ ] then
          throw "python3.withPackages: not a Python package: ${(head bad).name or "<value>"}"
        else
          mkDerivation {
            pname = "python3-env";
            version = "3.13.5";
            pythonPackages = map (p: p.name) chosen;
            meta.mainProgram = "python3";
          };
    };

  # ruby.withPackages (ps: [ ps.rails ... ]): ps holds the gems the flake may
  # name (nixpkgs' rubyPackages attribute names).
  rubyPackageNames = [
    "bcrypt"
    "jwt"
    "pg"
    "puma"
    "rails"
    "redis"
  ];
  rubyPkgs = lib.genAttrs rubyPackageNames (
    n:
    leaf "ruby3.3-${n}" {
      version = "0";
      passthru.gemName = n;
    }
  );
  ruby =
    (leaf "ruby" {
      version = "3.3.8";
      mainProgram = "ruby";
    })
    // {
      withPackages =
        f:
        let
          chosen = f rubyPkgs;
          bad = filter (p: !(p ? gemName)) chosen;
        in
        if !(isList chosen) then
          throw "ruby.withPackages: the function must return a list of Ruby packages"
        else if bad != [ ] then
          throw "ruby.withPackages: not a Ruby package: ${(head bad).name or "<value>"}"
        else
          mkDerivation {
            pname = "ruby-env";
            version = "3.3.8";
            rubyGems = map (p: p.name) chosen;
            meta.mainProgram = "ruby";
          };
    };

  # fetchurl, as importNpmLock calls it ({ url, hash }): a fixed-output
  # derivation whose hash is the lock's SRI integrity string. Not exported:
  # the flake does not call fetchurl itself.
  fetchurlForLock =
    { url, hash }:
    derivation {
      name = storeName (baseNameOf url);
      inherit system url;
      builder = "/bin/sh";
      args = unbuildable;
      outputHashMode = "flat";
      outputHash = hash;
    };

  # Node.js: nodejs.python is what buildNpmPackage adds for node-gyp.
  nodejsLeaf =
    version:
    {
      knownVulnerabilities ? [ ],
    }:
    leaf "nodejs" {
      inherit version knownVulnerabilities;
      outputs = [
        "out"
        "libv8"
      ];
      mainProgram = "node";
      passthru.python = python3;
    };

  # importNpmLock (pkgs/build-support/node/import-npm-lock), with its argument
  # list: a derivation holding package.json and package-lock.json whose
  # entries' `resolved` point at fetched store paths. Each entry with a
  # `resolved` http(s) URL is fetched by its `integrity`. Stricter than
  # nixpkgs: an entry with neither `resolved` nor `link` is an error here (real
  # importNpmLock leaves it to npm, which then needs the registry inside the
  # sandbox and fails at build time), as is an integrity that is not SRI.
  importNpmLockFn =
    {
      npmRoot ? null,
      package ? builtins.fromJSON (builtins.readFile (npmRoot + "/package.json")),
      packageLock ? builtins.fromJSON (builtins.readFile (npmRoot + "/package-lock.json")),
      pname ? package.name or "unknown",
      version ? package.version or "0.0.0",
      fetcherOpts ? { },
      packageSourceOverrides ? { },
    }:
    let
      fetchEntry =
        path: entry:
        if packageSourceOverrides ? ${path} then
          packageSourceOverrides.${path}
        else if !(entry ? resolved) || entry.resolved == null then
          throw "importNpmLock: ${path} has no `resolved` URL, so npm would fetch it from the registry inside the build sandbox (no network): give every locked package a URL"
        else if builtins.match "https?://.+" entry.resolved != null then
          if builtins.match "sha(1|256|384|512)-[A-Za-z0-9+/=]+" (entry.integrity or "") == null then
            throw "importNpmLock: ${path}: `integrity` is not an SRI hash: ${entry.integrity or "missing"}"
          else
            fetchurlForLock {
              url = entry.resolved;
              hash = entry.integrity;
            }
        else if builtins.match "[a-z+]+://.+" entry.resolved != null then
          throw "importNpmLock: ${path}: unsupported URL scheme in ${entry.resolved}"
        else
          (
            assert npmRoot != null || throw "importNpmLock: ${path} is a local path; give npmRoot";
            "${npmRoot}/${entry.resolved}"
          );
      lock' = packageLock // {
        packages = builtins.mapAttrs (
          path: entry:
          if path == "" || entry.link or false then
            entry
          else
            builtins.removeAttrs entry [
              "link"
              "funding"
            ]
            // {
              resolved = "file:${fetchEntry path entry}";
            }
        ) packageLock.packages;
      };
    in
    assert builtins.isAttrs packageLock.packages or null
      || throw "importNpmLock: packageLock has no `packages` (lockfileVersion 2 or 3 needed)";
    runCommand "${pname}-${version}-sources" {
      inherit pname version;
      passAsFile = [
        "package"
        "packageLock"
      ];
      package = toJSON package;
      packageLock = toJSON lock';
    } "";
  importNpmLock = {
    importNpmLock = importNpmLockFn;
    npmConfigHook = mkDerivation { name = "npm-config-hook"; };
    __functor = self: self.importNpmLock;
  };

  # buildNpmPackage (pkgs/build-support/node/build-npm-package) with its named
  # arguments; like nixpkgs, everything else goes to stdenv.mkDerivation.
  # Without npmDeps nixpkgs fetches with fetchNpmDeps and npmDepsHash, which
  # the stand-in does not have: such a hash cannot be computed offline.
  buildNpmPackage =
    {
      name ? "${args.pname}-${args.version}",
      src ? null,
      srcs ? null,
      sourceRoot ? null,
      prePatch ? "",
      patches ? [ ],
      postPatch ? "",
      patchFlags ? [ ],
      nativeBuildInputs ? [ ],
      buildInputs ? [ ],
      npmDepsHash ? "",
      forceGitDeps ? false,
      forceEmptyCache ? false,
      makeCacheWritable ? false,
      npmBuildScript ? "build",
      npmFlags ? [ ],
      npmInstallFlags ? [ ],
      npmRebuildFlags ? [ ],
      npmBuildFlags ? [ ],
      npmPackFlags ? [ ],
      npmPruneFlags ? npmInstallFlags,
      npmWorkspace ? null,
      nodejs ? nodejsLeaf "22.17.0" { },
      npmDeps ? throw "buildNpmPackage ${name}: no npmDeps: nixpkgs would run fetchNpmDeps with npmDepsHash, which the stand-in does not have (give npmDeps, e.g. importNpmLock)",
      npmConfigHook ? null,
      npmBuildHook ? null,
      npmInstallHook ? null,
      ...
    }@args:
    mkDerivation (
      builtins.removeAttrs args [
        "nodejs"
        "npmConfigHook"
        "npmBuildHook"
        "npmInstallHook"
        "npmDeps"
      ]
      // {
        inherit npmDeps npmBuildScript;
        nativeBuildInputs = nativeBuildInputs ++ [
          nodejs
          (if npmConfigHook != null then npmConfigHook else mkDerivation { name = "npm-config-hook"; })
          (if npmBuildHook != null then npmBuildHook else mkDerivation { name = "npm-build-hook"; })
          (if npmInstallHook != null then npmInstallHook else mkDerivation { name = "npm-install-hook"; })
          nodejs.python
        ];
        buildInputs = buildInputs ++ [ nodejs ];
        strictDeps = true;
        dontStrip = args.dontStrip or true;
        meta = (args.meta or { }) // {
          platforms = args.meta.platforms or nodejs.meta.platforms;
        };
      }
    );

  # fetchFromGitHub: a fixed-output derivation; a rev or a tag, and a hash.
  fetchFromGitHub =
    {
      owner,
      repo,
      rev ? null,
      tag ? null,
      hash ? null,
      sha256 ? null,
      name ? "source",
      fetchSubmodules ? false,
      leaveDotGit ? false,
      deepClone ? false,
      private ? false,
      forceFetchGit ? false,
      fetchLFS ? false,
      rootDir ? "",
      sparseCheckout ? [ ],
      githubBase ? "github.com",
      varPrefix ? null,
      passthru ? { },
      meta ? { },
      ...
    }:
    assert (rev == null) != (tag == null) || throw "fetchFromGitHub: give exactly one of `rev` and `tag` (${owner}/${repo})";
    assert (hash != null || sha256 != null) || throw "fetchFromGitHub: ${owner}/${repo} needs a `hash`";
    derivation {
      name = storeName name;
      inherit system;
      builder = "/bin/sh";
      args = unbuildable;
      url = "https://${githubBase}/${owner}/${repo}/archive/${if tag != null then "refs/tags/${tag}" else rev}.tar.gz";
      outputHashMode = "recursive";
      outputHash = if hash != null then hash else sha256;
    }
    // {
      inherit owner repo rev tag passthru meta;
    };

  pkgs = {
    inherit
      fetchFromGitHub
      importNpmLock
      buildNpmPackage
      python3
      ruby
      lib
      stdenv
      runCommand
      writeShellApplication
      mkShell
      bashInteractive
      texliveSmall
      ;
    stdenvNoCC = stdenv;
    callPackage =
      fn: overrides:
      let
        f = if isFunction fn then fn else import fn;
      in
      f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // overrides);
    dockerTools = if isLinux then linuxDockerTools else darwinDockerTools;

    # build tools
    pkg-config = leaf "pkg-config-wrapper" {
      version = "0.29.2";
      mainProgram = "pkg-config";
    };
    makeWrapper = leaf "make-shell-wrapper-hook" { version = "1"; };
    gnumake = leaf "gnumake" {
      version = "4.4.1";
      outputs = [
        "out"
        "man"
        "info"
      ];
      mainProgram = "make";
    };
    clang = leaf "clang-wrapper" {
      version = "19.1.7";
      mainProgram = "clang";
    };
    clang-tools = leaf "clang-tools" { version = "19.1.7"; };
    valgrind = leaf "valgrind" {
      version = "3.24.0";
      outputs = [
        "out"
        "dev"
        "man"
        "doc"
      ];
      # not on aarch64-darwin
      platforms = lib.platforms.linux ++ [ "x86_64-darwin" ];
    };

    # libraries
    ulfius = leaf "ulfius" { version = "2.7.15"; };
    orcania = leaf "orcania" { version = "2.3.3"; };
    yder = leaf "yder" { version = "1.4.20"; };
    libmicrohttpd = leaf "libmicrohttpd" {
      version = "1.0.1";
      outputs = [
        "out"
        "dev"
        "devdoc"
        "info"
      ];
    };
    postgresql = leaf "postgresql" {
      version = "17.6";
      outputs = [
        "out"
        "dev"
        "doc"
        "lib"
        "man"
      ];
      mainProgram = "postgres";
    };
    hiredis = leaf "hiredis" { version = "1.2.0"; };
    jansson = leaf "jansson" {
      version = "2.14.1";
      outputs = [
        "out"
        "dev"
      ];
    };
    # recent nixpkgs has libjwt 3 (another API); nix/libjwt.nix then builds 1.x
    libjwt = leaf "libjwt" { version = "3.3.2"; };
    openssl = leaf "openssl" {
      version = "3.5.1";
      outputs = [
        "bin"
        "dev"
        "out"
        "man"
        "doc"
        "debug"
      ];
      mainProgram = "openssl";
    };
    autoreconfHook = leaf "autoreconf-hook" { version = "2.72"; };
    curl = leaf "curl" {
      version = "8.14.1";
      outputs = [
        "bin"
        "dev"
        "out"
        "man"
        "devdoc"
      ];
      mainProgram = "curl";
    };
    libev = leaf "libev" { version = "4.33"; };
    libxcrypt = leaf "libxcrypt" {
      version = "4.4.38";
      outputs = [
        "out"
        "man"
      ];
    };
    cmocka = leaf "cmocka" { version = "1.1.7"; };

    # runtime tools
    redis = leaf "redis" {
      version = "8.0.3";
      mainProgram = "redis-cli";
    };
    coreutils = leaf "coreutils" {
      version = "9.7";
      outputs = [
        "out"
        "info"
      ];
    };
    util-linux = leaf "util-linux" {
      version = "2.41";
      outputs = [
        "bin"
        "dev"
        "out"
        "lib"
        "man"
        "login"
        "swap"
      ];
    };
    findutils = leaf "findutils" {
      version = "4.10.0";
      outputs = [
        "out"
        "info"
        "locate"
      ];
    };
    gnugrep = leaf "gnugrep" {
      version = "3.12";
      outputs = [
        "out"
        "info"
      ];
      mainProgram = "grep";
    };
    gnused = leaf "gnused" {
      version = "4.9";
      outputs = [
        "out"
        "info"
      ];
      mainProgram = "sed";
    };
    gnuplot = leaf "gnuplot" {
      version = "6.0.3";
      mainProgram = "gnuplot";
    };
    docker-client = leaf "docker" {
      version = "28.3.2";
      mainProgram = "docker";
    };
    cacert = leaf "nss-cacert" {
      version = "3.115";
      outputs = [
        "out"
        "unbundled"
        "p11kit"
        "hashed"
      ];
    };
    jq = leaf "jq" {
      version = "1.8.1";
      outputs = [
        "bin"
        "doc"
        "man"
        "dev"
        "lib"
        "out"
      ];
      mainProgram = "jq";
    };
    poppler-utils = leaf "poppler-utils" {
      version = "25.07.0";
      outputs = [
        "out"
        "dev"
      ];
      mainProgram = "pdftotext";
    };
    wrk = leaf "wrk" {
      version = "4.2.0";
      mainProgram = "wrk";
    };
    nodejs = nodejsLeaf "22.17.0" { };
    nodejs_22 = nodejsLeaf "22.17.0" { };
    nodejs_24 = nodejsLeaf "24.4.1" { };
    # Node.js 20 reached its end of life on 2026-04-30: nixpkgs marks it
    # insecure (then drops it), so evaluating anything that uses it fails.
    nodejs_20 = nodejsLeaf "20.19.4" {
      knownVulnerabilities = [
        "Node.js 20.x reached its end of life on 2026-04-30 and no longer receives security updates."
      ];
    };
    nginx = leaf "nginx" {
      version = "1.28.0";
      outputs = [
        "out"
        "doc"
      ];
      mainProgram = "nginx";
    };
  };
in
pkgs
