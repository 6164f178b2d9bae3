{
  description = "benchlab: a reproducible backend benchmark lab in C (server, load driver, orchestrator, paper)";

  # Pinned by commit so the pin holds without flake.lock (see docs/nix.md).
  # This nixpkgs has ulfius 2.7.15.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/bae8a721d98b1b4ede0f6c04cec505dcf6a691ac";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "aarch64-darwin"
        "aarch64-linux"
        "x86_64-linux"
      ];
      forAllSystems = lib.genAttrs systems;

      # Everything for one system; images always come from a Linux package set:
      # on an Apple-silicon Mac that is aarch64-linux, built by a linux builder.
      imageSystem = system: if lib.hasSuffix "-darwin" system then "aarch64-linux" else system;
      benchlabFor =
        system:
        import ./nix {
          pkgs = nixpkgs.legacyPackages.${system};
          imagePkgs = nixpkgs.legacyPackages.${imageSystem system};
          inherit self;
        };
      per = forAllSystems benchlabFor;
    in
    {
      packages = forAllSystems (system: per.${system}.packages);
      apps = forAllSystems (system: per.${system}.apps);
      devShells = forAllSystems (system: per.${system}.devShells);
      checks = forAllSystems (system: per.${system}.checks);
    };
}
