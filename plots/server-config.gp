# Server configurations: throughput against the server's CPU limit, one panel
# per workload, one line per (threading model, worker processes, VUs); medians
# with their distribution-free 95 % intervals. The report lists the workloads
# in server-config.list and writes one server-config-<workload>.dat for each.
set terminal cairolatex pdf size 7in,2.6in header '\footnotesize'
set output out.'/server-config.tex'
workloads = system('cat '.data.'/server-config.list')
n = words(workloads)
set logscale y
set logscale x 2
set xlabel 'server CPU limit (cores, log)'
set grid
# The legend gets a panel of its own to the right of the workloads: inside a
# panel it covers data (the curves span the whole axis).
set key off
set multiplot layout 1,n+1
do for [w = 1:n] {
    f = data.'/server-config-'.word(workloads, w).'.dat'
    set title word(workloads, w)
    if (w == 1) { set ylabel 'requests/s (log)' } else { unset ylabel }
    stats f every ::1 using 1 nooutput
    plot for [i=0:STATS_blocks-1] f index i using 1:2:3:4 with yerrorlines pt i+4 ps 0.7 title columnhead(1)
}
# the legend panel: the first workload's curves (same styles as every panel),
# their points outside the fixed ranges so only the key shows
f = data.'/server-config-'.word(workloads, 1).'.dat'
stats f every ::1 using 1 nooutput
unset title; unset xlabel; unset ylabel; unset grid; unset border; unset tics
unset logscale
set xrange [0:1]; set yrange [0:1]
set key center left reverse Left samplen 2 spacing 1.1
plot for [i=0:STATS_blocks-1] f index i using (2):(2):(2):(2) with yerrorlines pt i+4 ps 0.7 title columnhead(1)
unset multiplot
