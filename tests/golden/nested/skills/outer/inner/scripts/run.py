#!/usr/bin/env python3
"""Inner tool."""
import sys
if __name__ == "__main__":
    print(sys.argv)
