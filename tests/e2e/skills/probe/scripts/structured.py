#!/usr/bin/env python3
"""Print a structured result, plain text, or JSON that breaks its output schema."""
import argparse
import json


def main():
    p = argparse.ArgumentParser(
        description="Print a structured result, plain text, or JSON that breaks its output schema.")
    p.add_argument("--mode", choices=["ok", "text", "wrong"], default="ok",
                   help="ok: a conforming object; text: not JSON; wrong: a nonconforming object")
    a = p.parse_args()
    if a.mode == "ok":
        print(json.dumps({"count": 3, "items": ["a", "b", "c"]}))
    elif a.mode == "text":
        print("not json")
    else:
        print(json.dumps({"count": "three"}))


if __name__ == "__main__":
    main()
