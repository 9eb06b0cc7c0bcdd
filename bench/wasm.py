#!/usr/bin/env python3
"""WASM tools: a call against the same logic as a static C binary and as a
Python script, side by side; and what a bake costs per MB of wasm.

The logic is text-kit's digest (skills/text-kit/src/digest.c): SHA-256 of a
short text. Four ways to run it, taking turns in one run (bench-cmp):

  static C binary        digest.c built by musl-gcc -static, run directly
  WASM via agent call    the same C as a WASM tool of a baked agent
  Python via agent call  the same digest in Python, a script tool of it
  Python directly        that script run by python3

Target: the WASM call within 2x of the static C binary.

Bake cost: a generated C program of many functions is built to wasm, then
baked (skillc: check, strip, wasm2c) and its C compiled (cc -O2), each
timed and divided by the module's size.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PY_DIGEST = '''#!/usr/bin/env python3
"""The SHA-256 of a text, in hex."""
import hashlib, json, sys

args = json.load(sys.stdin)
text = args["text"].encode()
print(json.dumps({"algorithm": "sha256", "encoding": "hex", "bytes": len(text),
                  "digest": hashlib.sha256(text).hexdigest()}, separators=(",", ":")))
'''

PY_MANIFEST = '''tools:
  - name: digest
    script: scripts/digest.py
    args: json
    parameters:
      - {name: text, type: string, required: true}
'''


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        sys.exit("bench-wasm: %s failed:\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def big_c(n_funcs):
    """A C program whose code grows with n_funcs: each function mixes its
    input with its own constants, and main calls them all."""
    out = ["#include <stdio.h>", "#include <stdint.h>"]
    for i in range(n_funcs):
        out.append("__attribute__((noinline)) uint32_t f%d(uint32_t x) {" % i)
        out.append("  for (int k = 0; k < %d; k++) {" % (3 + i % 5))
        out.append("    x = (x ^ %du) * %du + (x >> %d);" % (i * 2654435761 % 2**32, 2 * i + 1,
                                                         1 + i % 13))
        out.append("    if (x %% %d == 0) x += %d; else x -= %d;" % (7 + i % 11, i, i % 17))
        out.append("  }")
        out.append("  return x;")
        out.append("}")
    out.append("int main(void) { uint32_t x = 1;")
    for i in range(n_funcs):
        out.append("  x = f%d(x);" % i)
    out.append('  printf("%u\\n", x); return 0; }')
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--funcs", type=int, default=3000, help="functions in the bake-cost module")
    a = ap.parse_args()
    build = os.path.abspath(os.path.join(ROOT, a.build))
    tmp = tempfile.mkdtemp(prefix="bench-wasm-")
    try:
        # The four ways to run the digest.
        src = os.path.join(ROOT, "skills", "text-kit")
        native = os.path.join(tmp, "digest-native")
        run(["musl-gcc", "-static", "-O2", "-o", native, os.path.join(src, "src", "digest.c")])
        skills = os.path.join(tmp, "skills")
        shutil.copytree(src, os.path.join(skills, "text-kit"),
                        ignore=shutil.ignore_patterns("*.wasm"))
        py = os.path.join(skills, "py-digest")
        os.makedirs(os.path.join(py, "scripts"))
        with open(os.path.join(py, "SKILL.md"), "w") as f:
            f.write("---\nname: py-digest\ndescription: The SHA-256 of a text, in Python, "
                    "for the WASM benchmark.\n---\nBenchmark only.\n")
        with open(os.path.join(py, "manifest.yml"), "w") as f:
            f.write(PY_MANIFEST)
        script = os.path.join(py, "scripts", "digest.py")
        with open(script, "w") as f:
            f.write(PY_DIGEST)
        os.chmod(script, 0o755)
        run(["make", "--no-print-directory", "-C", ROOT, "BUILD=" + build, "SKILLS=" + skills,
             "AGENT=bench-wasm", os.path.join(build, "bench-wasm")])
        agent = os.path.join(build, "bench-wasm")
        stdin = os.path.join(tmp, "in.json")
        with open(stdin, "w") as f:
            f.write('{"text":"abc"}')
        want = run([agent, "call", "text-kit__digest", "--arg", "text=abc"])
        assert "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" in want, want
        assert run([native], input='{"text":"abc"}') == want
        assert run([agent, "call", "py-digest__digest", "--arg", "text=abc"]) == want

        print("WASM tool call against the same logic natively and in Python "
              "(SHA-256 of 3 bytes; median of %d runs each, interleaved)" % a.runs)
        sys.stdout.flush()
        subprocess.run([os.path.join(build, "bench-cmp"), "-n", str(a.runs), "-i", stdin,
                        "static C binary, run directly=" + native,
                        "WASM tool via agent call=%s call text-kit__digest --arg text=abc" % agent,
                        "Python tool via agent call=%s call py-digest__digest --arg text=abc"
                        % agent,
                        "Python script, run directly=python3 " + script], check=True)
        print("  target: the WASM call within 2.00x of the static C binary")

        # Bake cost per MB of wasm.
        big = os.path.join(tmp, "big")
        plug = os.path.join(big, "big-wasm")
        os.makedirs(plug)
        with open(os.path.join(tmp, "big.c"), "w") as f:
            f.write(big_c(a.funcs))
        wasm = os.path.join(plug, "big.wasm")
        run(["clang", "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o", wasm,
             os.path.join(tmp, "big.c")])
        run(["wasm-strip", wasm])
        mb = os.path.getsize(wasm) / 1e6
        with open(os.path.join(plug, "manifest.toml"), "w") as f:
            f.write('name = "big-wasm"\nversion = "1"\ndescription = "A large module for the '
                    'bake benchmark."\ncapabilities = ["tool"]\nwasm_path = ["big.wasm"]\n')
        out = os.path.join(tmp, "gen")
        skillc = os.path.join(build, "skillc")
        t0 = time.perf_counter()
        run([skillc, "--name", "big", "-o", out, big])
        t_bake = time.perf_counter() - t0
        csize = sum(os.path.getsize(os.path.join(out, "wasm", n))
                    for n in os.listdir(os.path.join(out, "wasm")) if n.endswith(".c"))
        cflags = ["-O2", "-w", "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0",
                  "-I" + os.path.join(build, "wasm-rt"), "-I" + os.path.join(ROOT, "runtime")]
        t0 = time.perf_counter()
        for n in os.listdir(os.path.join(out, "wasm")):
            if n.endswith(".c"):
                run(["cc"] + cflags + ["-c", os.path.join(out, "wasm", n), "-o",
                                       os.path.join(tmp, n + ".o")])
        t_cc = time.perf_counter() - t0
        print("bake cost of a %.2f MB module (%d functions; wasm2c wrote %.1f MB of C)"
              % (mb, a.funcs, csize / 1e6))
        print("  %-44s %9.2f s   %6.2f s per MB of wasm" % ("skillc: check, strip, wasm2c",
                                                           t_bake, t_bake / mb))
        print("  %-44s %9.2f s   %6.2f s per MB of wasm" % ("cc -O2 of its C", t_cc, t_cc / mb))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
