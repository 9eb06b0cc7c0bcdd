#!/usr/bin/env python3
"""MCP server benchmark: `agent mcp` on the synthetic 1,000-tool agent that
bench/bake.py bakes, against a reference server written with the official
TypeScript SDK (bench/ref_server.mjs), side by side in one run.

    make bench            (or: python3 bench/mcp.py --build build)

This script only picks the inputs (the smallest file for read_skill_file, a
Python JSON-stdin tool) and hands them to the C driver, build/bench-mcp
(bench/mcp.c), which measures, checks every reply and prints the table. It
exits non-zero on a crash or protocol error only, never on a missed target.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, **kw).stdout


def smallest_file(corpus):
    """(skill, path, expected text) of the smallest script: a small reply."""
    best = None
    for skill in sorted(os.listdir(corpus)):
        d = os.path.join(corpus, skill, "scripts")
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            size = os.path.getsize(os.path.join(d, f))
            if best is None or size < best[0]:
                best = (size, skill, f)
    if not best:
        sys.exit("bench: no scripts in the corpus")
    _, skill, f = best
    stem = os.path.splitext(f)[0]  # plain text, so the same in the JSON reply
    with open(os.path.join(corpus, skill, "scripts", f)) as fh:
        if stem not in fh.read():
            sys.exit(f"bench: {skill}/scripts/{f} does not name itself")
    return skill, f"scripts/{f}", stem


def python_tool(agent, corpus):
    """The first Python tool that reads its arguments as JSON on stdin."""
    doc = json.loads(sh([agent, "list", "--json"]))
    for s in doc["skills"]:
        for t in s["tools"]:
            info = json.loads(sh([agent, "show", t["name"], "--json"]))
            path = os.path.join(corpus, info["skill"], info["script"])
            if not path.endswith(".py"):
                continue
            with open(path) as fh:
                if "json.load(sys.stdin)" not in fh.read():
                    continue
            schema = info["inputSchema"]
            args = {k: "hello" for k in schema.get("required", [])
                    if schema["properties"][k].get("type") == "string"}
            if len(args) != len(schema.get("required", [])):
                continue
            stem = os.path.splitext(os.path.basename(info["script"]))[0]
            return t["name"], info["skill"], info["script"], json.dumps(args), stem
    sys.exit("bench: no Python JSON-stdin tool in the agent")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=30, help="cold starts of each server")
    ap.add_argument("--jobs", type=int, default=16, help="--jobs and calls in flight, Python tool")
    a = ap.parse_args()
    build = os.path.abspath(os.path.join(ROOT, a.build))
    corpus = os.path.join(build, "bench-corpus")
    agent = os.path.join(build, "bench-agent")
    driver = os.path.join(build, "bench-mcp")
    if not os.path.exists(os.path.join(corpus, ".corpus-ok")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench/corpus.py"), corpus],
                       check=True, stdout=subprocess.DEVNULL)
    # A no-op after bench/bake.py; bakes the agent when run alone. The target
    # is named as the Makefile names it (relative), or make finds no rule for
    # an existing file and would never relink it.
    subprocess.run(["make", "--no-print-directory", "-C", ROOT, f"BUILD={a.build}",
                    f"SKILLS={corpus}", "AGENT=bench-agent", f"{a.build}/bench-agent"], check=True,
                   stdout=subprocess.DEVNULL)

    env = dict(os.environ)
    # A private extraction cache, emptied so the run does not depend on the last.
    cache = os.path.join(build, "bench-mcp-cache")
    shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(cache)
    env["XDG_CACHE_HOME"] = cache
    # Both the agent and the direct runs find python3 on PATH; put the real
    # interpreter first so neither pays for a version manager's shell shim.
    env["PATH"] = os.path.dirname(os.path.realpath(sys.executable)) + os.pathsep + env["PATH"]
    env.setdefault("MCP_SDK_DIR", os.path.join(build, "npm"))

    skill, path, file_expect = smallest_file(corpus)
    tool, tool_skill, script, args, stem = python_tool(agent, corpus)
    cmd = [driver, "--agent", agent, "--runs", str(a.runs), "--jobs", str(a.jobs),
           "--file", f"{skill}:{path}", "--file-expect", file_expect,
           "--tool", tool, "--args", args, "--skill-dir", os.path.join(corpus, tool_skill),
           "--script", script, "--expect", stem]
    node = shutil.which("node", path=env["PATH"])
    sdk = os.path.join(env["MCP_SDK_DIR"], "node_modules", "@modelcontextprotocol", "sdk")
    if node and os.path.isdir(sdk):
        cmd += ["--node", node, "--ref", os.path.join(ROOT, "bench", "ref_server.mjs")]
    else:
        print(f"bench: no node or no MCP SDK in {sdk}: the reference server is skipped")
    sys.stdout.flush()
    sys.exit(subprocess.run(cmd, env=env).returncode)


if __name__ == "__main__":
    main()
