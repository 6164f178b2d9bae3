# Bulk operations on 1,000 rows: mean time per call, log scale.
set terminal cairolatex pdf size 3.3in,2.2in header '\footnotesize'
set output out.'/bulk.tex'
set logscale y
set ylabel 'time per call (ms, log)'
set xtics rotate by 30 right
f = data.'/bulk.dat'
load plots.'/bars1.inc.gp'
