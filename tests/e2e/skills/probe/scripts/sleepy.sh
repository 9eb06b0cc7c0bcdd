#!/usr/bin/env bash
# Sleep far longer than the tool's timeout, in a child too.
sleep 100 &
sleep 100
