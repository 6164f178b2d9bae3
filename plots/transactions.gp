# Concurrent stock decrements per strategy: throughput, success rate, lost updates.
set terminal cairolatex pdf size 3.3in,3.8in header '\scriptsize'
set output out.'/transactions.tex'
f = data.'/transactions.dat'
set style data histogram
set key autotitle columnhead
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics nomirror scale 0
set key off
set grid ytics
set ytics
set ylabel
set multiplot layout 3,1
set ylabel 'req/s'
set yrange [0:*]
plot f using 3:4:5:xtic(2) lc rgb '#1b4f72'
set ylabel 'success'
set yrange [0:1.05]
plot f using 6:7:8:xtic(2) lc rgb '#2e86c1'
set ylabel 'lost updates'
set yrange [0:*]
plot f using 9:10:11:xtic(2) lc rgb '#aab7b8'
unset multiplot
