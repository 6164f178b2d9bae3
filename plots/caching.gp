# Caching: no cache, mixed, all hits, all misses: throughput and p99 latency.
set terminal cairolatex pdf size 3.3in,2.8in header '\footnotesize'
set output out.'/caching.tex'
f = data.'/caching.dat'
set style data histogram
set key autotitle columnhead
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics nomirror scale 0
set key off
set grid ytics
set multiplot layout 2,1
set ylabel 'req/s'
set yrange [0:*]
plot f using 3:4:5:xtic(2) lc rgb '#1b4f72'
set ylabel 'p99 (ms)'
plot f using 6:7:8:xtic(2) lc rgb '#aab7b8'
unset multiplot
