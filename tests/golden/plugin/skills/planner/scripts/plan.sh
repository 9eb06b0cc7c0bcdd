#!/bin/sh
# Make a plan
echo plan
