#!/bin/sh
# Figure "herd" (section 30.5): the thundering herd, measured.  Chapter
# 30's herd program, with 1 to 8 children waiting on one listening socket
# in each of four ways (blocked in accept(), in select(), in epoll_wait()
# and in epoll_wait() with EPOLLEXCLUSIVE), counts how many children wake
# for each of 20 connections; gnuplot draws the four lines.
#
# usage: herd-plot.sh BUILD_DIR OUT.svg
set -eu
build=$1 out=$2
herd=$build/ch/30-server-designs/herd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -x "$herd" ] || { echo "herd-plot: $herd is not built" >&2; exit 1; }

# "select   4 children, 20 connections: 4 wakeups per connection"
for mode in accept select epoll epollex; do
	for n in 1 2 3 4 5 6 7 8; do
		"$herd" -n "$n" -k 20 -m "$mode" |
		sed -n "s/.* \([0-9]*\) children, .*: \([0-9.]*\) wakeups.*/\1 \2/p"
	done >"$tmp/$mode"
	[ "$(wc -l <"$tmp/$mode")" -eq 8 ] ||
		{ echo "herd-plot: no measurement for $mode" >&2; exit 1; }
done

gnuplot <<GP
set terminal svg size 760,420 font "DejaVu Sans,13" background "white" noenhanced
set output "$out"
set title "Children woken by each connection (herd -k 20, loopback)"
set xlabel "children waiting on one listening socket"
set ylabel "wakeups per connection"
set xrange [0.5:8.5]
set yrange [0:9]
set xtics 1,1,8
set ytics 0,1,8
set grid ytics
set key top left
plot "$tmp/select" using 1:2 with linespoints lw 2 pt 7 title "select(), then accept()", \
     "$tmp/epoll" using 1:2 with linespoints lw 2 pt 5 dt 2 title "epoll_wait(), then accept()", \
     "$tmp/accept" using 1:2 with linespoints lw 2 pt 9 title "blocked in accept()", \
     "$tmp/epollex" using 1:2 with linespoints lw 2 pt 13 dt 3 title "epoll_wait() with EPOLLEXCLUSIVE"
GP
