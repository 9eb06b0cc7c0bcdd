#!/usr/bin/env bash
# Split a PDF into chunks of pages.
set -euo pipefail

usage() {
  cat <<USAGE
Usage: $(basename "$0") <input.pdf> <pages-per-chunk> [out-dir]
USAGE
}

if [ $# -lt 2 ]; then
  usage >&2
  exit 2
fi
input="$1"
local_n=$2   # pages in each chunk
outdir=${3:-chunks}
echo "split <$input> every <$local_n> into <$outdir>"
