# The paper, built the way `make paper` builds it, from results/reference/.
# Byte-reproducible: every date pdfTeX writes comes from SOURCE_DATE_EPOCH (the
# commit time), FORCE_SOURCE_DATE makes \today use it too, and nothing reads the
# clock or the build path.
{
  lib,
  stdenv,
  pkg-config,
  gnuplot,
  cmocka,
  tex,
  libraries,
  src,
  version,
  sourceDateEpoch,
}:
stdenv.mkDerivation {
  pname = "benchlab-paper";
  inherit version src;
  nativeBuildInputs = [
    pkg-config
    gnuplot
    tex
  ];
  # `make paper` depends on `make all`, which links the test binaries too.
  buildInputs = libraries ++ [ cmocka ];
  SOURCE_DATE_EPOCH = toString sourceDateEpoch;
  FORCE_SOURCE_DATE = "1";
  dontConfigure = true;
  buildPhase = ''
    runHook preBuild
    export HOME=$TMPDIR TEXMFVAR=$TMPDIR/texmf-var
    make -j$NIX_BUILD_CORES BUILD=build RESULTS=results/reference paper
    runHook postBuild
  '';
  installPhase = ''
    runHook preInstall
    install -Dm644 paper/main.pdf $out/benchlab-paper.pdf
    runHook postInstall
  '';
  meta = {
    description = "The benchlab paper, typeset from the reference results";
    platforms = lib.platforms.linux ++ lib.platforms.darwin;
  };
}
