# Everything the flake exports for one system.
#   pkgs       the package set of the system the user is on
#   imagePkgs  the Linux package set the OCI images are built from
#              (= pkgs on Linux; aarch64-linux on an Apple-silicon Mac)
{
  pkgs,
  imagePkgs,
  self,
}:
let
  inherit (pkgs) lib;
  inherit (pkgs.stdenv.hostPlatform) isLinux isDarwin;
  version = "0.1.0";
  sources = import ./sources.nix { inherit lib; };
  # The paper's dates come from the commit, so the PDF is byte-reproducible.
  sourceDateEpoch = self.lastModified or 1;

  # The peers (FastAPI, Express) the lab can run instead of benchlab-server.
  peersFor = p: p.callPackage ./peers.nix { };
  programsFor =
    p:
    p.callPackage ./programs.nix {
      inherit version;
      src = sources.programs;
      libjwt = p.callPackage ./libjwt.nix { };
      peers = peersFor p;
    };
  programs = programsFor pkgs;
  imagePrograms = programsFor imagePkgs;
  inherit (programs) peers;

  tex = pkgs.callPackage ./tex.nix { };
  paper = pkgs.callPackage ./paper.nix {
    inherit version tex sourceDateEpoch;
    inherit (programs) libraries;
    src = sources.full;
  };
  imageStreams = imagePkgs.callPackage ./images.nix {
    inherit version;
    programs = imagePrograms;
    src = sources.full;
  };
  # A stream script is a Linux program: on a Mac the linux builder runs it into
  # a tarball, which `docker load -i` takes.
  images =
    if isDarwin then
      builtins.mapAttrs (
        _: stream:
        imagePkgs.runCommand "${stream.imageName}.tar" {
          inherit (stream) imageName;
          passthru = { inherit (stream) imageTag; };
        } "${stream} > $out"
      ) imageStreams
    else
      imageStreams;
  apps = pkgs.callPackage ./apps.nix {
    inherit
      programs
      tex
      images
      sourceDateEpoch
      ;
    src = sources.full;
  };
  app = description: drv: {
    type = "app";
    program = lib.getExe drv;
    meta = { inherit description; };
  };
in
{
  packages = {
    inherit (programs) server load lab;
    inherit paper;
    default = programs.lab;
    peer-fastapi = peers.fastapi;
    peer-express = peers.express;
    peer-fastapi-strict = peers.fastapi-strict;
    peer-django = peers.django;
    peer-rails = peers.rails;
  }
  // images;

  apps = rec {
    bench = app "The study (-- --quick: the quick plan), then the paper from its results" apps.bench;
    default = bench;
    paper = app "The paper from a results directory (default: results/reference)" apps.paper;
  };

  devShells.default = pkgs.callPackage ./devshell.nix {
    inherit programs tex peers;
  };

  checks =
    {
      inherit (programs) server load lab;
      inherit paper;
      peer-fastapi = peers.fastapi;
      peer-express = peers.express;
      peer-fastapi-strict = peers.fastapi-strict;
      peer-django = peers.django;
      peer-rails = peers.rails;
      make-check = pkgs.callPackage ./make-check.nix {
        inherit version tex peers;
        inherit (programs) libraries;
        src = sources.full;
      };
    }
    # Images are only checked where they are native; on a Mac they need the
    # linux builder, which `nix flake check` should not silently require.
    // lib.optionalAttrs isLinux images;
}
