#!/bin/sh
# Figure "failover" (section 23.9): when each of failcli's thirty
# messages reached sctprecv, in milliseconds from the cut of the primary
# path, with the cut, the client's SCTP_ADDR_UNREACHABLE, the link's
# return and SCTP_ADDR_AVAILABLE.  Chapter 23's suite (tests/asctp.c,
# failover_on_a_path_cut) runs the scenario in the harness's VM (this
# kernel may have no SCTP) and, when its transcripts are updated, keeps
# the timeline in transcripts/failover-timeline.txt, which this script
# draws with gnuplot.
#
# usage: failover-plot.sh BUILD_DIR OUT.svg
set -eu
out=$2
here=$(dirname "$0")
data=$here/../../chapters/23-advanced-sctp/transcripts/failover-timeline.txt
die() { echo "failover-plot: $*" >&2; exit 1; }

[ -r "$data" ] || die "$data is missing: run chapter 23's suite with" \
	"TK_UPDATE_TRANSCRIPTS=1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
sed -n 's/^msg \([0-9]*\) \(-\{0,1\}[0-9]*\)$/\2 \1/p' "$data" \
	>"$tmp/msgs"
[ "$(wc -l <"$tmp/msgs")" -ge 10 ] || die "$data has no messages"
at() { sed -n "s/^$1 \(-\{0,1\}[0-9]*\)$/\1/p" "$data"; }
unreach=$(at unreachable) up=$(at up) avail=$(at available)
[ -n "$unreach" ] && [ -n "$up" ] && [ -n "$avail" ] ||
	die "$data lacks an event"

gnuplot <<GP
set terminal svg size 760,420 font "DejaVu Sans,13" background "white" noenhanced
set output "$out"
set title "failcli: a message every 100 ms over two paths; net1 cut at 0"
set xlabel "milliseconds from the cut (as sctprecv read each message)"
set ylabel "message number"
set grid
set key top left box opaque
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb "#c01c28" lw 2
set label 1 "cut" at 0, graph 0.95 offset 0.5,0 tc rgb "#c01c28"
set arrow 2 from $unreach, graph 0 to $unreach, graph 1 nohead dt 2 lc rgb "#c01c28" lw 2
set label 2 "UNREACHABLE" at $unreach, graph 0.88 offset 0.5,0 tc rgb "#c01c28"
set arrow 3 from $up, graph 0 to $up, graph 0.8 nohead lc rgb "#26a269" lw 2
set label 3 "link back" at $up, graph 0.75 offset 0.5,-1 tc rgb "#26a269"
set arrow 4 from $avail, graph 0 to $avail, graph 1 nohead dt 2 lc rgb "#26a269" lw 2
set label 4 "AVAILABLE" at $avail, graph 0.68 offset 0.5,0 tc rgb "#26a269"
plot "$tmp/msgs" using 1:2 with linespoints pt 7 ps 0.7 lw 1.5 \
       lc rgb "#1a5fb4" title "message read by sctprecv"
GP
