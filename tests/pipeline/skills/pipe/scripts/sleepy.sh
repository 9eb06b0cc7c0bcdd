#!/bin/bash
# Sleep for a number of seconds (the tests find it by that number).
# Usage: sleepy.sh SECONDS
# Arguments:
#   seconds   How long (number, required)
sleep "$1"
echo slept
