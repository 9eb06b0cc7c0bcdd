#!/usr/bin/env python3
"""Link 1 of a tools/call chain."""
from chain_lib import run

run(__file__)
