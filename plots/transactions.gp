# Concurrent stock decrements per strategy: throughput, success rate, lost updates,
# for the C server on its event loop (one thread: no two decrements interleave) and
# on a thread pool (the configuration the claims read: real contention), side by side.
# Columns (transactions.dat): idx label, then value lo hi per series: 3-11 the event
# loop's three metrics, 12-20 the thread pool's. Boxes at idx -/+ 0.2 with their
# intervals as error bars.
set terminal cairolatex pdf size 3.3in,4.0in header '\scriptsize'
set output out.'/transactions.tex'
f = data.'/transactions.dat'
set style fill solid 0.8 border -1
set errorbars lc rgb 'black'
set boxwidth 0.38
set xrange [-0.6:3.6]
set xtics nomirror scale 0
set grid ytics
set multiplot layout 3,1
# the legend above the first panel, outside the data
set key top center horizontal outside samplen 1.5
dark = '#1b4f72'; light = '#aab7b8'
# panel(v): series at column v (event loop) and v+9 (thread pool)
set ylabel 'req/s'
set yrange [0:*]
panel = "plot f every ::1 using ($1-0.2):(column(v)):(column(v+1)):(column(v+2)):(0.38) with boxerrorbars lc rgb dark title 'event loop', \
     '' every ::1 using ($1+0.2):(column(v+9)):(column(v+10)):(column(v+11)):(0.38) with boxerrorbars lc rgb light title 'thread pool', \
     '' every ::1 using 1:(NaN):xtic(2) with points notitle"
v = 3
@panel
set key off
set ylabel 'success'
set yrange [0:1.05]
v = 6
@panel
set ylabel 'lost updates'
set yrange [0:*]
v = 9
@panel
unset multiplot
