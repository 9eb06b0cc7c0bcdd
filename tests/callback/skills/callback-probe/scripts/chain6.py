#!/usr/bin/env python3
"""Link 6 of a tools/call chain."""
from chain_lib import run

run(__file__)
