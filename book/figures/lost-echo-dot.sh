#!/bin/sh
# Figure "lost-echo" (section 10.4): sctpcli -p sends two messages on
# stream 1 and two on stream 2; sctpserv's echo of the first on stream 1
# is dropped once as it leaves host b.  The packets as host a saw them.
#
# usage: lost-echo-dot.sh BUILD_DIR OUT.dot
exec "$(dirname "$0")/sctp-chunks.sh" "$1" "$2" \
	a_lost_echo_holds_only_its_own_stream \
	"sctpcli -p: [1]one-a [1]one-b [2]two-a [2]two-b; one echo lost" \
	"b's first echo (DATA stream 1 ssn 0, after 80 ms) was dropped as it left b: a never saw it; it came again after three SACKs reported the gap"
