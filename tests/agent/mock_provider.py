#!/usr/bin/env python3
"""A scripted mock of the OpenAI, Anthropic and Gemini HTTP APIs for the
agent's end-to-end tests. Standard library only.

Usage:
  mock_provider.py --scenario FILE --log FILE --port-file FILE
                   [--max-seconds N] [--verbose]

Each request consumes the next step of the scenario (see README.md in this
directory) and is answered in the wire format of the provider its path names.
Every request is logged as one JSON line.
"""

import argparse
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

STEP_KINDS = ("reply", "status", "error_event", "raw")


def eprint(*a):
    print("mock_provider:", *a, file=sys.stderr, flush=True)


def split_n(s, n):
    """s cut into at most n nonempty pieces of nearly equal length; [s]
    when s is empty, so that an empty value still yields one event."""
    if n < 1:
        n = 1
    if not s:
        return [s]
    n = min(n, len(s))
    q, r = divmod(len(s), n)
    out, i = [], 0
    for k in range(n):
        m = q + (1 if k < r else 0)
        out.append(s[i:i + m])
        i += m
    return out


def dumps(o):
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


class Reply:
    """A REPLY object, normalised."""

    def __init__(self, r):
        if not isinstance(r, dict):
            raise ValueError("'reply' must be an object")
        chunks = r.get("text_chunks")
        if chunks is not None:
            if not isinstance(chunks, list) or not all(isinstance(c, str) for c in chunks):
                raise ValueError("'text_chunks' must be a list of strings")
        text = r.get("text")
        if text is None:
            text = "".join(chunks) if chunks else ""
        if not isinstance(text, str):
            raise ValueError("'text' must be a string")
        self.text = text
        self.text_chunks = chunks if chunks else (split_n(text, 3) if text else [])
        self.text_signature = r.get("text_signature")
        self.args_chunks = int(r.get("args_chunks", 3))
        u = r.get("usage") or {}
        self.input = int(u.get("input", 0))
        self.output = int(u.get("output", 0))
        self.stop = r.get("stop")
        self.calls = []
        for i, c in enumerate(r.get("tool_calls") or []):
            if not isinstance(c, dict) or not isinstance(c.get("name"), str):
                raise ValueError("each tool call needs a string 'name'")
            a = c.get("arguments", "{}")
            raw = a if isinstance(a, str) else dumps(a)
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
            self.calls.append({
                "id": c.get("id") or "call_%d" % (i + 1),
                "name": c["name"],
                "raw": raw,
                # Anthropic and Gemini carry arguments as an object.
                "obj": parsed if isinstance(parsed, dict) else {},
                "signature": c.get("signature"),
                "gemini_id": bool(c.get("gemini_id")),
            })


# ---------------------------------------------------------------- renderers
# Each returns (plain_body_dict, [event bytes]) for one reply.

def sse(data, event=None, crlf=False):
    nl = "\r\n" if crlf else "\n"
    s = ""
    if event:
        s += "event: " + event + nl
    s += "data: " + (data if isinstance(data, str) else dumps(data)) + nl + nl
    return s.encode("utf-8")


def render_openai(rep, req_body, stream):
    model = req_body.get("model") if isinstance(req_body.get("model"), str) else "mock-model"
    finish = rep.stop or ("tool_calls" if rep.calls else "stop")
    created = 1700000000
    usage = {"prompt_tokens": rep.input, "completion_tokens": rep.output,
             "total_tokens": rep.input + rep.output}
    if not stream:
        msg = {"role": "assistant", "content": rep.text if (rep.text or not rep.calls) else None,
               "refusal": None}
        if rep.calls:
            msg["tool_calls"] = [{"id": c["id"], "type": "function",
                                  "function": {"name": c["name"], "arguments": c["raw"]}}
                                 for c in rep.calls]
        return {"id": "chatcmpl-mock", "object": "chat.completion", "created": created,
                "model": model,
                "choices": [{"index": 0, "message": msg, "logprobs": None,
                             "finish_reason": finish}],
                "usage": usage}, None
    so = req_body.get("stream_options")
    inc = isinstance(so, dict) and so.get("include_usage") is True
    evs = []

    def chunk(delta, fin=None):
        o = {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": created,
             "model": model,
             "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": fin}]}
        if inc:
            o["usage"] = None
        evs.append(sse(o))

    chunk({"role": "assistant", "content": "", "refusal": None})
    for t in rep.text_chunks:
        chunk({"content": t})
    for i, c in enumerate(rep.calls):
        chunk({"tool_calls": [{"index": i, "id": c["id"], "type": "function",
                               "function": {"name": c["name"], "arguments": ""}}]})
        for piece in split_n(c["raw"], rep.args_chunks):
            if piece:
                chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
    chunk({}, finish)
    if inc:
        evs.append(sse({"id": "chatcmpl-mock", "object": "chat.completion.chunk",
                        "created": created, "model": model, "choices": [], "usage": usage}))
    evs.append(sse("[DONE]"))
    return None, evs


