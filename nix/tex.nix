# The TeX Live the paper is typeset with: scheme-small plus ACM's acmart class,
# the fonts and packages it loads (Libertine, Inconsolata, newtx, ...), latexmk,
# and what the tables and figures use (booktabs, siunitx, pgf, multirow). The
# list follows paper/main.fls of a Debian build: every package it reads that
# scheme-small may lack is named. gnuplot writes the figures with cairolatex.
{ texliveSmall }:
texliveSmall.withPackages (ps: [
  ps.acmart
  ps.latexmk
  # acmart's own needs that scheme-small lacks
  ps.libertine
  ps.inconsolata
  ps.newtx
  ps.txfonts
  ps.fontaxes
  ps.mweights
  ps.xstring
  ps.totpages
  ps.environ
  ps.trimspaces
  ps.ncctools
  ps.comment
  ps.hyperxmp
  ps.ifmtarg
  ps.draftwatermark
  ps.cmap
  ps.textcase
  ps.upquote
  ps.zref
  ps.preprint
  ps.kastrup
  ps.microtype
  ps.setspace
  ps.stringenc
  ps.mmap
  ps.natbib
  ps.everyshi
  ps.translations
  # tables and figures
  ps.booktabs
  ps.siunitx
  ps.pgf
  ps.multirow
])
