#!/bin/sh
# A large binary: generate a Go program of 100 packages x 1000 functions
# (about 101k functions, 29 MB with DWARF), build it, and time
# 'goanalyze index' with and without its DWARF, against objdump -d.
# Usage: bench/large.sh [PACKAGES] [FUNCS_PER_PACKAGE]
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
N=${1:-100}
M=${2:-1000}
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
gen_big "$N" "$M"
echo "building $((N * M)) functions..."
GOFLAGS=-mod=mod go build -o big .
objcopy --strip-debug big big-nodwarf
cd "$top"
for b in "$tmp/big" "$tmp/big-nodwarf"; do
	rm -f "$tmp/b.db"
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$O/goanalyze" index "$b" --db "$tmp/b.db" >/dev/null
	read -r ga rss < "$tmp/t"
	/usr/bin/time -f "%e" -o "$tmp/t" sh -c "objdump -d --no-show-raw-insn '$b' >/dev/null"
	read -r od < "$tmp/t"
	size=$(stat -c %s "$b")
	echo "$(basename "$b"): $size bytes, $(sqlite3 "$tmp/b.db" 'select count(*) from functions') functions," \
		"$(sqlite3 "$tmp/b.db" 'select count(*) from params') params"
	awk -v g="$ga" -v o="$od" -v r="$rss" -v s="$size" 'BEGIN {
		printf "  goanalyze index %.2fs, objdump -d %.2fs, ratio %.2f; peak RSS %d KB (%.2fx the file)\n",
			g, o, g / o, r, r * 1024 / s }'
done