def render_anthropic(rep, req_body, stream):
    model = req_body.get("model") if isinstance(req_body.get("model"), str) else "mock-model"
    stop = rep.stop or ("tool_use" if rep.calls else "end_turn")
    if not stream:
        content = []
        if rep.text:
            content.append({"type": "text", "text": rep.text})
        for c in rep.calls:
            content.append({"type": "tool_use", "id": c["id"], "name": c["name"],
                            "input": c["obj"]})
        return {"id": "msg_mock", "type": "message", "role": "assistant", "model": model,
                "content": content, "stop_reason": stop, "stop_sequence": None,
                "usage": {"input_tokens": rep.input, "output_tokens": rep.output}}, None
    evs = [sse({"type": "message_start",
                "message": {"id": "msg_mock", "type": "message", "role": "assistant",
                            "model": model, "content": [], "stop_reason": None,
                            "stop_sequence": None,
                            "usage": {"input_tokens": rep.input, "output_tokens": 1}}},
               "message_start")]
    ping = sse({"type": "ping"}, "ping")
    pinged = False
    idx = 0
    if rep.text_chunks:
        evs.append(sse({"type": "content_block_start", "index": idx,
                        "content_block": {"type": "text", "text": ""}}, "content_block_start"))
        evs.append(ping)
        pinged = True
        for t in rep.text_chunks:
            evs.append(sse({"type": "content_block_delta", "index": idx,
                            "delta": {"type": "text_delta", "text": t}}, "content_block_delta"))
        evs.append(sse({"type": "content_block_stop", "index": idx}, "content_block_stop"))
        idx += 1
    for c in rep.calls:
        evs.append(sse({"type": "content_block_start", "index": idx,
                        "content_block": {"type": "tool_use", "id": c["id"], "name": c["name"],
                                          "input": {}}}, "content_block_start"))
        if not pinged:
            evs.append(ping)
            pinged = True
        for piece in split_n(c["raw"], rep.args_chunks):
            evs.append(sse({"type": "content_block_delta", "index": idx,
                            "delta": {"type": "input_json_delta", "partial_json": piece}},
                           "content_block_delta"))
        evs.append(sse({"type": "content_block_stop", "index": idx}, "content_block_stop"))
        idx += 1
    if not pinged:
        evs.append(ping)
    evs.append(sse({"type": "message_delta",
                    "delta": {"stop_reason": stop, "stop_sequence": None},
                    "usage": {"output_tokens": rep.output}}, "message_delta"))
    evs.append(sse({"type": "message_stop"}, "message_stop"))
    return None, evs


def render_gemini(rep, model, stream):
    finish = rep.stop or "STOP"
    usage = {"promptTokenCount": rep.input, "candidatesTokenCount": rep.output,
             "totalTokenCount": rep.input + rep.output}

    def text_part(t, last):
        p = {"text": t}
        if last and rep.text_signature:
            p["thoughtSignature"] = rep.text_signature
        return p

    call_parts = []
    for c in rep.calls:
        fc = {"name": c["name"], "args": c["obj"]}
        if c["gemini_id"]:
            fc["id"] = c["id"]
        p = {"functionCall": fc}
        if c["signature"]:
            p["thoughtSignature"] = c["signature"]
        call_parts.append(p)

    def resp(parts, last):
        cand = {"content": {"role": "model", "parts": parts}, "index": 0}
        o = {"candidates": [cand], "modelVersion": model}
        if last:
            cand["finishReason"] = finish
            o["usageMetadata"] = usage
        return o

    if not stream:
        parts = [text_part(rep.text, True)] if rep.text else []
        return resp(parts + call_parts, True), None
    chunks = []
    n = len(rep.text_chunks)
    for i, t in enumerate(rep.text_chunks):
        chunks.append([text_part(t, i == n - 1)])
    if call_parts:
        chunks.append(call_parts)
    if not chunks:
        chunks.append([{"text": ""}])
    docs = [resp(p, i == len(chunks) - 1) for i, p in enumerate(chunks)]
    return docs, None


