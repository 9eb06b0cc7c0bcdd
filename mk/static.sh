#!/usr/bin/env bash
# Build the static agent's libraries with musl-gcc: mbedTLS, libcurl (HTTP
# and HTTPS over mbedTLS, nothing else), jansson, SQLite (the memory store)
# and the mimalloc allocator (lib/mimalloc.o, which replaces musl's malloc),
# from the Debian source
# packages pinned in mk/static.lock, into BUILD/static (include/, lib/, and
# kinc/: the kernel headers musl-gcc does not see by itself).
#
#   mk/static.sh BUILD
#
# apt-get source runs with a private configuration under BUILD/static-src:
# deb-src twins of the machine's own `deb` entries, private lists and cache,
# so the system's apt state is not touched. apt checks the Debian files
# against the signed archive; this script checks each upstream tarball against
# the lock; dpkg-source -x applies Debian's patches. The result is cached:
# BUILD/static/.stamp holds a hash of the lock, this script and mimalloc.c,
# and a second run with the same hash does nothing.
set -euo pipefail

build=${1:?usage: static.sh BUILD}
here=$(cd "$(dirname "$0")" && pwd)
lock=$here/static.lock
mkdir -p "$build"
build=$(cd "$build" && pwd)
prefix=$build/static
work=$build/static-src
jobs=${STATIC_JOBS:-2}

die() { echo "static: error: $*" >&2; exit 1; }

key=$(cat "$lock" "$here/static.sh" "$here/mimalloc.c" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$prefix/.stamp" 2>/dev/null)" = "$key" ]; then
	touch "$prefix/.stamp" # newer than the lock, for make
	exit 0
fi

command -v musl-gcc >/dev/null || die "musl-gcc not found (mk/deps.sh installs musl-tools)"
command -v dpkg-source >/dev/null || die "dpkg-source not found (mk/deps.sh installs dpkg-dev)"
command -v autoreconf >/dev/null || die "autoreconf not found (mk/deps.sh installs autoconf)"
command -v tclsh >/dev/null || die "tclsh not found (mk/deps.sh installs tcl)"
start=$(date +%s)
rm -rf "$prefix" "$work"
mkdir -p "$prefix/include" "$prefix/lib" "$work/log"

# --- kernel headers ----------------------------------------------------------
# musl-gcc searches only musl's own include directory; the runtime also wants
# <linux/...>. Symlinks to the system's, added with -isystem.
triplet=$(gcc -print-multiarch 2>/dev/null || true)
asm=/usr/include/${triplet:+$triplet/}asm
[ -d "$asm" ] || asm=/usr/include/asm
[ -d /usr/include/linux ] && [ -d /usr/include/asm-generic ] && [ -d "$asm" ] ||
	die "no kernel headers in /usr/include (install linux-libc-dev)"
mkdir -p "$prefix/kinc"
ln -s /usr/include/linux "$prefix/kinc/linux"
ln -s /usr/include/asm-generic "$prefix/kinc/asm-generic"
ln -s "$asm" "$prefix/kinc/asm"

# --- sources -----------------------------------------------------------------
# deb-src entries made from the machine's `deb` entries, in both formats.
apt_dir=$work/apt
mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
eval "$(apt-config shell sys_list Dir::Etc::SourceList/f sys_parts Dir::Etc::SourceParts/d)"
sys_list=${sys_list:-/etc/apt/sources.list}
sys_parts=${sys_parts:-/etc/apt/sources.list.d/}
for f in "$sys_list" "$sys_parts"*.list; do
	[ -f "$f" ] || continue
	sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f"
done >"$apt_dir/sources/skillc-src.list"
for f in "$sys_parts"*.sources; do
	[ -f "$f" ] || continue
	# One stanza per paragraph; the ones whose Types include deb, as deb-src.
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		deb = 0; out = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^#/) continue
			if (tolower($i) ~ /^types:/) {
				n = split(substr($i, 7), t, /[ \t]+/)
				for (j = 1; j <= n; j++) if (t[j] == "deb") deb = 1
				continue
			}
			out = out $i "\n"
		}
		if (deb) printf "Types: deb-src\n%s\n", out
	}' "$f"
done >"$apt_dir/sources/skillc-src.sources"
[ -s "$apt_dir/sources/skillc-src.list" ] || [ -s "$apt_dir/sources/skillc-src.sources" ] ||
	die "no deb entries in the apt configuration ($sys_list, $sys_parts) to take sources from"

apt_opts=(-q -o Dir::Etc::SourceList="$apt_dir/none" -o Dir::Etc::SourceParts="$apt_dir/sources"
	-o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
	-o APT::Get::Only-Source=true)
