# A stand-in for nixpkgs, for checking benchlab's flake offline (ci/check-flake):
#   nix flake check --override-input nixpkgs path:ci/nix-stub ...
# It has the attribute names and function signatures of real nixpkgs for what
# the flake uses, and nothing else: an unknown package, lib function or
# argument is an evaluation error, as is an image built from darwin (or other
# foreign-system) packages. Its derivations are real `derivation` calls, so
# drvPaths are computed for real; building them fails on purpose.
# See docs/nix.md ("What make check proves here").
{
  description = "benchlab's offline stand-in for nixpkgs (evaluation only)";

  outputs =
    { self }:
    let
      lib = import ./lib.nix;
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs [
        "aarch64-darwin"
        "x86_64-darwin"
        "aarch64-linux"
        "x86_64-linux"
      ] (system: import ./pkgs.nix { inherit lib system; });
    };
}
