#!/bin/sh
# Figure "holb" (section 10.5): head-of-line blocking, measured.
# Chapter 10's suite runs its one test holb_tcp_waits_sctp_does_not (in
# the harness's VM when this kernel has no SCTP): holbcli sends 10
# requests, one every 40 ms, to holbserv over TCP and then over SCTP
# (request i on stream i), with the first packet carrying request 00
# dropped once.  The test writes each request's reply time to
# ch10-holb.tsv in its capture folder; gnuplot draws them.
#
# usage: holb-plot.sh BUILD_DIR OUT.svg
set -eu
build=$1 out=$2
suite=$build/ch/10-sctp-client-server/tests/sctpecho
[ -x "$suite" ] || { echo "holb-plot: $suite is missing (make all)" >&2
		     exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
HN_CAPTURE_DIR=$tmp TK_CH10_ONLY=holb_tcp_waits_sctp_does_not \
	"$suite" >"$tmp/run" 2>&1 ||
	{ echo "holb-plot: the measurement failed:" >&2; cat "$tmp/run" >&2
	  exit 1; }
[ "$(wc -l <"$tmp/ch10-holb.tsv")" -eq 10 ] ||
	{ echo "holb-plot: no measurement" >&2; exit 1; }

gnuplot <<GP
set terminal svg size 760,420 font "DejaVu Sans,13" background "white" noenhanced
set output "$out"
set title "10 requests, one every 40 ms; request 00's first packet lost once"
set xlabel "request (over SCTP: request i on stream i)"
set ylabel "milliseconds until its reply"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set grid ytics
set key top right box opaque
plot "$tmp/ch10-holb.tsv" using 3:xtic(sprintf("%02d", \$1)) \
       lc rgb "#c01c28" title "TCP, one connection", \
     "" using 5 lc rgb "#1a5fb4" title "SCTP, one association"
GP
