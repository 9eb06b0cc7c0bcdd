#!/usr/bin/env python3
"""Run one callback scenario and report what came back."""
import json
import os
import sys

NEXT = [100]


def send(msg):
    msg["jsonrpc"] = "2.0"
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def call(method, params):
    NEXT[0] += 1
    send({"id": NEXT[0], "method": method, "params": params})
    line = sys.stdin.readline()
    if not line:
        return {"eof": True}
    reply = json.loads(line)
    assert reply.get("id") == NEXT[0], reply
    return reply


def finish(result):
    send({"id": 1, "result": result})


req = json.loads(sys.stdin.readline())
args = req["params"]["arguments"]
ctx = req["params"]["context"]
mode = args["mode"]

if mode == "basic":
    send({"method": "log", "params": {"level": "warning", "message": "half way"}})
    send({"method": "progress", "params": {"current": 1, "total": 2, "message": "one"}})
    send({"method": "progress", "params": {"current": 2, "total": 2, "message": "two"}})
    finish({"mode": mode, "text": args.get("text"), "tool": ctx["tool_name"],
            "caps": ctx["capabilities"]})
elif mode == "memory":
    out = {"set": call("memory/set", {"key": "k", "value": {"n": 1}}),
           "get": call("memory/get", {"key": "k"})}
    finish(out)
elif mode == "resources":
    listed = call("resources/list", {})
    uris = [r["uri"] for r in listed["result"]["resources"]]
    skill_md = [u for u in uris if u.endswith("/SKILL.md")][0]
    read = call("resources/read", {"uri": skill_md})
    other = call("resources/read", {"uri": "skill://elsewhere/SKILL.md"})
    finish({"n": len(uris), "starts": read["result"]["contents"][0]["text"][:3],
            "other": other.get("error", {}).get("message", "")})
elif mode == "call":
    r = call("tools/call", {"name": "callback-probe__upper",
                            "arguments": {"text": args.get("text", "abc")}})
    finish(r)
elif mode == "nest":
    r = call("tools/call", {"name": "callback-probe__talk",
                            "arguments": {"mode": "call", "text": args.get("text", "deep")}})
    finish(r)
elif mode == "recurse":
    r = call("tools/call", {"name": "callback-probe__talk", "arguments": {"mode": "recurse"}})
    finish(r)
elif mode == "unknown-tool":
    finish(call("tools/call", {"name": "no_such_tool", "arguments": {}}))
elif mode == "elicit":
    r = call("elicitation/create", {"message": "Your name?", "requestedSchema": {
        "type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}})
    finish(r)
elif mode == "sample":
    r = call("sampling/createMessage", {"messages": [
        {"role": "user", "content": {"type": "text", "text": args.get("text", "hi")}}],
        "maxTokens": 50})
    finish(r)
elif mode == "both":
    a = call("elicitation/create", {"message": "First?", "requestedSchema": {
        "type": "object", "properties": {"x": {"type": "string"}}}})
    b = call("sampling/createMessage", {"messages": [
        {"role": "user", "content": {"type": "text", "text": "second"}}]})
    finish({"a": a, "b": b})
elif mode == "method":
    finish(call("no/such", {}))
elif mode == "garbage":
    sys.stdout.write("this is not json\n")
    sys.stdout.flush()
    sys.stdin.readline()
elif mode == "flood":
    for i in range(20000):
        sys.stdout.write('{"jsonrpc":"2.0","method":"log","params":{"message":"x"}}\n')
    sys.stdout.flush()
    finish("unreachable")
elif mode == "noresult":
    send({"method": "log", "params": {"message": "bye"}})
elif mode == "error":
    send({"id": 1, "error": {"code": 7, "message": "it went wrong"}})
elif mode == "chunks":
    for i, part in enumerate(["al", "pha"]):
        send({"method": "stream/chunk", "params": {"data": part, "index": i}})
elif mode == "secret":
    token = os.environ.get("PROBE_TOKEN", "")
    send({"method": "log", "params": {"level": "error", "message": "token " + token}})
    finish({"said": "token " + token})
elif mode == "string":
    finish("plain text result")
else:
    send({"id": 1, "error": {"code": 1, "message": "unknown mode " + mode}})
