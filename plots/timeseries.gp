# One run second by second: throughput (with the server box's CPU use when the
# results have it), and p99 latency.
set terminal cairolatex pdf size 3.3in,2.8in header '\footnotesize'
set output out.'/timeseries.tex'
f = data.'/timeseries.dat'
set key autotitle columnhead
set grid
stats f every ::1 nooutput
has_cpu = exists("STATS_columns") && STATS_columns >= 4  # stats sets nothing without points
set multiplot layout 2,1
set ylabel 'req/s'
set yrange [0:*]
set key bottom right
if (has_cpu) {
    set y2label 'server CPU (cores)'
    set y2tics
    set ytics nomirror
    set y2range [0:*]
    plot f using 1:2 with lines lw 2 title 'throughput', '' using 1:4 axes x1y2 with lines dt 2 title 'server CPU'
} else {
    plot f using 1:2 with lines lw 2 title 'throughput'
}
unset y2label
unset y2tics
set ytics mirror
set xlabel 'time (s)'
set ylabel 'p99 (ms)'
set key off
plot f using 1:3 with lines lw 2
unset multiplot
