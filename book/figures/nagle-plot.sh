#!/bin/sh
# Figure "nagle": how long each write-write-read request of one connection
# takes with Nagle's algorithm on and with TCP_NODELAY, measured by
# chapter 7's own programs (reqserv and nagle -v) on loopback, and drawn
# by gnuplot, one point a request, each labelled with its value.
#
# usage: nagle-plot.sh BUILD_DIR OUT.svg
set -eu
build=$1 out=$2
ch=$build/ch/07-socket-options
tmp=$(mktemp -d)
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

for prog in "$ch/reqserv" "$ch/nagle"; do
	[ -x "$prog" ] || { echo "nagle-plot: $prog is not built" >&2; exit 1; }
done
: >"$tmp/server.out"   # before the server starts: sed reads it at once
"$ch/reqserv" 0 >"$tmp/server.out" 2>&1 &
srv=$!

# Wait (at most 5 s) for the server to say which port it took.
port=
for _ in $(seq 100); do
	port=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' \
	       "$tmp/server.out")
	[ -n "$port" ] && break
	kill -0 "$srv" 2>/dev/null || break
	sleep 0.05      # a pause between looks, not a synchroniser
done
[ -n "$port" ] || { echo "nagle-plot: reqserv did not start:" \
	"$(cat "$tmp/server.out")" >&2; exit 1; }

# "request 7: 40.312 ms", one line a request (nagle -v).
measure() {
	"$ch/nagle" -v "$@" -c 20 127.0.0.1 "$port" |
	sed -n 's/^request \([0-9]*\): \([0-9.]*\) ms$/\1 \2/p'
}
measure >"$tmp/nagle"
measure -n >"$tmp/nodelay"
[ "$(wc -l <"$tmp/nagle")" -eq 20 ] && [ "$(wc -l <"$tmp/nodelay")" -eq 20 ] ||
	{ echo "nagle-plot: no measurement" >&2; exit 1; }

# Each point is labelled with its value: whole milliseconds for the
# stalled requests, two decimals below 1 ms.
gnuplot <<GP
set terminal svg size 760,400 font "DejaVu Sans,13" background "white" noenhanced
set output "$out"
set title "Each request of one connection: two writes, then a read (loopback)"
set xlabel "request number (20 on one connection)"
set ylabel "milliseconds"
set xrange [0.5:20.5]
set yrange [-6:58]
set xtics 1,1,20
set ytics 0,10,50
set grid ytics
set key at graph 0.97, graph 0.55 right box opaque
lbl(y) = y >= 1 ? sprintf("%.0f", y) : sprintf("%.2f", y)
plot "$tmp/nagle" using 1:2 with linespoints lw 2 pt 7 lc rgb "#c01c28" \
       title "Nagle on (default)", \
     "" using 1:2:(lbl(\$2)) with labels offset 0,0.9 font ",10" \
       tc rgb "#c01c28" notitle, \
     "$tmp/nodelay" using 1:2 with linespoints lw 2 pt 5 lc rgb "#1a5fb4" \
       title "TCP_NODELAY", \
     "" using 1:2:(lbl(\$2)) with labels offset 0,-0.9 font ",10" \
       tc rgb "#1a5fb4" notitle
GP
