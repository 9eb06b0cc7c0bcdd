#!/bin/bash
# Shout the text.
# Usage: shout.sh TEXT
# Arguments:
#   text   The text (string, required)
printf '%s!\n' "${1^^}"
