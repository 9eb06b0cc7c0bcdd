#!/usr/bin/env python3
"""Search log files for a pattern."""
import argparse


def main():
    p = argparse.ArgumentParser(description="Ignored: the docstring wins.")
    p.add_argument("pattern", help="Regular expression")
    p.add_argument("files", nargs="+", help="Files to search")
    p.add_argument("-n", "--max-count", type=int, default=10, help="Stop after N matches")
    p.add_argument("--level", choices=["info", "warn", "error"], required=True, help="Minimum level")
    p.add_argument("-i", "--ignore-case", action="store_true", help="Ignore case")
    p.add_argument("--exclude", action="append", help="Glob to skip")
    p.add_argument("--out", dest="output", help="Write here")
    p.add_argument("--ratio", type=float, help=argparse.SUPPRESS)
    p.add_argument("--fields", nargs="*", type=int, help="Columns")
    args = p.parse_args()
    print(args)


if __name__ == "__main__":
    main()
