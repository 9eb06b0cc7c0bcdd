#!/usr/bin/env python3
"""Answer a protocol tool's elicitation at a terminal: run AGENT call ... on
a pseudo-terminal of its own (its controlling terminal, so /dev/tty is it),
answer each prompt as it appears, and print what the agent wrote.

Usage: answer_prompts.py AGENT ANSWER... -- ARG...
Standard library only.
"""
import os
import pty
import select
import sys
import time

DEADLINE_S = 120  # far above a passing run; only bounds a broken one


def main():
    argv = sys.argv[1:]
    sep = argv.index("--")
    agent, answers, args = argv[0], argv[1:sep], argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(agent, [agent] + args)
    seen = b""
    end = time.monotonic() + DEADLINE_S
    prompts = 0
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        # A prompt ends with ": " or "] " and waits: answer it.
        n = seen.count(b"] ") + seen.count(b"): ")
        while prompts < n and prompts < len(answers):
            os.write(fd, answers[prompts].encode() + b"\n")
            prompts += 1
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode("utf-8", "replace"))
    sys.stdout.write("\n[exit %d]\n" % os.waitstatus_to_exitcode(status))


main()
