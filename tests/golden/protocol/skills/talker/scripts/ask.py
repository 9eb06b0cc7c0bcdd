#!/usr/bin/env python3
"""Ask the user a question through the host."""
import json
import sys

req = json.loads(sys.stdin.readline())
print(json.dumps({"jsonrpc": "2.0", "id": 1, "result": req["params"]["arguments"]}))
