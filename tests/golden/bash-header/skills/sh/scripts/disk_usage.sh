#!/usr/bin/env bash
# Summarise disk usage under a directory.
#
# Usage: disk_usage.sh [-d depth] [-n count] [-v] PATH
#
# Arguments:
#   path      Directory to measure (string, required)
# Options:
#   -d DEPTH  Maximum depth to descend (integer, default: 1)
#   -n COUNT  How many entries to show (integer, default: 10)
#   -v        Verbose output
#   -h        Show help
while getopts "d:n:vhx" opt; do
  case $opt in
    d) depth=$OPTARG ;;
    n) count=$OPTARG ;;
    v) verbose=1 ;;
    h) exit 0 ;;
    x) set -x ;;
  esac
done
shift $((OPTIND-1))
du -d "${depth:-1}" "$1" | sort -rn | head -n "${count:-10}"
