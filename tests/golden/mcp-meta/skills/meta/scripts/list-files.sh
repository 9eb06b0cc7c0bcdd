#!/usr/bin/env bash
# List the files of a directory.
#
# Arguments:
#   dir    The directory to list (string, optional)
ls -1 "${1:-.}"
