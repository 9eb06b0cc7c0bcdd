#!/bin/bash
# Bash x.
echo
