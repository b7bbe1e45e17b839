#!/bin/sh
# Figure "rtt-vs-kernel" (section 22.9): chapter 22's rttcmp, run with
# netlab on the chapter's two hosts with the kernel's own timers, every
# packet from client to server delayed by 10 to 30 ms, against
# openbsd-inetd's echo service (UDP and TCP port 7).  After each round,
# SRTT and RTO of the lab's estimator (UDP) and of the kernel's (TCP),
# as rttcmp printed them, drawn by gnuplot.
#
# usage: rtt-vs-kernel-plot.sh BUILD_DIR OUT.svg
set -eu
build=$1 out=$2
ch=chapters/22-advanced-udp
die() { echo "rtt-vs-kernel-plot: $*" >&2; exit 1; }
rttcmp=$build/ch/22-advanced-udp/rttcmp
for p in "$build/netlab" "$rttcmp" "$ch/inetd.conf" "$ch/netlab.txt"; do
	[ -e "$p" ] || die "$p is missing (make all netlab)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Inside the network: inetd in the server, wait (at most 5 s) until it
# listens on TCP port 7, delay the client's packets, run rttcmp.
"$build/netlab" -n rttplot run "$ch/netlab.txt" -- sh -c '
	netlab=$1 rttcmp=$2 conf=$3
	"$netlab" exec server /usr/sbin/inetd -d "$conf" >/dev/null 2>&1 &
	for _ in $(seq 100); do
		"$netlab" exec server ss -Hltn "sport = :7" | grep -q . && break
		sleep 0.05      # a pause between looks, not a synchroniser
	done
	"$netlab" fault impair client server delay=10 jitter=20 seed=22 \
		dir=out
	"$netlab" exec client "$rttcmp" -n 40 -m 200 192.0.2.2 7
' sh "$build/netlab" "$rttcmp" "$ch/inetd.conf" \
	>"$tmp/run" 2>"$tmp/err" || die "rttcmp failed: $(cat "$tmp/err")"
sed -n 's/^ *\([0-9][0-9]*\) \{1,\}\([0-9.]*\) \{1,\}\([0-9.]*\) \{1,\}\([0-9.]*\) \{1,\}\([0-9.]*\) \{1,\}\([0-9.]*\) \{1,\}\([0-9.]*\)$/\1 \2 \4 \5 \7 \3/p' \
	"$tmp/run" >"$tmp/data"
[ "$(wc -l <"$tmp/data")" -eq 40 ] ||
	die "rttcmp printed: $(cat "$tmp/run" "$tmp/err")"

gnuplot <<GP
set terminal svg size 760,420 font "DejaVu Sans,13" background "white" noenhanced
set output "$out"
set title "The lab's estimator (UDP) and the kernel's (TCP), one path, 10-30 ms delay"
set xlabel "round (one UDP request and one TCP echo each)"
set ylabel "milliseconds"
set xrange [0.5:40.5]
set yrange [0:250]
set ytics 0,25,250
set grid ytics
set key at graph 0.98, graph 0.62 right box opaque
plot "$tmp/data" using 1:5 with lines lw 2 lc rgb "#1a5fb4" \
       title "kernel RTO (tcpi_rto)", \
     "" using 1:3 with lines lw 2 dt 2 lc rgb "#c01c28" \
       title "our RTO (floor 200 ms)", \
     "" using 1:(\$2 + 4 * \$6) with lines lw 1 dt 3 lc rgb "#c01c28" \
       title "our SRTT + 4 RTTVAR, before the floor", \
     "" using 1:4 with linespoints lw 2 pt 5 ps 0.6 lc rgb "#1a5fb4" \
       title "kernel SRTT (tcpi_rtt)", \
     "" using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb "#c01c28" \
       title "our SRTT"
GP
