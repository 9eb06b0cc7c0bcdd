#!/usr/bin/env bash
# Print the environment, the working directory and a reference file.
env | sort
echo "PWD=$(pwd)"
cat references/notes.txt
