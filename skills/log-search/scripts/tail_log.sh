#!/usr/bin/env bash
# Show the last lines of a log file.
#
# Usage: tail_log.sh FILE [LINES]
#
# Arguments:
#   file   Log file to read (string, required)
#   lines  How many lines from the end to show, 1 to 1000 (integer, default: 50)
set -euo pipefail

if (($# < 1 || $# > 2)); then
	echo "usage: tail_log.sh FILE [LINES]" >&2
	exit 2
fi
file=$1
lines=${2:-50}

if [[ ! -f "$file" ]]; then
	echo "tail_log.sh: '$file' is not a regular file" >&2
	exit 1
fi
if ! [[ "$lines" =~ ^[1-9][0-9]{0,3}$ ]] || ((lines > 1000)); then
	echo "tail_log.sh: LINES must be an integer from 1 to 1000, not '$lines'" >&2
	exit 2
fi

# Compressed rotations (app.log.2.gz) are read through zcat; very long lines
# are cut at 4096 bytes so one line cannot flood the output.
if [[ "$file" == *.gz ]]; then
	zcat -- "$file" | tail -n "$lines" | cut -b 1-4096
else
	tail -n "$lines" -- "$file" | cut -b 1-4096
fi
