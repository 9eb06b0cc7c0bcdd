#!/usr/bin/env bash
# Install the npm packages the tests need (tests/mcp: the official MCP SDK)
# into a build folder: `npm ci` from the committed lockfile, so every package,
# dependencies included, is pinned and checked against its integrity hash,
# and no install scripts run. Writes DEST/.installed on success.
#
#   mk/npm-test.sh SRC DEST    SRC holds package.json and package-lock.json
set -euo pipefail

src=${1:?usage: npm-test.sh SRC DEST}
dest=${2:?usage: npm-test.sh SRC DEST}
command -v npm >/dev/null || {
	echo "npm-test: error: npm not found (mk/deps.sh installs it)" >&2; exit 1; }

mkdir -p "$dest"
rm -f "$dest/.installed"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >npm.log 2>&1) || {
	cat "$dest/npm.log" >&2
	echo "npm-test: error: cannot install the packages of $src/package-lock.json" >&2
	exit 1
}
rm -f "$dest/npm.log"
touch "$dest/.installed"
