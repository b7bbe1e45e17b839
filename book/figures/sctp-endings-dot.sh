#!/bin/sh
# Figure "sctp-endings" (section 10.7): sctpcli -A 'client gave up'
# sends one message, then aborts: the packets as host a saw them.
#
# usage: sctp-endings-dot.sh BUILD_DIR OUT.dot
exec "$(dirname "$0")/sctp-chunks.sh" "$1" "$2" abort_carries_its_reason \
	"sctpcli -A 'client gave up': one message, then SCTP_ABORT"
