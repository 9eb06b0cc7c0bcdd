#!/usr/bin/env python3
"""Fetch a URL."""
import argparse
import json


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True, help="The address.")
    a = p.parse_args()
    print(json.dumps({"status": 200, "body": "page at " + a.url, "headers": {"type": "text/html"}}))


if __name__ == "__main__":
    main()
