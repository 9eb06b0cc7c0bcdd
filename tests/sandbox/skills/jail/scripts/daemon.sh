#!/bin/bash
# Leave two daemons behind: one in a new session, one double-forked.
#
# Arguments:
#   tag  Word the daemons carry in their command lines (string, required)
tag=$1
setsid bash -c "exec -a skillc-jail-daemon-$tag sleep 300" </dev/null >/dev/null 2>&1 &
( ( exec -a "skillc-jail-daemon-$tag" sleep 300 ) & ) </dev/null >/dev/null 2>&1
# Return only once both run, so they have left this process group.
for _ in $(seq 200); do
	[ "$(pgrep -c -f "^skillc-jail-daemon-$tag")" = 2 ] && break
	sleep 0.05
done
echo started
