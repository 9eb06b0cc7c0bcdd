#!/bin/bash
# Echo the text.
# Usage: echo.sh TEXT
# Arguments:
#   text   The text (string, required)
printf '%s\n' "$1"
