#!/usr/bin/env python3
"""Bake benchmark: a synthetic 200-skill, 1,000-script corpus with 50 MiB of
assets, timed through the same make targets a user runs.

    make bench            (or: python3 bench/bake.py --build build)

Prints each figure beside its target. Times are medians of several runs;
this machine is shared, so compare figures taken in the same run.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    """Run cmd; return (seconds, stdout bytes)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    out, err = p.communicate()
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}):\n{err.decode(errors='replace')}")
    return dt, out


def run_rss(cmd, stdin_data=None, cwd=None, env=None):
    """Run cmd (stdin from stdin_data); return (seconds, rusage peak KiB, stdout).
    The peak includes this forked Python image: use peak_rss() for RSS."""
    r, w = os.pipe()
    ir, iw = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(ir, 0)
        os.dup2(w, 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        for fd in (r, w, ir, iw, devnull):
            os.close(fd)
        if cwd:
            os.chdir(cwd)
        try:
            if env is not None:
                os.execvpe(cmd[0], cmd, env)
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(w)
    os.close(ir)
    if stdin_data:
        os.write(iw, stdin_data)
    os.close(iw)
    chunks = []
    while True:
        b = os.read(r, 1 << 16)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    dt = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {os.waitstatus_to_exitcode(status)}")
    return dt, ru.ru_maxrss, b"".join(chunks)


def rss_and_time(build, cmd):
    """Peak RSS in KiB and wall seconds of cmd, measured by bench/rss.c."""
    p = subprocess.run([os.path.join(build, "bench-rss"), *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=True)
    kib, us = p.stderr.decode().strip().splitlines()[-1].split()
    return int(kib), int(us) / 1e6


def peak_rss(build, cmd):
    """Peak RSS in KiB of cmd, measured by bench/rss.c."""
    return rss_and_time(build, cmd)[0]


def make(build, corpus, agent, *extra):
    return ["make", "--no-print-directory", "-C", ROOT, f"BUILD={build}", f"SKILLS={corpus}",
            f"AGENT={agent}", *extra]


def median_time(cmd, n):
    return statistics.median(run(cmd)[0] for _ in range(n))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    build = os.path.abspath(os.path.join(ROOT, a.build))
    corpus = os.path.join(build, "bench-corpus")
    bare = os.path.join(build, "bench-corpus-noassets")
    for out, mib in ((corpus, 50), (bare, 0)):
        if not os.path.exists(os.path.join(out, ".corpus-ok")):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench/corpus.py"), out,
                            "--skills", "200", "--scripts", "1000", "--assets-mib", str(mib)],
                           check=True, stdout=subprocess.DEVNULL)
    skillc = os.path.join(build, "skillc")
    agent = os.path.join(build, "bench-agent")
    figures = []

    def fig(name, value, unit, target, ok):
        figures.append((name, value, unit, target, ok))
        print(f"  {name:<44} {value:>9.3f} {unit:<4} target {target:<10} {'ok' if ok else 'MISSED'}",
              flush=True)

    print(f"bake benchmark: 200 skills, 1000 scripts, 50 MiB assets; medians of {a.runs} runs")

    # Full bake: generator, compile, assemble, link, from a clean output dir.
    def clean(name):
        shutil.rmtree(os.path.join(build, f"gen-{name}"), ignore_errors=True)
        for f in (os.path.join(build, name),):
            if os.path.exists(f):
                os.unlink(f)

    full, bare_t = [], []
    for _ in range(max(1, a.runs // 2)):
        clean("bench-agent")
        full.append(run(make(a.build, corpus, "bench-agent"))[0])
        clean("bench-bare")
        bare_t.append(run(make(a.build, bare, "bench-bare"))[0])
    full_m = statistics.median(full)
    fig("full bake (skills -> binary)", full_m, "s", "<= 15 s", full_m <= 15)
    gen = median_time([skillc, "-o", os.path.join(build, "bench-gen-only"), corpus], a.runs)
    fig("generator alone", gen, "s", "<= 1 s", gen <= 1)
    noop = median_time(make(a.build, corpus, "bench-agent"), a.runs)
    fig("no-op make", noop, "s", "<= 0.3 s", noop <= 0.3)
    scripts = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(corpus) for f in fs
                     if f.endswith(".py") and "/scripts/" in os.path.join(dp, f))
    touched = []
    for i in range(a.runs):
        os.utime(scripts[i * 7 % len(scripts)])
        touched.append(run(make(a.build, corpus, "bench-agent"))[0])
    t1 = statistics.median(touched)
    fig("touch one script, rebuild", t1, "s", "<= 3 s", t1 <= 3)
    assets = full_m - statistics.median(bare_t)
    fig("cost of the 50 MiB of assets", assets, "s", "<= 2 s", assets <= 2)

    # The baked agent. Peak RSS comes from bench/rss.c, a small C parent, so
    # it is the agent's own and not a forked copy of this Python process.
    doc = json.loads(run([agent, "list", "--json"])[1])
    n_tools = sum(len(s["tools"]) for s in doc["skills"])
    lm = statistics.median(rss_and_time(build, [agent, "list", "--json"])[1]
                           for _ in range(max(20, a.runs * 4))) * 1000
    rss = max(peak_rss(build, [agent, "list", "--json"]) for _ in range(5)) / 1024
    fig(f"list --json ({n_tools} tools)", lm, "ms", "<= 5 ms", lm <= 5)
    fig("list --json peak RSS", rss, "MiB", "<= 10 MiB", rss <= 10)

    # call on a Python JSON-stdin tool against the interpreter run directly,
    # interleaved so both see the same machine.
    tool = next(t for s in doc["skills"] for t in s["tools"]
                if json.loads(run([agent, "show", t["name"], "--json"])[1])["script"].endswith(".py")
                and "json" in run([agent, "show", t["name"]])[1].decode())
    info = json.loads(run([agent, "show", tool["name"], "--json"])[1])
    props = info["inputSchema"].get("properties", {})
    args = {k: "hello" for k, v in props.items() if v.get("type") == "string"
            and k in info["inputSchema"].get("required", [])}
    arg_json = json.dumps(args)
    run_rss([agent, "call", tool["name"], "--json", arg_json])  # extract once
    cache = os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache"))
    skill = tool["name"].split("__")[0]
    skill_dir = next((os.path.join(cache, "skillc", d) for d in os.listdir(os.path.join(cache, "skillc"))
                      if os.path.exists(os.path.join(cache, "skillc", d, info["script"]))
                      and os.path.exists(os.path.join(cache, "skillc", d, "SKILL.md"))
                      and open(os.path.join(cache, "skillc", d, "SKILL.md")).read().find(f"name: {skill}\n") >= 0),
                     None)
    if not skill_dir:
        sys.exit("bench: cannot find the extracted skill directory")
    # The agent's call runs the tool in the sandbox (the default); the same
    # call with SKILLC_SANDBOX=off, in the same rounds, prices the sandbox.
    via, off, direct = [], [], []
    env_off = dict(os.environ, SKILLC_SANDBOX="off")
    for _ in range(max(30, a.runs * 6)):
        via.append(run_rss([agent, "call", tool["name"], "--json", arg_json])[0])
        off.append(run_rss([agent, "call", tool["name"], "--json", arg_json], env=env_off)[0])
        direct.append(run_rss(["python3", info["script"]], stdin_data=(arg_json + "\n").encode(),
                              cwd=skill_dir)[0])
    vm, om, dm = (statistics.median(x) * 1000 for x in (via, off, direct))
    over = (vm - dm) / dm * 100
    print(f"  call {tool['name']}: {vm:.2f} ms via agent (sandboxed), {om:.2f} ms unconfined, "
          f"{dm:.2f} ms direct")
    fig("call overhead against python3 directly", over, "%", "<= 5 %", over <= 5)
    print(f"  sandbox cost on that call: {vm - om:.2f} ms (a Python start-up's noise is larger)")
    # The sandbox's own cost per call, where the tool's noise does not hide
    # it: a Bash tool, sandboxed and not, in alternate runs.
    sh = next(t for s in doc["skills"] for t in s["tools"]
              if json.loads(run([agent, "show", t["name"], "--json"])[1])["script"].endswith(".sh"))
    sh_info = json.loads(run([agent, "show", sh["name"], "--json"])[1])
    sh_args = json.dumps({k: "hello" for k, v in sh_info["inputSchema"].get("properties", {}).items()
                          if v.get("type") == "string"
                          and k in sh_info["inputSchema"].get("required", [])})
    s_on, s_off = [], []
    for _ in range(max(60, a.runs * 12)):
        s_on.append(run_rss([agent, "call", sh["name"], "--json", sh_args])[0])
        s_off.append(run_rss([agent, "call", sh["name"], "--json", sh_args], env=env_off)[0])
    son, soff = (statistics.median(x) * 1000 for x in (s_on, s_off))
    print(f"  call {sh['name']}: {son:.2f} ms sandboxed, {soff:.2f} ms unconfined")
    fig("sandbox cost per call", son - soff, "ms", "<= 2 ms", son - soff <= 2)
    missed = [f[0] for f in figures if not f[4]]
    print("all targets met" if not missed else f"missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
