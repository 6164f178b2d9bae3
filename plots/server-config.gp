# Server configurations: throughput against the server's CPU limit, one line per
# workload x (threading, worker processes), medians with 95 % intervals.
set terminal cairolatex pdf size 7in,2.8in header '\footnotesize'
set output out.'/server-config.tex'
f = data.'/server-config.dat'
set logscale y
set xlabel 'server CPU limit (cores)'
set ylabel 'requests/s (log)'
set key outside right samplen 2
set grid
stats f using 1 nooutput
plot for [i=0:STATS_blocks-1] f index i using 1:2:3:4 with yerrorlines pt i+4 ps 0.7 title columnhead(1)
