# Basic scenarios 01-08: our median throughput with its 95 % interval, next to
# the original study's published numbers (another machine: reference only).
set terminal cairolatex pdf size 7in,2.6in header '\footnotesize'
set output out.'/basic-rps.tex'
set style data histogram
set key autotitle columnhead
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set yrange [10:*]
set ylabel 'requests/s (log)'
set xtics nomirror scale 0
set key outside top center horizontal samplen 1.5
set grid ytics
f = data.'/basic-rps.dat'
plot f using 3:4:5:xtic(2) title 'benchlab (this host, 95\% CI)' lc rgb '#1b4f72', \
     for [i=6:10] f using i:i:i title columnhead(i).' (published)' lc rgb sprintf('#%06x', 0xbbbbbb - (i-6)*0x181818)
