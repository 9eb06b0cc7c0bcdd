#!/usr/bin/env bash
# Summarise disk usage under a directory.
#
# Usage: disk_usage.sh [-d depth] [-n count] [-s sort] PATH
#
# Arguments:
#   path      Directory to measure (string, required)
# Options:
#   -d DEPTH  Maximum depth to descend (integer, default: 1)
#   -n COUNT  How many entries to show (integer, default: 10)
#   -s SORT   Order entries by size or by name (string, default: size, one of: size, name)
#   -h        Show help
set -euo pipefail

usage() {
	sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//;p}' "$0"
}

die() {
	echo "disk_usage.sh: $*" >&2
	exit 2
}

depth=1
count=10
order=size
while getopts "d:n:s:h" opt; do
	case "$opt" in
	d) depth=$OPTARG ;;
	n) count=$OPTARG ;;
	s) order=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND-1))

(($# == 1)) || die "expected exactly one PATH argument (try -h)"
path=$1
[[ -d "$path" ]] || die "'$path' is not a directory"
# No leading zeros and at most four digits: "08" is not octal and nothing overflows.
if ! [[ "$depth" =~ ^(0|[1-9][0-9]{0,3})$ ]] || ((depth > 10)); then
	die "-d must be an integer from 0 to 10, not '$depth'"
fi
if ! [[ "$count" =~ ^[1-9][0-9]{0,3}$ ]] || ((count > 500)); then
	die "-n must be an integer from 1 to 500, not '$count'"
fi
case "$order" in
size) sorter=(sort '-k1,1nr') ;;
name) sorter=(sort -k2) ;;
*) die "-s must be size or name, not '$order'" ;;
esac

# -x stays on one filesystem so a scan of / does not wander into /proc or NFS;
# unreadable directories are skipped quietly rather than failing the whole run.
# Sizes are in KiB from du -k, made human-readable after sorting.
du -x -k -d "$depth" -- "$path" 2>/dev/null | "${sorter[@]}" | head -n "$count" |
	awk -F'\t' '{
		s = $1; u = "K"
		if (s >= 1048576) { s /= 1048576; u = "G" } else if (s >= 1024) { s /= 1024; u = "M" }
		printf "%8.1f%s\t%s\n", s, u, $2
	}' || true
