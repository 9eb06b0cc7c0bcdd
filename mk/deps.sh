#!/usr/bin/env bash
# Install what the build needs and is missing: Debian packages, then the
# pinned tree-sitter grammars from npm, each checked against its integrity
# hash before it is unpacked. Idempotent; writes $BUILD/.deps-ok on success.
set -euo pipefail

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/grammars"

# musl-tools, dpkg-dev, autoconf, automake, libtool, tcl: the static agent's
# libraries (mk/static.sh; tclsh makes SQLite's amalgamation); openssl: its
# TLS tests; libsqlite3-dev: the memory store of the glibc builds. wabt: wasm2c and its
# runtime; clang, lld, wasi-libc, libclang-rt-14-dev-wasm32: the C-to-WASI
# toolchain for the default plugin and the WASM tests.
pkgs=(gcc make pkg-config libyaml-dev libtree-sitter-dev libjansson-dev check
      libsubunit-dev libcurl4-openssl-dev libsqlite3-dev python3 nodejs npm procps
      musl-tools dpkg-dev autoconf automake libtool tcl openssl
      wabt clang lld wasi-libc libclang-rt-14-dev-wasm32)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
# A node or python3 from elsewhere on PATH is as good as Debian's.
for i in "${!missing[@]}"; do
	case ${missing[$i]} in
	nodejs) command -v node >/dev/null && unset 'missing[i]' ;;
	npm) command -v npm >/dev/null && unset 'missing[i]' ;;
	python3) command -v python3 >/dev/null && unset 'missing[i]' ;;
	esac
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

grep -v '^#' "$here/grammars.lock" | while read -r name version integrity; do
	[ -n "$name" ] || continue
	# A scoped package (@scope/tree-sitter-x) unpacks to tree-sitter-x, and
	# npm names its tarball scope-tree-sitter-x-<version>.tgz.
	dir=${name##*/}
	dest="$build/grammars/$dir"
	if [ -f "$dest/.integrity" ] && [ "$(cat "$dest/.integrity")" = "$integrity" ]; then
		continue
	fi
	echo "deps: fetching $name@$version" >&2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent "$name@$version" >/dev/null 2>npm.log) || {
		cat "$tmp/npm.log" >&2; echo "deps: error: cannot fetch $name@$version from npm" >&2; exit 1; }
	tgz=${name#@}
	tgz="$tmp/${tgz//\//-}-$version.tgz"
	algo=${integrity%%-*}
	want=${integrity#*-}
	# coreutils only: compare hex digests rather than base64 ones
	want_hex=$(printf '%s' "$want" | base64 -d | od -An -v -tx1 | tr -d ' \n')
	got_hex=$("${algo}sum" "$tgz" | cut -d' ' -f1)
	if [ "$got_hex" != "$want_hex" ]; then
		echo "deps: error: $name@$version integrity mismatch (want $want_hex, got $got_hex)" >&2
		exit 1
	fi
	rm -rf "$dest" "$tmp/x"
	mkdir -p "$tmp/x"
	tar -xzf "$tgz" -C "$tmp/x"
	grep -q '#define LANGUAGE_VERSION 14' "$tmp/x/package/src/parser.c" || {
		echo "deps: error: $name@$version is not tree-sitter ABI 14" >&2; exit 1; }
	mkdir -p "$dest"
	cp -R "$tmp/x/package/src" "$dest/src"
	printf '%s\n' "$integrity" > "$dest/.integrity"
	rm -rf "$tmp"
	trap - EXIT
done
# wasm2c's runtime header, beside the build: musl-gcc does not search
# /usr/include. (Its implementation is runtime/wasm_rt.c.)
mkdir -p "$build/wasm-rt"
for f in /usr/include/wasm-rt.h; do
	[ -f "$f" ] || { echo "deps: error: $f is missing (package wabt)" >&2; exit 1; }
	cmp -s "$f" "$build/wasm-rt/${f##*/}" || cp "$f" "$build/wasm-rt/"
done
touch "$build/.deps-ok"
