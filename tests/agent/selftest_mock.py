#!/usr/bin/env python3
"""Self-test of mock_provider.py: every step form, every provider, plain and
streamed. Exits non-zero on the first failure. Runs in a few seconds."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "mock_provider.py")

CALLS = [
    {"id": "call_1", "name": "files__read", "arguments": {"path": "a.txt", "n": 2}},
    {"id": "call_2", "name": "web__get", "arguments": "{\"url\": \"http://x\"",  # invalid
     "signature": "c2lnMg=="},
]
REPLY = {"text": "Hello, wörld!", "tool_calls": CALLS, "usage": {"input": 11, "output": 7}}
RAW_ARGS = [json.dumps(CALLS[0]["arguments"], ensure_ascii=False, separators=(",", ":")),
            CALLS[1]["arguments"]]

STEPS = [
    # 0 openai plain
    {"reply": REPLY, "expect": {"provider": "openai", "path_contains": "chat/completions",
                                "stream": False, "headers": {"authorization": "Bearer k"}}},
    # 1 openai stream with usage
    {"reply": dict(REPLY, text_chunks=["Hel", "lo, ", "wörld!"], args_chunks=4)},
    # 2 openai stream, no usage chunk, text only, stop override
    {"reply": {"text": "just text", "stop": "length"}},
    # 3 anthropic plain
    {"reply": REPLY, "expect": {"provider": "anthropic", "body_contains": "claude"}},
    # 4 anthropic stream
    {"reply": REPLY},
    # 5 gemini plain (chunked request body)
    {"reply": dict(REPLY, tool_calls=[dict(CALLS[0], gemini_id=True), CALLS[1]]),
     "expect": {"provider": "gemini", "path_contains": ":generateContent"}},
    # 6 gemini stream sse
    {"reply": dict(REPLY, text_signature="dHNpZw=="),
     "expect": {"path_contains": "alt=sse", "stream": True}},
    # 7 gemini stream without alt=sse: a JSON array
    {"reply": {"text": "abc"}},
    # 8 429
    {"status": 429, "headers": {"retry-after": "1", "x-should-retry": "true"},
     "body": {"error": {"message": "slow down"}}},
    # 9 503 text
    {"status": 503, "body": "upstream gone"},
    # 10 anthropic error event
    {"error_event": {"type": "overloaded_error", "message": "Overloaded"}},
    # 11 openai error event
    {"error_event": {"message": "boom", "type": "server_error"}},
    # 12 raw
    {"raw": {"status": 200, "headers": {"X-Raw": "1"}, "chunks": ["data: {\"a\"", ":1}\n\n", "x"],
             "delay": 0.01}},
    # 13 openai stream dropped after 2 events
    {"reply": REPLY, "drop_after": 2},
    # 14 anthropic plain dropped
    {"reply": REPLY, "drop_after": 0},
    # 15 gemini stream stalls after 1 event (for longer than any delay of a
    # busy machine: the handler thread is a daemon, it does not hold the exit)
    {"reply": REPLY, "stall_after": 1, "stall_seconds": 60},
    # 16 openai plain stalls
    {"reply": REPLY, "stall_after": 0, "stall_seconds": 60},
    # 17 delay
    {"reply": {"text": "late"}, "delay": 0.3},
    # 18 expect mismatch (non-JSON body)
    {"reply": {"text": "never"}, "expect": {"provider": "anthropic", "stream": True}},
    # 19 anthropic stream with Connection: close framing
    {"reply": {"text": "closing"}, "framing": "close"},
    # 20 a client that hangs up mid-stream
    {"raw": {"chunks": ["data: %d\n\n" % i for i in range(20)], "delay": 0.02}},
    # 21 the server still answers after that
    {"reply": {"text": "still here"}},
    # 22 drop with a TCP reset
    {"reply": {"text": "reset me"}, "drop_after": 1, "drop_rst": True},
]

failures = []
WAIT = 60  # seconds: only a hang waits this long


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
        raise SystemExit(1)


def parse_sse(data):
    """[(event or None, data text)] from an SSE body."""
    text = data.decode("utf-8").replace("\r\n", "\n")
    out = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        ev, dl = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                ev = line[6:].strip()
            elif line.startswith("data:"):
                dl.append(line[5:].lstrip(" "))
        out.append((ev, "\n".join(dl)))
    return out


class Mock:
    def __init__(self, steps, extra=()):
        self.dir = tempfile.mkdtemp(prefix="mockprov.")
        self.scen = os.path.join(self.dir, "s.json")
        self.log = os.path.join(self.dir, "log.jsonl")
        self.portf = os.path.join(self.dir, "port")
        with open(self.scen, "w") as f:
            json.dump({"steps": steps}, f)
        self.p = subprocess.Popen([sys.executable, MOCK, "--scenario", self.scen, "--log",
                                   self.log, "--port-file", self.portf] + list(extra))
        # Bounds that a passing run never nears (python starts slowly on a busy
        # machine); they only stop a hang.
        t0 = time.time()
        while not os.path.exists(self.portf):
            check(self.p.poll() is None, "mock exited at start-up")
            check(time.time() - t0 < WAIT, "no port file within %d s" % WAIT)
            time.sleep(0.02)
        with open(self.portf) as f:
            self.port = int(f.read().strip())

    def conn(self, timeout=WAIT):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def logs(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f]


def post(c, path, body, headers=None, chunked=False):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    if chunked:
        c.request("POST", path, body=iter([data[:5], data[5:]]), headers=h, encode_chunked=True)
    else:
        c.request("POST", path, body=data, headers=h)
    return c.getresponse()


def openai_reassemble(evs):
    text, calls, finish, usage, done = "", {}, None, None, False
    for _, d in evs:
        if d == "[DONE]":
            done = True
            continue
        o = json.loads(d)
        check(o["object"] == "chat.completion.chunk", "openai chunk object")
        if not o["choices"]:
            usage = o["usage"]
            continue
        ch = o["choices"][0]
        delta = ch["delta"]
        text += delta.get("content") or ""
        for tc in delta.get("tool_calls") or []:
            slot = calls.setdefault(tc["index"], {"id": None, "name": None, "arguments": ""})
            if "id" in tc:
                slot["id"] = tc["id"]
                check(tc["type"] == "function", "openai tool delta type")
            fn = tc.get("function", {})
            if "name" in fn:
                slot["name"] = fn["name"]
            slot["arguments"] += fn.get("arguments", "")
        if ch["finish_reason"]:
            finish = ch["finish_reason"]
    return text, [calls[i] for i in sorted(calls)], finish, usage, done


def main():
    m = Mock(STEPS)
    try:
        run(m)
    finally:
        if m.p.poll() is None:
            m.p.send_signal(signal.SIGTERM)
    rc = m.p.wait(timeout=WAIT)
    check(rc == 0, "exit status 0 after SIGTERM, got %s" % rc)
    other_instances()
    print("selftest_mock: all checks passed")
    return 0


def run(m):
    c = m.conn()
    # 404, no step consumed
    c.request("GET", "/v1/models")
    r = c.getresponse()
    check(r.status == 404 and "error" in json.loads(r.read()), "404 json")

    # 0 openai plain
    r = post(c, "/v1/chat/completions", {"model": "gpt-x", "messages": []},
             {"Authorization": "Bearer k"})
    check(r.status == 200, "openai plain status %d" % r.status)
    check(r.getheader("Content-Length") is not None, "plain has content-length")
    o = json.loads(r.read())
    sock0 = c.sock
    check(o["object"] == "chat.completion" and o["model"] == "gpt-x", "openai plain object")
    msg = o["choices"][0]["message"]
    check(msg["content"] == REPLY["text"], "openai plain text")
    check([t["function"]["arguments"] for t in msg["tool_calls"]] == RAW_ARGS, "openai args")
    check([t["id"] for t in msg["tool_calls"]] == ["call_1", "call_2"], "openai ids")
    check(o["choices"][0]["finish_reason"] == "tool_calls", "openai finish")
    check(o["usage"] == {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
          "openai usage")

    # 1 openai stream with include_usage, same connection
    r = post(c, "/v1/chat/completions", {"model": "gpt-x", "stream": True,
                                         "stream_options": {"include_usage": True}})
    check(r.getheader("Transfer-Encoding") == "chunked", "stream is chunked")
    check(r.getheader("Content-Type").startswith("text/event-stream"), "stream content type")
    evs = parse_sse(r.read())
    check(c.sock is sock0, "keep-alive: connection reused")
    text, calls, finish, usage, done = openai_reassemble(evs)
    check(json.loads(evs[1][1])["choices"][0]["delta"]["content"] == "Hel", "text_chunks used")
    check(text == REPLY["text"], "openai stream text")
    check([x["arguments"] for x in calls] == RAW_ARGS, "openai stream args %r" % calls)
    check([x["name"] for x in calls] == ["files__read", "web__get"], "openai stream names")
    n_arg_deltas = sum(1 for _, d in evs if d != "[DONE]" and json.loads(d)["choices"] and
                       "tool_calls" in json.loads(d)["choices"][0]["delta"] and
                       "id" not in json.loads(d)["choices"][0]["delta"]["tool_calls"][0])
    check(n_arg_deltas == 8, "args_chunks 4 per call, got %d" % n_arg_deltas)
    check(finish == "tool_calls" and done, "openai stream finish + DONE")
    check(usage == {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
          "openai stream usage")

    # 2 openai stream, no include_usage, /chat/completions
    r = post(c, "/chat/completions", {"model": "m", "stream": True})
    evs = parse_sse(r.read())
    text, calls, finish, usage, done = openai_reassemble(evs)
    check(text == "just text" and not calls and finish == "length" and usage is None and done,
          "openai stream no usage")
    check(c.sock is sock0, "keep-alive after stream")

    # 3 anthropic plain
    r = post(c, "/v1/messages", {"model": "claude-x", "max_tokens": 10})
    o = json.loads(r.read())
    check(o["type"] == "message" and o["role"] == "assistant", "anthropic plain type")
    check(o["content"][0] == {"type": "text", "text": REPLY["text"]}, "anthropic text")
    check(o["content"][1]["input"] == CALLS[0]["arguments"], "anthropic input")
    check(o["content"][2]["input"] == {} and o["content"][2]["id"] == "call_2",
          "anthropic invalid args -> {}")
    check(o["stop_reason"] == "tool_use", "anthropic stop")
    check(o["usage"] == {"input_tokens": 11, "output_tokens": 7}, "anthropic usage")

    # 4 anthropic stream
    r = post(c, "/v1/messages", {"model": "claude-x", "stream": True})
    evs = parse_sse(r.read())
    names = [e for e, _ in evs]
    check(names[0] == "message_start" and names[-1] == "message_stop", "anthropic frame")
    check("ping" in names, "anthropic ping")
    for e, d in evs:
        check(json.loads(d)["type"] == e, "anthropic event name matches type")
    start = json.loads(evs[0][1])
    check(start["message"]["usage"]["input_tokens"] == 11, "anthropic input tokens")
    blocks = {}
    for e, d in evs:
        o = json.loads(d)
        if e == "content_block_start":
            blocks[o["index"]] = dict(o["content_block"], _acc="", _stopped=False)
        elif e == "content_block_delta":
            b = blocks[o["index"]]
            dl = o["delta"]
            b["_acc"] += dl["text"] if dl["type"] == "text_delta" else dl["partial_json"]
            check(dl["type"] == ("text_delta" if b["type"] == "text" else "input_json_delta"),
                  "anthropic delta type")
        elif e == "content_block_stop":
            blocks[o["index"]]["_stopped"] = True
        elif e == "message_delta":
            check(o["delta"]["stop_reason"] == "tool_use", "anthropic stream stop")
            check(o["usage"]["output_tokens"] == 7, "anthropic output tokens")
    check([blocks[i]["type"] for i in range(3)] == ["text", "tool_use", "tool_use"],
          "anthropic blocks")
    check(blocks[0]["_acc"] == REPLY["text"], "anthropic stream text")
    check([blocks[1]["_acc"], blocks[2]["_acc"]] == RAW_ARGS, "anthropic stream args")
    check(all(b["_stopped"] for b in blocks.values()), "anthropic blocks stopped")

    # 5 gemini plain, chunked request body
    r = post(c, "/v1beta/models/gemini-2.5-flash:generateContent", {"contents": []},
             {"x-goog-api-key": "g"}, chunked=True)
    o = json.loads(r.read())
    cand = o["candidates"][0]
    check(cand["content"]["role"] == "model" and cand["finishReason"] == "STOP", "gemini plain")
    parts = cand["content"]["parts"]
    check(parts[0] == {"text": REPLY["text"]}, "gemini text part")
    check(parts[1]["functionCall"] == {"name": "files__read", "args": CALLS[0]["arguments"],
                                       "id": "call_1"}, "gemini call with id")
    check("thoughtSignature" not in parts[1], "gemini no signature on call 1")
    check(parts[2] == {"functionCall": {"name": "web__get", "args": {}},
                       "thoughtSignature": "c2lnMg=="}, "gemini call 2 %r" % parts[2])
    check(o["usageMetadata"] == {"promptTokenCount": 11, "candidatesTokenCount": 7,
                                 "totalTokenCount": 18}, "gemini usage")

    # 6 gemini stream
    r = post(c, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", {})
    raw = r.read()
    check(b"\r\n\r\n" in raw and raw.endswith(b"\r\n\r\n"), "gemini CRLF events")
    docs = [json.loads(d) for _, d in parse_sse(raw)]
    text = "".join(p.get("text", "") for d in docs for p in d["candidates"][0]["content"]["parts"])
    fcs = [p for d in docs for p in d["candidates"][0]["content"]["parts"] if "functionCall" in p]
    check(text == REPLY["text"], "gemini stream text")
    check([p["functionCall"]["name"] for p in fcs] == ["files__read", "web__get"], "gemini calls")
    check(all("id" not in p["functionCall"] for p in fcs), "gemini no ids by default")
    check(all("finishReason" not in d["candidates"][0] for d in docs[:-1]), "finish only last")
    check(docs[-1]["candidates"][0]["finishReason"] == "STOP" and
          docs[-1]["usageMetadata"]["totalTokenCount"] == 18, "gemini last chunk")
    sigs = [p.get("thoughtSignature") for d in docs for p in d["candidates"][0]["content"]["parts"]
            if "text" in p]
    check(sigs[-1] == "dHNpZw==" and not any(sigs[:-1]), "gemini text signature")

    # 7 gemini stream without alt=sse
    r = post(c, "/v1beta/models/g:streamGenerateContent", {})
    o = json.loads(r.read())
    check(isinstance(o, list) and "".join(d["candidates"][0]["content"]["parts"][0]["text"]
                                          for d in o) == "abc", "gemini json array stream")

    # 8 429
    r = post(c, "/v1/messages", {})
    check(r.status == 429 and r.getheader("retry-after") == "1" and
          r.getheader("x-should-retry") == "true", "429 headers")
    check(json.loads(r.read())["error"]["message"] == "slow down", "429 body")
    # 9 503 text
    r = post(c, "/v1/chat/completions", {})
    check(r.status == 503 and r.read() == b"upstream gone", "503 text body")

    # 10 anthropic error event
    r = post(c, "/v1/messages", {"stream": True})
    check(r.status == 200, "error event is 200")
    evs = parse_sse(r.read())
    check([e for e, _ in evs] == ["message_start", "error"], "anthropic error events")
    check(json.loads(evs[1][1]) == {"type": "error", "error": {"type": "overloaded_error",
                                                                "message": "Overloaded"}},
          "anthropic error payload")
    # 11 openai error event
    r = post(c, "/v1/chat/completions", {"stream": True})
    evs = parse_sse(r.read())
    check(len(evs) == 1 and json.loads(evs[0][1])["error"]["message"] == "boom",
          "openai error event")

    # 12 raw
    r = post(c, "/v1/chat/completions", {"stream": True})
    check(r.getheader("X-Raw") == "1", "raw header")
    check(r.read() == b"data: {\"a\":1}\n\nx", "raw body verbatim")

    # 13 openai stream dropped after 2 events
    c = m.conn()
    r = post(c, "/v1/chat/completions", {"stream": True})
    try:
        r.read()
        check(False, "drop: read should fail")
    except http.client.IncompleteRead as e:
        check(len(parse_sse(e.partial)) == 2, "drop after 2 events")
    c.close()

    # 14 anthropic plain dropped
    c = m.conn()
    r = post(c, "/v1/messages", {})
    try:
        r.read()
        check(False, "plain drop: read should fail")
    except http.client.IncompleteRead as e:
        check(len(e.partial) > 20 and e.expected > len(e.partial) and
              not e.partial.endswith(b"}"), "plain drop: half a body, more promised")
    c.close()

    # 15 gemini stream stalls after 1 event: the event comes (however long it
    # takes), then nothing within a short wait (which on a slow machine can
    # only miss a wrong event, never fail a right stall)
    c = m.conn()
    r = post(c, "/v1beta/models/g:streamGenerateContent?alt=sse", {})
    got = b""
    try:
        while b"\n\n" not in got.replace(b"\r\n", b"\n"):
            b = r.read1(65536)
            if not b:
                break
            got += b
        c.sock.settimeout(0.4)
        while True:
            b = r.read1(65536)
            if not b:
                break
            got += b
        check(False, "stall: stream should time out")
    except (socket.timeout, TimeoutError):
        pass
    check(len(parse_sse(got)) == 1, "stall after 1 event")
    c.close()

    # 16 openai plain stalls: headers, then no body
    c = m.conn()
    r = post(c, "/v1/chat/completions", {})
    check(r.status == 200, "plain stall headers arrive")
    c.sock.settimeout(0.4)
    try:
        r.read()
        check(False, "plain stall should time out")
    except (socket.timeout, TimeoutError):
        pass
    c.close()

    # 17 delay
    c = m.conn()
    t0 = time.time()
    r = post(c, "/v1/chat/completions", {})
    check(json.loads(r.read())["choices"][0]["message"]["content"] == "late", "delay body")
    check(time.time() - t0 >= 0.29, "delay honoured")

    # 18 mismatch, non-JSON body
    r = post(c, "/v1/chat/completions", b"not json{")
    o = json.loads(r.read())
    check(r.status == 500 and o["error"]["message"].startswith("mock: expected"), "mismatch 500")

    # 19 close framing
    r = post(c, "/v1/messages", {"stream": True})
    check(r.getheader("Transfer-Encoding") is None and r.getheader("Connection") == "close",
          "close framing headers")
    evs = parse_sse(r.read())
    check(evs[-1][0] == "message_stop", "close framing body complete")
    c.close()

    # 20 client hangs up mid-stream; 21 the server still works
    s = socket.create_connection(("127.0.0.1", m.port))
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n"
              b"{\"stream\": true}")
    s.recv(100)
    s.close()
    time.sleep(0.1)
    c = m.conn()
    r = post(c, "/v1/messages", {})
    check(json.loads(r.read())["content"][0]["text"] == "still here", "alive after hang-up")

    # 22 reset
    r = post(c, "/v1/messages", {"stream": True})
    try:
        r.read()
        check(False, "rst: read should fail")
    except (http.client.IncompleteRead, ConnectionResetError):
        pass
    c.close()

    # exhausted
    c = m.conn()
    r = post(c, "/v1/chat/completions", {})
    check(r.status == 500 and json.loads(r.read())["error"]["message"] ==
          "mock: scenario exhausted", "exhausted")
    c.close()

    # the log
    logs = m.logs()
    check(len(logs) == len(STEPS) + 2, "log lines %d" % len(logs))
    check([x["seq"] for x in logs] == list(range(len(logs))), "log seq")
    check(logs[0]["provider"] is None and logs[0]["step"] is None, "404 logged")
    steps = [x for x in logs[1:]]
    check([x["step"] for x in steps[:-1]] == list(range(len(STEPS))), "steps in order")
    check([x["provider"] for x in steps[:8]] ==
          ["openai"] * 3 + ["anthropic"] * 2 + ["gemini"] * 3, "providers")
    check([x["stream"] for x in steps[:8]] ==
          [False, True, True, False, True, False, True, True], "stream flags")
    check(steps[0]["headers"]["authorization"] == "Bearer k", "headers lowercased")
    check(steps[0]["body"] == {"model": "gpt-x", "messages": []}, "body logged")
    check(steps[5]["headers"]["x-goog-api-key"] == "g" and steps[5]["body"] == {"contents": []},
          "chunked request body")
    check(steps[6]["path"] == "/v1beta/models/gemini-2.5-flash:streamGenerateContent" and
          steps[6]["query"] == "alt=sse", "path and query")
    check(steps[18]["body"] == {"_raw": "not json{"} and "anthropic" in steps[18]["mismatch"],
          "mismatch logged")
    check(all("mismatch" not in x for i, x in enumerate(steps) if i != 18), "no other mismatch")
    check(steps[-1].get("exhausted") is True, "exhaustion logged")


def other_instances():
    # --max-seconds
    m = Mock([], ["--max-seconds", "0.3"])
    try:
        rc = m.p.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        m.p.kill()
        rc = None
    check(rc == 0, "--max-seconds exit")
    # a bad scenario
    d = tempfile.mkdtemp(prefix="mockprov.")
    bad = os.path.join(d, "bad.json")
    with open(bad, "w") as f:
        json.dump({"steps": [{"reply": {}, "status": 200}]}, f)
    p = subprocess.run([sys.executable, MOCK, "--scenario", bad, "--log", os.path.join(d, "l"),
                        "--port-file", os.path.join(d, "p")], capture_output=True, timeout=WAIT)
    check(p.returncode == 2 and b"exactly one" in p.stderr and
          not os.path.exists(os.path.join(d, "p")), "bad scenario rejected")


if __name__ == "__main__":
    t0 = time.time()
    rc = main()
    print("selftest_mock: %.1f s" % (time.time() - t0))
    sys.exit(rc)
