#!/bin/bash
# Greet someone.
#
# Arguments:
#   name      Who to greet (string, required)
#   times     How often (integer, default: 1)
echo "hello $1 ${2:-1}"
