# Latency percentile distribution of several scenarios (histograms merged over valid runs).
set terminal cairolatex pdf size 3.3in,2.7in header '\footnotesize'
set output out.'/latency-percentiles.tex'
f = data.'/latency-percentiles.dat'
load plots.'/percentiles.inc.gp'
