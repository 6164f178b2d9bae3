# Shared by the latency distribution figures: x = 1/(1-p) on a log axis,
# labelled with the percentile; one curve per data block.
set logscale x
set logscale y
set xtics ('p50' 2, 'p90' 10, 'p99' 100, 'p99.9' 1000, 'p99.99' 10000, 'p99.999' 100000)
set ylabel 'latency (ms, log)'
# the legend below the axes: inside, it covered the steep tails of the curves
set key outside bottom center horizontal maxcols 2 samplen 2
set grid
stats f every ::1 using 1 nooutput
plot for [i=0:STATS_blocks-1] f index i using 1:2 with linespoints pt i+4 ps 0.6 title columnhead(1)
