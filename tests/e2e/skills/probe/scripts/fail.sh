#!/usr/bin/env bash
# Fail with status 3 and say why on stderr.
echo "partial output"
echo "something went wrong" >&2
exit 3
