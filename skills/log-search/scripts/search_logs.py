#!/usr/bin/env python3
"""Search log files for a regular expression and summarise the matches."""
import argparse
import json
import re
import sys
from collections import Counter

# Importing the sibling module must not write __pycache__ into the skill
# directory, which may be read-only or baked into a binary.
sys.dont_write_bytecode = True
import logfmt  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Search log files (plain or .gz) for a regular expression; "
                    "print matching lines and a count of matches by level.")
    p.add_argument("paths", nargs="+", help="Log files to search")
    p.add_argument("--pattern", required=True,
                   help="Python regular expression to look for in each line")
    p.add_argument("--level", choices=["debug", "info", "notice", "warning", "error", "critical"],
                   help="Only lines at this level or more severe")
    p.add_argument("--ignore-case", action="store_true", help="Match without regard to case")
    p.add_argument("--exclude", action="append", metavar="REGEX",
                   help="Drop lines that match this regular expression (repeatable)")
    p.add_argument("--max-matches", type=int, default=50,
                   help="Most matching lines to print (1-1000); counts still cover every match")
    p.add_argument("--counts-only", action="store_true",
                   help="Print only the counts by level and by file, no lines")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="Output format")
    return p


def main() -> int:
    args = build_parser().parse_args()
    if not 1 <= args.max_matches <= 1000:
        print("search_logs: --max-matches must be from 1 to 1000", file=sys.stderr)
        return 2
    flags = re.IGNORECASE if args.ignore_case else 0
    try:
        pattern = re.compile(args.pattern, flags)
        excludes = [re.compile(x, flags) for x in args.exclude or []]
    except re.error as e:
        print(f"search_logs: bad regular expression: {e}", file=sys.stderr)
        return 2
    floor = logfmt.level_rank(args.level) if args.level else -1
    by_level, by_file, lines, status = Counter(), Counter(), [], 0
    for path in args.paths:
        try:
            for number, line in logfmt.read_lines(path):
                if not pattern.search(line) or any(x.search(line) for x in excludes):
                    continue
                level = logfmt.detect_level(line)
                if logfmt.level_rank(level) < floor:
                    continue
                by_level[level or "unknown"] += 1
                by_file[path] += 1
                if not args.counts_only and len(lines) < args.max_matches:
                    lines.append({"file": path, "line": number, "level": level, "text": line})
        except OSError as e:
            print(f"search_logs: {path}: {e.strerror}", file=sys.stderr)
            status = 1
    total = sum(by_file.values())
    if args.format == "json":
        print(json.dumps({"total": total, "by_level": by_level, "by_file": by_file,
                          "lines": lines, "truncated": total > len(lines) and not args.counts_only}))
        return status
    for m in lines:
        print(f"{m['file']}:{m['line']}: {m['text']}")
    if total > len(lines) and not args.counts_only:
        print(f"... {total - len(lines)} more matches not shown (raise --max-matches)")
    print(f"{total} matches; by level: " +
          (", ".join(f"{k} {v}" for k, v in by_level.most_common()) or "none"))
    if len(args.paths) > 1:
        print("by file: " + (", ".join(f"{k} {v}" for k, v in by_file.most_common()) or "none"))
    return status


if __name__ == "__main__":
    sys.exit(main())
