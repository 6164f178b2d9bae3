# The same scenario under the closed model (VUs wait for each answer) and the
# open model (arrivals on a schedule, latency from the intended start).
set terminal cairolatex pdf size 3.3in,2.7in header '\footnotesize'
set output out.'/open-closed.tex'
f = data.'/open-closed.dat'
load plots.'/percentiles.inc.gp'
