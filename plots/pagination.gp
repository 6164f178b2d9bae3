# Offset vs cursor pagination at random deep pages: p50 and p95 latency.
set terminal cairolatex pdf size 3.3in,2.0in header '\footnotesize'
set output out.'/pagination.tex'
set ylabel 'latency (ms)'
f = data.'/pagination.dat'
load plots.'/bars2.inc.gp'
