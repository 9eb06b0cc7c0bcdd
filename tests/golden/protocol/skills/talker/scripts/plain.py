#!/usr/bin/env python3
"""Echo JSON from stdin."""
import json
import sys

print(json.dumps(json.load(sys.stdin)))
