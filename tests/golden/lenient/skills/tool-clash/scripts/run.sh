#!/bin/sh
# Run it.
echo sh
