# Open model at shares of each implementation's closed-model capacity (plan
# key load): p99 (solid) and p50 (dashed) latency against offered load, one
# colour per scenario x implementation. The report writes open-load.dat (one
# block each: load %, offered, achieved, p50, p99, p99.9) and open-load.meta
# (ol_n, ol_titles).
set terminal cairolatex pdf size 3.3in,2.6in header '\footnotesize'
set output out.'/open-load.tex'
load data.'/open-load.meta'
f = data.'/open-load.dat'
set logscale y
set xlabel 'offered load (\% of the closed-model capacity)'
set ylabel 'latency (ms, log)'
set key top left samplen 2 font ',7'
set grid
set xrange [40:130]
plot for [i=1:ol_n] f index i-1 using 1:5 with linespoints lc i pt i+3 ps 0.6 \
         title word(ol_titles, i).' p99', \
     for [i=1:ol_n] f index i-1 using 1:4 with lines lc i dt 2 notitle
