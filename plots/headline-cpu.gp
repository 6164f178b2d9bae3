# Headline, second panel: per scenario, the server box's CPU microseconds per
# completed request (service demand) of each implementation measured here,
# median with its interval. Steadier than req/s on a shared machine and
# independent of whether the driver saturated the server. The report writes
# only implementations with a value (headline-cpu.meta: hc_nimpl), and
# headline-cpu.nodata when no run has box statistics.
set terminal cairolatex pdf size 7in,2.6in header '\footnotesize'
set output out.'/headline-cpu.tex'
load data.'/headline-cpu.meta'
f = data.'/headline-cpu.dat'
set style data histogram
set key autotitle columnhead
set style histogram errorbars gap 1 lw 1
set boxwidth 0.9
set logscale y
set ylabel 'server CPU $\mu$s per request (log)'
set xtics nomirror scale 0 rotate by -25 left offset -1,0
set key outside top center horizontal samplen 1.5
set grid ytics
ours = '#1b4f72 #b9770e #1e8449 #7d3c98 #922b21 #117a65 #515a5a #2e4053'
here(k) = 3 + 3*k
plot for [k=0:hc_nimpl-1] f using here(k):here(k)+1:here(k)+2:xtic(2) \
         title columnhead(here(k)) fs solid 0.85 border -1 lc rgb word(ours, k+1)
