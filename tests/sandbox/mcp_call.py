"""Call tools through `AGENT mcp` and print every reply.

    mcp_call.py AGENT [--scoped] REQUEST...

Each REQUEST is a JSON-RPC request without "jsonrpc" and "id"; they are sent
after the handshake with ids 2, 3, ... Standard input is closed only once
every reply is in, since the server kills running tools at end of input.
Exits 1 when the server ends before answering them all.
"""
import json
import subprocess
import sys


def main():
    agent, rest = sys.argv[1], sys.argv[2:]
    flags = [rest.pop(0)] if rest and rest[0] == "--scoped" else []
    reqs = [json.loads(a) for a in rest]
    p = subprocess.Popen([agent, "mcp"] + flags, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    init = {"method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                               "clientInfo": {"name": "mcp_call", "version": "1"}}}
    want = set()
    for i, r in enumerate([init] + reqs, 1):
        r = dict(r, jsonrpc="2.0", id=i)
        want.add(i)
        p.stdin.write(json.dumps(r) + "\n")
        p.stdin.flush()
    while want:
        line = p.stdout.readline()
        if not line:
            break
        sys.stdout.write(line)
        want.discard(json.loads(line).get("id"))
    p.stdin.close()
    p.wait(timeout=120)
    sys.exit(1 if want else 0)


if __name__ == "__main__":
    main()
