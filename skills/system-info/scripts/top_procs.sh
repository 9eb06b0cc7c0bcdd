#!/usr/bin/env bash
# List the processes using the most CPU or memory.
#
# Usage: top_procs.sh [-s key] [-n count] [-u user]
#
# Options:
#   -s KEY    What to sort by (string, default: cpu, one of: cpu, mem)
#   -n COUNT  How many processes to show (integer, default: 10)
#   -u USER   Only show processes owned by this user (string)
#   -h        Show help
set -euo pipefail

usage() {
	sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//;p}' "$0"
}

key=cpu
count=10
user=
while getopts "s:n:u:h" opt; do
	case "$opt" in
	s) key=$OPTARG ;;
	n) count=$OPTARG ;;
	u) user=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND-1))

case "$key" in
cpu) sort=-pcpu ;;
mem) sort=-pmem ;;
*) echo "top_procs.sh: -s must be cpu or mem, not '$key'" >&2; exit 2 ;;
esac
# No leading zeros and at most four digits: "09" is not octal and nothing overflows.
if ! [[ "$count" =~ ^[1-9][0-9]{0,3}$ ]] || ((count > 200)); then
	echo "top_procs.sh: -n must be an integer from 1 to 200, not '$count'" >&2
	exit 2
fi
if (($# > 0)); then
	echo "top_procs.sh: takes no arguments besides options (try -h)" >&2
	exit 2
fi

select=(-e)
if [[ -n "$user" ]]; then
	if ! id -u -- "$user" >/dev/null 2>&1; then
		echo "top_procs.sh: no such user '$user'" >&2
		exit 1
	fi
	select=(-u "$user")
fi
# ps exits 1 when nothing matches; an empty list is a fine answer.
ps "${select[@]}" -o pid,user,pcpu,pmem,rss,etime,comm --sort="$sort" | head -n $((count + 1)) || true