# ------------------------------------------------------------------- server

class State:
    def __init__(self, steps, log_path):
        self.steps = steps
        self.cursor = 0
        self.seq = 0
        self.lock = threading.Lock()
        self.log = open(log_path, "a", encoding="utf-8")

    def next_step(self):
        """(index, step), or (index, None) when the scenario is exhausted."""
        with self.lock:
            i = self.cursor
            if i < len(self.steps):
                self.cursor += 1
                return i, self.steps[i]
            return i, None

    def write_log(self, rec):
        with self.lock:
            rec["seq"] = self.seq
            self.seq += 1
            self.log.write(dumps(rec) + "\n")
            self.log.flush()


class ClientGone(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Small writes (headers, then body) on a kept-alive connection would wait
    # out the client's delayed ACK without this: 40 ms a request.
    disable_nagle_algorithm = True
    server_version = "mock-provider/1"
    sys_version = ""

    # -- plumbing

    def log_message(self, fmt, *args):
        if self.server.verbose:
            eprint("%s %s" % (self.address_string(), fmt % args))

    def log_error(self, fmt, *args):
        eprint(fmt % args)

    def read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = b""
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline(65537)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError) as e:
            raise ClientGone(str(e))

    def head(self, status, headers, length=None, chunked=False, close=False):
        self.send_response(status)
        have = {k.lower() for k in headers}
        for k, v in headers.items():
            self.send_header(k, str(v))
        if length is not None and "content-length" not in have:
            self.send_header("Content-Length", str(length))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        try:
            self.end_headers()
        except OSError as e:
            raise ClientGone(str(e))

    def plain(self, status, body, headers=None, ctype="application/json"):
        h = {"Content-Type": ctype}
        if headers:
            h = {k: v for k, v in h.items() if k.lower() not in {x.lower() for x in headers}}
            h.update(headers)
        if isinstance(body, (dict, list)):
            data = dumps(body).encode("utf-8")
        elif body is None:
            data = b""
        else:
            data = str(body).encode("utf-8")
        self.head(status, h, length=len(data))
        self.send(data)

    def hard_close(self, rst=False):
        self.close_connection = True
        try:
            if rst:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- routing

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def route(self, path, query):
        """(provider, stream-from-path or None, gemini model) or None."""
        if self.command != "POST":
            return None
        if path in ("/v1/chat/completions", "/chat/completions"):
            return "openai", None, None
        if path == "/v1/messages":
            return "anthropic", None, None
        pre = "/v1beta/models/"
        if path.startswith(pre):
            rest = unquote(path[len(pre):])
            for suffix, st in ((":generateContent", False), (":streamGenerateContent", True)):
                if rest.endswith(suffix) and len(rest) > len(suffix) and "/" not in rest:
                    return "gemini", st, rest[:-len(suffix)]
        return None

    def dispatch(self):
        try:
            self.dispatch_inner()
        except ClientGone as e:
            self.close_connection = True
            if self.server.verbose:
                eprint("client went away: %s" % e)
        except Exception as e:  # never let one request kill the server
            self.close_connection = True
            eprint("internal error: %r" % e)
            try:
                self.plain(500, {"error": {"message": "mock: internal error: %s" % e}})
            except Exception:
                pass

    def dispatch_inner(self):
        path, _, query = self.path.partition("?")
        raw = self.read_body()
        text = raw.decode("utf-8", errors="replace")
        try:
            body = json.loads(text) if text else {}
        except ValueError:
            body = {"_raw": text}
        rec = {"provider": None, "stream": False, "method": self.command, "path": path,
               "query": query, "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body}
        r = self.route(path, query)
        if r is None:
            rec["step"] = None
            self.server.state.write_log(rec)
            self.plain(404, {"error": {"message": "mock: no route for %s %s" % (self.command, path)}})
            return
        prov, st, gmodel = r
        if st is None:
            stream = isinstance(body, dict) and body.get("stream") is True
        else:
            stream = st
        gem_sse = prov == "gemini" and stream and "alt=sse" in query.split("&")
        rec["provider"] = prov
        rec["stream"] = stream
        idx, step = self.server.state.next_step()
        rec["step"] = idx if step is not None else None
        if step is None:
            rec["exhausted"] = True
            self.server.state.write_log(rec)
            self.plain(500, {"error": {"message": "mock: scenario exhausted"}})
            return
        mm = check_expect(step.get("expect"), prov, path, query, stream, text, rec["headers"])
        if mm:
            rec["mismatch"] = mm
            self.server.state.write_log(rec)
            eprint("step %d: %s" % (idx, mm))
            self.plain(500, {"error": {"message": "mock: " + mm}})
            return
        self.server.state.write_log(rec)
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        ctx = {"prov": prov, "stream": stream, "body": body if isinstance(body, dict) else {},
               "gmodel": gmodel, "gem_sse": gem_sse}
        if "status" in step:
            self.do_status(step)
        elif "raw" in step:
            self.do_raw(step["raw"], ctx)
        elif "error_event" in step:
            self.do_error_event(step, ctx)
        else:
            self.do_reply(step, ctx)

    # -- step kinds

    def do_status(self, step):
        body = step.get("body")
        ctype = "application/json" if isinstance(body, (dict, list)) else "text/plain"
        self.plain(int(step["status"]), body, step.get("headers") or {}, ctype)

    def do_raw(self, raw, ctx):
        headers = dict(raw.get("headers") or {})
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "text/event-stream" if ctx["stream"] else "application/json"
        chunks = [c.encode("utf-8") if isinstance(c, str) else bytes(c)
                  for c in raw.get("chunks") or []]
        delay = float(raw.get("delay") or 0)
        status = int(raw.get("status", 200))
        # A given Content-Length means the chunks are sent unframed.
        if any(k.lower() == "content-length" for k in headers):
            self.head(status, headers, close=True)
            for i, c in enumerate(chunks):
                if i and delay:
                    time.sleep(delay)
                self.send(c)
            self.hard_close()
            return
        w = EventWriter(self, step_framing(raw, self))
        w.start(status, headers)
        for i, c in enumerate(chunks):
            if i and delay:
                time.sleep(delay)
            w.event(c)
        w.finish()

    def do_error_event(self, step, ctx):
        err = step["error_event"]
        prov = ctx["prov"]
        if not ctx["stream"]:
            body = {"type": "error", "error": err} if prov == "anthropic" else {"error": err}
            self.plain(200, body)
            return
        if prov == "anthropic":
            _, evs = render_anthropic(Reply({}), ctx["body"], True)
            evs = [evs[0], sse({"type": "error", "error": err}, "error")]
        elif prov == "gemini":
            evs = [sse({"error": err}, crlf=True)]
        else:
            evs = [sse({"error": err})]
        self.stream_events(step, evs)

    def do_reply(self, step, ctx):
        rep = step["_reply"]
        prov = ctx["prov"]
        if prov == "openai":
            doc, evs = render_openai(rep, ctx["body"], ctx["stream"])
        elif prov == "anthropic":
            doc, evs = render_anthropic(rep, ctx["body"], ctx["stream"])
        else:
            docs, _ = render_gemini(rep, ctx["gmodel"], ctx["stream"])
            doc, evs = docs, None
            if ctx["stream"]:
                if ctx["gem_sse"]:
                    doc, evs = None, [sse(d, crlf=True) for d in docs]
                # Without alt=sse Gemini streams one JSON array.
        if evs is None:
            self.plain_reply(step, doc)
        else:
            self.stream_events(step, evs)

    def plain_reply(self, step, doc):
        data = dumps(doc).encode("utf-8")
        if "drop_after" in step:
            self.head(200, {"Content-Type": "application/json"}, length=len(data) + 64)
            self.send(data[:len(data) // 2])
            self.hard_close(bool(step.get("drop_rst")))
            return
        if "stall_after" in step:
            self.head(200, {"Content-Type": "application/json"}, length=len(data))
            time.sleep(float(step.get("stall_seconds", 5)))
            self.hard_close()
            return
        self.head(200, {"Content-Type": "application/json"}, length=len(data))
        self.send(data)

    def stream_events(self, step, evs):
        w = EventWriter(self, step_framing(step, self))
        w.start(200, {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        if "drop_after" in step:
            for e in evs[:int(step["drop_after"])]:
                w.event(e)
            self.hard_close(bool(step.get("drop_rst")))
            return
        if "stall_after" in step:
            for e in evs[:int(step["stall_after"])]:
                w.event(e)
            time.sleep(float(step.get("stall_seconds", 5)))
            self.hard_close()
            return
        for e in evs:
            w.event(e)
        w.finish()


def step_framing(step, handler):
    f = step.get("framing", "chunked")
    if handler.request_version != "HTTP/1.1":
        f = "close"
    return f


class EventWriter:
    """Writes a streamed body: HTTP chunks (keep-alive survives) or, with
    framing "close", bare bytes ended by closing the connection."""

    def __init__(self, h, framing):
        self.h = h
        self.chunked = framing != "close"

    def start(self, status, headers):
        self.h.head(status, headers, chunked=self.chunked, close=not self.chunked)

    def event(self, data):
        if not data:
            return  # an empty HTTP chunk would end the body
        if self.chunked:
            self.h.send(b"%x\r\n" % len(data) + data + b"\r\n")
        else:
            self.h.send(data)

    def finish(self):
        if self.chunked:
            self.h.send(b"0\r\n\r\n")
        else:
            self.h.hard_close()


def check_expect(exp, prov, path, query, stream, text, headers):
    """A sentence saying how the request differs from `expect`, or None."""
    if not exp:
        return None
    bad = []
    if "provider" in exp and exp["provider"] != prov:
        bad.append("provider %r, got %r" % (exp["provider"], prov))
    if "path_contains" in exp and exp["path_contains"] not in path + ("?" + query if query else ""):
        bad.append("path containing %r, got %r" % (exp["path_contains"], path))
    if "stream" in exp and bool(exp["stream"]) != stream:
        bad.append("stream %s, got %s" % (bool(exp["stream"]), stream))
    bc = exp.get("body_contains")
    for s in ([bc] if isinstance(bc, str) else bc or []):
        if s not in text:
            bad.append("body containing %r" % s)
    for k, v in (exp.get("headers") or {}).items():
        got = headers.get(k.lower())
        if got != v:
            bad.append("header %s: %r, got %r" % (k.lower(), v, got))
    if not bad:
        return None
    return "expected " + "; ".join(bad)


def load_scenario(path):
    with open(path, encoding="utf-8") as f:
        sc = json.load(f)
    steps = sc.get("steps") if isinstance(sc, dict) else None
    if not isinstance(steps, list):
        raise ValueError("a scenario is an object with a 'steps' list")
    for i, s in enumerate(steps):
        if not isinstance(s, dict):
            raise ValueError("step %d is not an object" % i)
        kinds = [k for k in STEP_KINDS if k in s]
        if len(kinds) != 1:
            raise ValueError("step %d needs exactly one of %s" % (i, ", ".join(STEP_KINDS)))
        try:
            if "reply" in s:
                s["_reply"] = Reply(s["reply"])
            elif "status" in s:
                int(s["status"])
            elif "error_event" in s and not isinstance(s["error_event"], dict):
                raise ValueError("'error_event' must be an object")
            elif "raw" in s and not isinstance(s["raw"], dict):
                raise ValueError("'raw' must be an object")
        except (ValueError, TypeError) as e:
            raise ValueError("step %d: %s" % (i, e))
    return steps


def main():
    ap = argparse.ArgumentParser(description="mock LLM provider for end-to-end tests")
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0, help="0: ephemeral")
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    try:
        steps = load_scenario(a.scenario)
    except (OSError, ValueError) as e:
        eprint("bad scenario '%s': %s" % (a.scenario, e))
        return 2

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.state = State(steps, a.log)
    srv.verbose = a.verbose
    srv.handle_error = lambda req, addr: eprint("error serving %s: %r" % (addr, sys.exc_info()[1]))

    stop = threading.Event()
    why = []

    def on_signal(signum, frame):
        why.append(signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    tmp = a.port_file + ".tmp.%d" % os.getpid()
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, a.port_file)

    if not stop.wait(a.max_seconds):
        eprint("stopping after --max-seconds %g" % a.max_seconds)
    srv.shutdown()
    srv.server_close()
    srv.state.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
