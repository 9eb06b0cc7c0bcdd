#!/usr/bin/env python3
"""Fill a PDF form from a JSON file of field values."""
import sys


def fill(src, values, out):
    print(f"fill {src!r} with {values!r} into {out!r}")


def main():
    if len(sys.argv) < 3:
        print("Usage: fill_form.py <input.pdf> <values.json> [output.pdf]")
        sys.exit(1)
    input_pdf = sys.argv[1]
    values = sys.argv[2]  # field values, one JSON object
    output = sys.argv[3] if len(sys.argv) > 3 else "out.pdf"
    fill(input_pdf, values, output)


if __name__ == "__main__":
    main()
