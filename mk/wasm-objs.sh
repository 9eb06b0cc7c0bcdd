#!/bin/sh
# Compile the C that skillc wrote for an agent's WASM modules (DIR/*.c) into
# an archive. Objects are kept in OBJDIR and compiled again only when their
# source is newer or the compiler command changed; objects whose source is
# gone are dropped. An agent without modules gets an empty archive.
#   mk/wasm-objs.sh 'CC FLAGS...' SRCDIR OBJDIR ARCHIVE
set -eu
cc=$1 src=$2 obj=$3 out=$4
mkdir -p "$obj"
if [ "$(cat "$obj/.cc" 2>/dev/null)" != "$cc" ]; then
	rm -f "$obj"/*.o
	printf '%s\n' "$cc" > "$obj/.cc"
fi
for o in "$obj"/*.o; do
	[ -e "$o" ] || continue
	n=${o##*/}
	[ -f "$src/${n%.o}.c" ] || rm -f "$o"
done
for c in "$src"/*.c; do
	[ -e "$c" ] || continue
	n=${c##*/}
	o=$obj/${n%.c}.o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
		printf '  %-7s %s\n' CC "$o"
		$cc -c "$c" -o "$o+" && mv "$o+" "$o"
	fi
done
rm -f "$out+"
set -- "$obj"/*.o
[ -e "$1" ] || set --
ar rcs "$out+" "$@"
mv "$out+" "$out"
