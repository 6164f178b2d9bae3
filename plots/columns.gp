# Column overhead: 5, 20 and 50 selected columns.
set terminal cairolatex pdf size 3.3in,1.9in header '\footnotesize'
set output out.'/columns.tex'
set ylabel 'mean latency (ms)'
set yrange [0:*]
f = data.'/columns.dat'
load plots.'/bars1.inc.gp'
