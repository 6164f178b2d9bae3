# `import nixpkgs { system = ...; config = ...; }` on the stand-in, as on
# nixpkgs' own default.nix: the same package set as legacyPackages.<system>,
# with the given config (allowUnfree, allowBroken, permittedInsecurePackages,
# ...: see check-meta in pkgs.nix). Overlays are not modelled: giving any is
# an error here rather than silently ignored.
{
  localSystem ? {
    system = args.system or builtins.currentSystem;
  },
  system ? localSystem.system,
  config ? { },
  overlays ? [ ],
  ...
}@args:
if overlays != [ ] then
  throw "ci/nix-stub: overlays are not modelled by the stand-in nixpkgs"
else
  import ./pkgs.nix {
    lib = import ./lib.nix;
    inherit system config;
  }