# As root apt downloads as _apt, which cannot write into a build directory.
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)

echo "static: fetching the source package lists" >&2
# A third-party entry without sources fails here; the packages below still
# come from the entries that have them, and a missing one is reported.
apt-get "${apt_opts[@]}" update >"$work/log/apt-update.log" 2>&1 || true

pkgs=()
while read -r pkg orig sum; do
	case $pkg in '' | '#'*) continue ;; esac
	pkgs+=("$pkg")
	dl=$work/dl/$pkg
	mkdir -p "$dl"
	echo "static: fetching $pkg" >&2
	(cd "$dl" && apt-get "${apt_opts[@]}" source --download-only "$pkg") >"$work/log/$pkg-fetch.log" 2>&1 || {
		cat "$work/log/apt-update.log" "$work/log/$pkg-fetch.log" >&2
		die "cannot fetch the source package $pkg (apt-get source)"
	}
	dsc=$(ls "$dl"/*.dsc)
	got=$(sed -n 's/^ [0-9a-f]\{64\} [0-9]* \(.*\.orig\.tar\.[a-z0-9]*\)$/\1/p' "$dsc" | head -n1)
	[ "$got" = "$orig" ] ||
		die "$pkg: $(basename "$dsc") has upstream tarball '${got:-none}', mk/static.lock pins $orig"
	have=$(sha256sum "$dl/$orig" | cut -d' ' -f1)
	[ "$have" = "$sum" ] || die "$pkg: $orig sha256 mismatch (want $sum, got $have)"
	# Checks the .dsc's sums of every part and applies Debian's patches.
	dpkg-source -x "$dsc" "$work/$pkg" >"$work/log/$pkg-unpack.log" 2>&1 || {
		cat "$work/log/$pkg-unpack.log" >&2; die "dpkg-source -x $(basename "$dsc") failed"; }
	echo "$(basename "$dsc" .dsc | tr _ ' ')" >>"$prefix/versions"
done <"$lock"
[ ${#pkgs[@]} -eq 5 ] || die "mk/static.lock must pin mbedtls, curl, jansson, mimalloc and sqlite3"

# --- builds ------------------------------------------------------------------
# Nothing of the calling make (its -r, its command-line variables) or of the
# environment's flags reaches these builds.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL CFLAGS CPPFLAGS CXXFLAGS LDFLAGS LIBS
export CC=musl-gcc
cflags="-O2"
# musl's memcpy is slow for tiny copies, which jansson's parser makes one
# byte at a time: on x86 GCC inlines the small ones.
case $(uname -m) in x86_64 | i?86) cflags="$cflags -minline-stringops-dynamically" ;; esac
# Configure scripts must not find the system's (glibc) libraries.
export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH=

# step NAME CMD...: run a build step into its log; on failure show its end.
step() {
	local name=$1 log=$work/log/$1.log
	shift
	"$@" >>"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		die "building $name failed (whole log: $log)"
	}
}

build_mbedtls() {
	cd "$work/mbedtls"
	# TLS 1.2 only; the rest of upstream's default configuration.
	step mbedtls python3 scripts/config.py unset MBEDTLS_SSL_PROTO_TLS1
	step mbedtls python3 scripts/config.py unset MBEDTLS_SSL_PROTO_TLS1_1
	step mbedtls python3 scripts/config.py unset MBEDTLS_SSL_CBC_RECORD_SPLITTING
	# Entropy from getrandom(2) on any Linux libc, not only glibc: musl's
	# build would read /dev/urandom, which an empty chroot does not have.
	sed -i 's/^#if ((defined(__linux__) \&\& defined(__GLIBC__)) || defined(__midipix__))$/#if defined(__linux__) || defined(__midipix__)/' \
		library/entropy_poll.c
	grep -q '^#if defined(__linux__) || defined(__midipix__)$' library/entropy_poll.c ||
		die "mbedtls: the getrandom change to library/entropy_poll.c did not apply"
	step mbedtls make -C library -j"$jobs" CC=musl-gcc CFLAGS="$cflags" static
	cp -R include/mbedtls include/psa "$prefix/include/"
	cp library/libmbedcrypto.a library/libmbedx509.a library/libmbedtls.a "$prefix/lib/"
}

build_curl() {
	cd "$work/curl"
	# Debian's configure.ac changes concern GnuTLS, NSS, LDAP and Kerberos,
	# none of which is built here: upstream's generated configure is used
	# (maintainer mode is off, so make does not regenerate it).
	step curl ./configure --prefix="$prefix" --disable-shared --enable-static \
		--disable-dependency-tracking CFLAGS="$cflags" \
		CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
		--with-mbedtls="$prefix" --without-ca-bundle --without-ca-path --without-ca-fallback \
		--disable-manual --disable-ftp --disable-file --disable-ldap --disable-ldaps \
		--disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
		--disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt \
		--disable-ntlm --disable-ntlm-wb --disable-tls-srp --disable-websockets \
		--without-libssh2 --without-libssh --without-librtmp --without-libidn2 \
		--without-libpsl --without-brotli --without-zstd --without-nghttp2 \
		--without-ngtcp2 --without-nghttp3 --without-zlib --without-libgsasl \
		--without-gssapi
	# The library only: no curl tool, no manual.
	step curl make -C lib -j"$jobs"
	step curl make -C lib install
	step curl make -C include install
}

build_jansson() {
	cd "$work/jansson"
	# The upstream tarball is a git export without a configure script; Debian
	# generates it too (dh_autoreconf).
	step jansson autoreconf -fi
	step jansson ./configure --prefix="$prefix" --disable-shared --enable-static \
		--disable-dependency-tracking CFLAGS="$cflags"
	step jansson make -C src -j"$jobs"
	step jansson make -C src install
}

build_mimalloc() {
	cd "$work/mimalloc"
	# The whole library as one object (src/static.c, by way of mimalloc.c),
	# as upstream's CMake builds it for a static override, with its release
	# flags: NDEBUG (no assertions or statistics), and no builtin malloc,
	# which GCC could otherwise turn a malloc-and-memset inside calloc into
	# a call to calloc. MI_SKIP_COLLECT_ON_EXIT: no freeing of everything
	# at exit, which the kernel does anyway (1-2 ms of an `agent mcp` run
	# with 1,000 tools).
	step mimalloc "$CC" $cflags -DNDEBUG -DMI_MALLOC_OVERRIDE -DMI_SKIP_COLLECT_ON_EXIT -fno-builtin-malloc \
		-ftls-model=initial-exec -fvisibility=hidden -Iinclude -Isrc \
		-c "$here/mimalloc.c" -o "$prefix/lib/mimalloc.o"
}

build_sqlite() {
	cd "$work/sqlite3"
	# The upstream tarball is the source tree: its Makefile generates the
	# amalgamation (sqlite3.c) with lemon and tclsh. configure also writes
	# sqlite_cfg.h (what musl has: usleep, fdatasync, pread...), which the
	# amalgamation reads with _HAVE_SQLITE_CONFIG_H. Without usleep the
	# busy handler would sleep whole seconds.
	step sqlite3 ./configure --disable-shared --enable-static --disable-tcl --disable-readline \
		--disable-load-extension --disable-dependency-tracking CFLAGS="$cflags"
	step sqlite3 make sqlite3.c
	# Lean: no extension loading (no dlopen in a static binary), no
	# deprecated or shared-cache code, no double-quoted string literals.
	# THREADSAFE=2: a connection is used by one thread at a time (the
	# runtime has one per store), without the per-connection mutexes.
	step sqlite3 "$CC" $cflags -D_HAVE_SQLITE_CONFIG_H -I. -DSQLITE_THREADSAFE=2 \
		-DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_SHARED_CACHE \
		-DSQLITE_DQS=0 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS \
		-DSQLITE_OMIT_PROGRESS_CALLBACK -DSQLITE_USE_ALLOCA -c sqlite3.c -o sqlite3.o
	step sqlite3 ar rcs "$prefix/lib/libsqlite3.a" sqlite3.o
	cp sqlite3.h "$prefix/include/"
}

echo "static: building mbedtls, curl, jansson, mimalloc and sqlite3 with musl-gcc (logs: $work/log)" >&2
# jansson, mimalloc and SQLite alongside the mbedTLS-then-curl chain: the two
# cores stay busy while curl's configure runs.
(build_jansson; build_mimalloc; build_sqlite) &
jansson_pid=$!
(build_mbedtls; build_curl) &
curl_pid=$!
ok=1
wait "$curl_pid" || ok=0
wait "$jansson_pid" || ok=0
[ "$ok" = 1 ] || exit 1

for a in libmbedtls.a libmbedx509.a libmbedcrypto.a libcurl.a libjansson.a mimalloc.o libsqlite3.a; do
	[ -f "$prefix/lib/$a" ] || die "$a was not built"
done
# The sources are not needed once installed.
rm -rf "$work/mbedtls" "$work/curl" "$work/jansson" "$work/mimalloc" "$work/sqlite3"
echo "$key" >"$prefix/.stamp"
echo "static: done in $(($(date +%s) - start)) s: $(paste -sd, "$prefix/versions" | sed 's/,/, /g')" >&2
