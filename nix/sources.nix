# What each derivation is built from. The programs only see the Makefile, src/
# and scenarios/ (installed with benchlab), so editing the paper or the docs
# does not rebuild them.
{ lib }:
{
  programs = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../Makefile
      ../src
      ../scenarios
    ];
  };
  # The whole tree (tests, scenarios, plots, paper, results/reference, ci/).
  full = lib.cleanSource ../.;
}
