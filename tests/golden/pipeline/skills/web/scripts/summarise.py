#!/usr/bin/env python3
"""Summarise some text."""
import argparse


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--text", required=True, help="The text.")
    p.add_argument("--extra", nargs="*")
    p.add_argument("--words", type=int, default=10)
    a = p.parse_args()
    print(" ".join(a.text.split()[: a.words]))


if __name__ == "__main__":
    main()
