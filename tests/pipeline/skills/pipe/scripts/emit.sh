#!/bin/bash
# Print a JSON object with the word, its length and a fixed list.
# Usage: emit.sh WORD
# Arguments:
#   word   The word (string, required)
printf '{"word": "%s", "len": %d, "list": ["a", "b"]}\n' "$1" "${#1}"
