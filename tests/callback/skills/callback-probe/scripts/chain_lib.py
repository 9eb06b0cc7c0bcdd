"""The chain tools' shared body: call the next link, report how deep it got."""
import json
import os
import sys


def run(path):
    n = int(os.path.basename(path)[len("chain"):-len(".py")])
    req = json.loads(sys.stdin.readline())
    depth = req["params"]["context"]["depth"]
    if n == 6:
        result = {"deepest": depth}
    else:
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "callback-probe__chain%d" % (n + 1), "arguments": {}}}) + "\n")
        sys.stdout.flush()
        reply = json.loads(sys.stdin.readline())
        result = {"depth": depth, "next": reply.get("result", {}).get("output"),
                  "error": reply.get("error", {}).get("message")}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": 1, "result": result}) + "\n")
