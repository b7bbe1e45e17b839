#!/bin/sh
# Figure "designs" (section 30.13): requests per second of every server
# design of chapter 30 and of nginx, on one machine in one run, drawn
# from the table that "TK_UPDATE_TRANSCRIPTS=1 make bench-ch30" wrote
# (chapters/30-server-designs/transcripts/bench.txt).  The benchmark
# takes a minute on a quiet machine, so the book draws its committed
# result instead of running it; the file is part of the figure's cache
# key.
#
# usage: designs-plot.sh BUILD_DIR OUT.svg
set -eu
out=$2
table=chapters/30-server-designs/transcripts/bench.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -r "$table" ] || { echo "designs-plot: no $table" >&2; exit 1; }

# "epoll_reuseport      25212  ####": name and requests per second
awk 'NR > 2 && $2 ~ /^[0-9]+$/ { print NR - 3, $1, $2 }' "$table" \
	>"$tmp/rps"
[ "$(wc -l <"$tmp/rps")" -ge 12 ] ||
	{ echo "designs-plot: $table has no table" >&2; exit 1; }

gnuplot <<GP
set terminal svg size 760,460 font "DejaVu Sans,13" background "white" noenhanced
set output "$out"
set title "Requests per second, a new connection each (loadcli -c 8, loopback)"
set style fill solid 0.6 border -1
set boxwidth 0.7
set yrange [0:*]
set xrange [-0.6:*]
set grid ytics
set xtics rotate by -40 left
set bmargin 7
unset key
plot "$tmp/rps" using 1:3:xtic(2) with boxes, \
     "$tmp/rps" using 1:3:3 with labels offset 0,0.7 font ",10"
GP
