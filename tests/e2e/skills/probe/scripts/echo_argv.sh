#!/usr/bin/env bash
# Print each positional argument on its own line.
#
# Usage: echo_argv.sh FIRST [SECOND]
#
# Arguments:
#   first     The first word (string, required)
#   second    The second word (string, optional)
for a in "$@"; do printf '<%s>\n' "$a"; done
