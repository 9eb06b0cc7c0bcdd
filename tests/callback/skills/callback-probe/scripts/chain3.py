#!/usr/bin/env python3
"""Link 3 of a tools/call chain."""
from chain_lib import run

run(__file__)
