# Headline: per scenario, one bar per implementation measured here (median
# requests/s with its interval, solid), then the study's published numbers as
# hatched reference bars (another machine, no interval). The report writes the
# columns (docs/report.md) and headline-rps.meta with hl_nimpl and hl_npub.
set terminal cairolatex pdf size 7in,3in header '\footnotesize'
set output out.'/headline-rps.tex'
load data.'/headline-rps.meta'
f = data.'/headline-rps.dat'
set style data histogram
set key autotitle columnhead  # the first line of the data file names the columns
set style histogram errorbars gap 1 lw 1
set boxwidth 0.9
set logscale y
set yrange [10:*]
set ylabel 'requests/s (log)'
set xtics nomirror scale 0 rotate by -25 left offset -1,0
set key outside top center horizontal samplen 1.5 maxrows 2
set grid ytics
ours = '#1b4f72 #b9770e #1e8449 #7d3c98 #922b21 #117a65 #515a5a #2e4053'
here(k) = 3 + 3*k
pub(k) = 3 + 3*hl_nimpl + k
plot for [k=0:hl_nimpl-1] f using here(k):here(k)+1:here(k)+2:xtic(2) \
         title columnhead(here(k)).' (here)' fs solid 0.85 border -1 lc rgb word(ours, k+1), \
     for [k=0:hl_npub-1] f using pub(k):pub(k):pub(k) \
         title columnhead(pub(k)).' (published, another machine)' fs pattern 4+k border -1 lc rgb '#7f8c8d'
