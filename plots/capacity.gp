# Capacity at a latency objective: p99 (solid) and p50 (dashed) against the
# offered rate, per implementation and scenario (the capacity search's run with
# the median capacity), its knee circled, the objective a horizontal line.
# The report writes capacity.dat (one index per implementation:scenario),
# capacity-knee.dat and capacity.meta (cap_n, cap_titles, cap_objective;
# docs/report.md).
set terminal cairolatex pdf size 7in,3in header '\footnotesize'
set output out.'/capacity.tex'
load data.'/capacity.meta'
f = data.'/capacity.dat'
kf = data.'/capacity-knee.dat'
set logscale xy
set xlabel 'offered rate (iterations/s, log)'
set ylabel 'latency (ms, log)'
set key outside right top samplen 2 spacing 1.1
set grid xtics ytics
set datafile missing 'NaN'
colors = '#1b4f72 #b9770e #1e8449 #7d3c98 #922b21 #117a65 #515a5a #2e4053'
c(i) = word(colors, (i % 8) + 1)
set arrow from graph 0, first cap_objective to graph 1, first cap_objective nohead dt 3 lc rgb '#555555'
set label sprintf('p99 objective %g ms', cap_objective) at graph 0.02, first cap_objective offset 0,0.6
plot for [i=0:cap_n-1] f index i using 1:3 with linespoints pt 7 ps 0.5 lw 2 \
         lc rgb c(i) title word(cap_titles, i+1).' p99', \
     for [i=0:cap_n-1] f index i using 1:2 with lines dt 2 lw 1 lc rgb c(i) notitle, \
     for [i=0:cap_n-1] kf index i using 1:3 with points pt 6 ps 2 lw 2 lc rgb c(i) notitle
