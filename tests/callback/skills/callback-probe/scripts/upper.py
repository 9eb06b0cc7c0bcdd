#!/usr/bin/env python3
"""Upper-case a text."""
import json
import sys

args = json.loads(sys.stdin.readline())
print(json.dumps({"upper": args["text"].upper()}))
