# N+1 lazy loading vs eager (JOIN) vs subquery (IN): p50 and p95 latency.
set terminal cairolatex pdf size 3.3in,2.0in header '\footnotesize'
set output out.'/nplusone.tex'
set ylabel 'latency (ms)'
f = data.'/nplusone.dat'
load plots.'/bars2.inc.gp'
