#!/bin/sh
# Shared name
echo
