# Shared: one bar per row, one series (columns 3-5) with its 95 % interval.
set style data histogram
set key autotitle columnhead  # the first line of the data file names the columns
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics nomirror scale 0
set key off
set grid ytics
plot f using 3:4:5:xtic(2) lc rgb '#1b4f72'
