# Shared: one bar per row, two series (columns 3-5 and 6-8) with 95 % intervals.
set style data histogram
set key autotitle columnhead  # the first line of the data file names the columns
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics nomirror scale 0
set key top right samplen 1.5
set grid ytics
set yrange [0:*]
plot f using 3:4:5:xtic(2) title columnhead(3) lc rgb '#1b4f72', \
     '' using 6:7:8 title columnhead(6) lc rgb '#aab7b8'
