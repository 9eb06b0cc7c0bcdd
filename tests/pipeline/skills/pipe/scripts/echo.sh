#!/bin/bash
# Print the text as it is.
# Usage: echo.sh TEXT
# Arguments:
#   text   The text (string, required)
printf '%s\n' "$1"
