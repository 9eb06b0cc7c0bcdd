"""Render pages of a PDF as PNG images."""
import sys as system
from sys import argv

pdf, outdir = system.argv[1:3]
dpi = int(argv[3]) if len(argv) > 3 else None
scale = float(system.argv[4]) if len(system.argv) >= 5 else None
print(system.argv[1:])
