#!/bin/bash
# Fail with status 3, saying why on stderr.
# Usage: fail.sh [WHY]
# Arguments:
#   why   What to say (string)
echo "fail.sh: ${1:-no reason}" >&2
exit 3
