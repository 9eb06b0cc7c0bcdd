#!/bin/bash
# Upper-case text.
# Usage: upper.sh TEXT
# Arguments:
#   text   The text (string, required)
printf '%s\n' "${1^^}"
