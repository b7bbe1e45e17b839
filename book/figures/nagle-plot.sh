#!/bin/sh
# Figure "nagle": how long a write-write-read request takes with Nagle's
# algorithm on and with TCP_NODELAY, measured when the book is built, by
# chapter 7's own programs (reqserv and nagle) on loopback, and drawn by
# gnuplot.
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

# "20 requests, TCP_NODELAY off: average 41.2 ms, worst 44.0 ms"
measure() {
	"$ch/nagle" "$@" -c 20 127.0.0.1 "$port" |
	sed -n 's/.*average \([0-9.]*\) ms, worst \([0-9.]*\) ms.*/\1 \2/p'
}
on=$(measure)
off=$(measure -n)
[ -n "$on" ] && [ -n "$off" ] || { echo "nagle-plot: no measurement" >&2
	exit 1; }
printf '"Nagle on" %s\n"TCP_NODELAY" %s\n' "$on" "$off" >"$tmp/data"

gnuplot <<GP
set terminal svg size 640,360 font "DejaVu Sans,12" background "white" noenhanced
set output "$out"
set title "One request as two writes and a read, on loopback (20 each)"
set ylabel "milliseconds (log scale)"
set logscale y
set yrange [0.005:200]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set key top right
set grid ytics
plot "$tmp/data" using 2:xtic(1) title "average", \
     "" using 3 title "worst"
GP
