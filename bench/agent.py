#!/usr/bin/env python3
"""Agent loop benchmark: a 50-turn `agent chat` session against the mock
provider (tests/agent/mock_provider.py) on loopback.

    make bench            (or: python3 bench/agent.py --build build)

Each turn the model activates a skill or reads a skill file, calls a real
script tool (json-tools__json_format on a small file), then answers: three
provider requests and two tool calls per turn, streamed, with the session
appended to a --session file after every step.

From the agent's --trace it takes, per task, the wall time less the time
spent in provider requests (request_end.latency_us: the mock's own work and
the loopback) and in tool processes (tool_end.duration_us): what is left is
the runtime's overhead, reported per agent turn (one model request and the
tool calls it asks for) and per task. The peak RSS is the agent's own (VmHWM), read
when the last turn is done. Exits non-zero only when the run itself fails.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TURNS = 50


def scenario(turns, data_file):
    steps = []
    for i in range(turns):
        first = {"name": "activate_skill", "arguments": {"name": "json-tools"}} if i == 0 else \
            {"name": "read_skill_file", "arguments": {"skill": "json-tools", "path": "SKILL.md"}}
        steps.append({"reply": {"text": f"Turn {i}: looking.", "tool_calls": [dict(first, id=f"a{i}")],
                                "usage": {"input": 1000 + 50 * i, "output": 20}}})
        steps.append({"reply": {"tool_calls": [{"id": f"b{i}", "name": "json-tools__json_format",
                                                "arguments": {"file": data_file, "sort_keys": True}}],
                                "usage": {"input": 1100 + 50 * i, "output": 30}}})
        steps.append({"reply": {"text": f"Answer {i}: the file is valid JSON with keys a and b. " * 4,
                                "usage": {"input": 1200 + 50 * i, "output": 60}}})
    return {"steps": steps}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--turns", type=int, default=TURNS)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    agent = os.path.join(build, "agent")
    if not os.access(agent, os.X_OK):
        sys.exit(f"bench: {agent} is missing (run make bench)")

    tmp = tempfile.mkdtemp(prefix="skillc-bench-agent-")
    mock = None
    try:
        data = os.path.join(tmp, "data.json")
        with open(data, "w") as f:
            json.dump({"b": [1, 2, 3], "a": {"x": "y"}}, f)
        with open(os.path.join(tmp, "scenario.json"), "w") as f:
            json.dump(scenario(a.turns, data), f)
        port_file = os.path.join(tmp, "port")
        mock = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/agent/mock_provider.py"),
                                 "--scenario", os.path.join(tmp, "scenario.json"),
                                 "--log", os.path.join(tmp, "requests.jsonl"),
                                 "--port-file", port_file, "--max-seconds", "600"])
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if time.time() > deadline or mock.poll() is not None:
                sys.exit("bench: the mock provider did not start")
            time.sleep(0.02)
        port = open(port_file).read().strip()

        trace = os.path.join(tmp, "trace.jsonl")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
               "XDG_CACHE_HOME": os.path.join(tmp, "cache"), "ANTHROPIC_API_KEY": "bench"}
        tasks = "".join(f"check {data} please, turn {i}\n" for i in range(a.turns))
        t0 = time.perf_counter()
        p = subprocess.Popen([agent, "chat", "--provider", "anthropic",
                              "--base-url", f"http://127.0.0.1:{port}", "--session",
                              os.path.join(tmp, "session.jsonl"), "--trace", trace],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=env, cwd=tmp)
        p.stdin.write(tasks.encode())
        p.stdin.flush()
        # The agent's own peak (VmHWM), read while it waits for more input:
        # the tool processes it ran are not counted, as wait4's would be.
        peak_kib = 0
        while p.poll() is None:
            if os.path.exists(trace) and open(trace).read().count('"turn_end"') >= a.turns:
                with open(f"/proc/{p.pid}/status") as f:
                    peak_kib = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
                break
            if time.perf_counter() - t0 > 300:
                p.kill()
                sys.exit("bench: the session did not finish in 300 s")
            time.sleep(0.05)
        p.stdin.close()
        err = p.stderr.read().decode(errors="replace").strip().splitlines()
        p.wait()
        wall = time.perf_counter() - t0
        if p.returncode != 0 or not peak_kib:
            sys.exit(f"bench: agent chat failed ({p.returncode}): {' '.join(err[-5:])}")

        events = [json.loads(line) for line in open(trace)]
        turns, cur = [], None
        for e in events:
            kind = e["event"]
            if kind == "turn_start":
                cur = {"start": e["t_us"], "provider": 0, "tools": 0, "requests": 0, "calls": 0}
            elif kind == "request_end":
                cur["provider"] += e["latency_us"]
                cur["requests"] += 1
            elif kind == "tool_end":
                cur["tools"] += e["duration_us"]
                cur["calls"] += 1
            elif kind == "turn_end":
                if e["exit"] != 0:
                    sys.exit(f"bench: turn {len(turns)} ended with {e['exit']}")
                cur["wall"] = e["t_us"] - cur["start"]
                turns.append(cur)
        if len(turns) != a.turns:
            sys.exit(f"bench: {len(turns)} turns in the trace, wanted {a.turns}")
        # An agent turn is one step of the loop: a model request and the tool
        # calls it asks for (what --max-iterations counts); a task here is three.
        task_over = sorted(t["wall"] - t["provider"] - t["tools"] for t in turns)
        over = sorted((t["wall"] - t["provider"] - t["tools"]) / t["requests"] for t in turns)
        prov = statistics.median(t["provider"] / t["requests"] for t in turns)
        tools = statistics.median(t["tools"] / max(t["calls"], 1) for t in turns)
        med = statistics.median(over)
        p95 = over[int(len(over) * 0.95) - 1]
        last = (turns[-1]["wall"] - turns[-1]["provider"] - turns[-1]["tools"]) / turns[-1]["requests"]
        reqs = sum(t["requests"] for t in turns)
        calls = sum(t["calls"] for t in turns)
        session_kib = os.path.getsize(os.path.join(tmp, "session.jsonl")) / 1024
        print(f"agent loop benchmark: {a.turns}-task chat session, {reqs} streamed requests, "
              f"{calls} tool calls, {wall:.2f} s in all")
        missed = []

        def fig(name, value, unit, target, ok):
            print(f"  {name:<52} {value:>9.3f} {unit:<4} target {target:<10} {'ok' if ok else 'MISSED'}")
            if not ok:
                missed.append(name)

        fig("runtime overhead per agent turn, median", med / 1000, "ms", "<= 1 ms", med <= 1000)
        fig("  95th percentile", p95 / 1000, "ms", "-", True)
        fig(f"  last turn ({session_kib:.0f} KiB of history re-sent)", last / 1000, "ms", "-", True)
        fig("runtime overhead per task (3 agent turns), median",
            statistics.median(task_over) / 1000, "ms", "-", True)
        print(f"  (excluded, medians: provider and loopback {prov / 1000:.2f} ms a request, "
              f"tool processes {tools / 1000:.2f} ms a call)")
        fig("peak RSS of the whole session", peak_kib / 1024, "MiB", "<= 20 MiB", peak_kib <= 20 * 1024)
        print("all targets met" if not missed else f"missed: {', '.join(missed)}")
    finally:
        if mock and mock.poll() is None:
            mock.send_signal(signal.SIGTERM)
            try:
                mock.wait(5)
            except subprocess.TimeoutExpired:
                mock.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
