#!/bin/sh
# Figure "lost-echo" (section 10.4): a ladder drawn from a capture.
# Chapter 10's suite runs its test a_lost_echo_holds_only_its_own_stream
# (in the harness's VM when this kernel has no SCTP): sctpcli -p sends
# two messages on stream 1 and two on stream 2, and sctpserv's first
# echo on stream 1 is dropped once as it leaves host b.  ladder.c draws
# the capture the test kept at host a's end of the link.
#
# usage: lost-echo-plot.sh BUILD_DIR OUT.svg
set -eu
build=$1 out=$2
test=a_lost_echo_holds_only_its_own_stream
suite=$build/ch/10-sctp-client-server/tests/sctpecho
ladder=$build/book-tools/ladder
die() { echo "lost-echo-plot: $*" >&2; exit 1; }
for p in "$suite" "$ladder"; do
	[ -x "$p" ] || die "$p is missing (make all)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
HN_CAPTURE_DIR=$tmp TK_CH10_ONLY=$test "$suite" >"$tmp/run" 2>&1 ||
	die "the run failed: $(cat "$tmp/run")"
pcap=$(ls "$tmp"/*"$test".1-a-b.pcap 2>/dev/null) || die "no capture"
"$ladder" --all --left "a (sctpcli -p)" --right "b (sctpserv)" \
	"$pcap" "$out"
