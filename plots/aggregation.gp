# Aggregations: the ORM's plan (several statements) vs one hand-written query.
set terminal cairolatex pdf size 3.3in,2.1in header '\footnotesize'
set output out.'/aggregation.tex'
set ylabel 'mean latency (ms)'
set yrange [0:*]
set xtics rotate by 30 right
f = data.'/aggregation.dat'
load plots.'/bars1.inc.gp'
