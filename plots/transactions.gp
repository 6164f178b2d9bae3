# Concurrent stock decrements per strategy: throughput, success rate, lost updates,
# for the C server on its event loop (one thread: no two decrements interleave) and
# on a thread pool (the configuration the claims read: real contention), side by side.
set terminal cairolatex pdf size 3.3in,4.0in header '\scriptsize'
set output out.'/transactions.tex'
f = data.'/transactions.dat'
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics nomirror scale 0
set grid ytics
set ytics
set multiplot layout 3,1
# the legend above the first panel, outside the data
set key top center horizontal outside noautotitle samplen 1.5
set ylabel 'req/s'
set yrange [0:*]
plot f using 3:4:5:xtic(2) lc rgb '#1b4f72' title 'event loop', \
     '' using 12:13:14 lc rgb '#aab7b8' title 'thread pool'
set key off
set ylabel 'success'
set yrange [0:1.05]
plot f using 6:7:8:xtic(2) lc rgb '#1b4f72', '' using 15:16:17 lc rgb '#aab7b8'
set ylabel 'lost updates'
set yrange [0:*]
plot f using 9:10:11:xtic(2) lc rgb '#1b4f72', '' using 18:19:20 lc rgb '#aab7b8'
unset multiplot
