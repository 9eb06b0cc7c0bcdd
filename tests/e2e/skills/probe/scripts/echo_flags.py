#!/usr/bin/env python3
"""Print the parsed command line as JSON."""
import argparse
import json


def main():
    p = argparse.ArgumentParser(description="Print the parsed command line as JSON.")
    p.add_argument("path", help="A path")
    p.add_argument("--count", type=int, default=1, help="How many")
    p.add_argument("--verbose", action="store_true", help="Talk more")
    p.add_argument("--tag", action="append", help="A tag; repeatable")
    p.add_argument("--mode", choices=["fast", "slow"], default="fast", help="Speed")
    p.add_argument("--ratio", type=float, help="A ratio")
    p.add_argument("-l", "--loud", action="count", default=0, help="Loudness")
    a = p.parse_args()
    print(json.dumps(vars(a), sort_keys=True))


if __name__ == "__main__":
    main()
