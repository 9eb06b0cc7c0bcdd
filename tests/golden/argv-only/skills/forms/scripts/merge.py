#!/usr/bin/env python3
"""Merge several PDFs into one."""
import sys

if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(f"Usage: {sys.argv[0]} <output.pdf> <input.pdf>...")
    out, inputs = sys.argv[1], sys.argv[2:]
    print(out, inputs)
