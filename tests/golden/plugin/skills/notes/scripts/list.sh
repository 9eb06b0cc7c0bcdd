#!/bin/sh
# List notes
ls
