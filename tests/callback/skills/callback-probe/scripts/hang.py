#!/usr/bin/env python3
"""Start, log once, and never answer."""
import json
import sys
import time

sys.stdin.readline()
print(json.dumps({"jsonrpc": "2.0", "method": "log",
                  "params": {"level": "info", "message": "waiting forever"}}), flush=True)
time.sleep(600)
