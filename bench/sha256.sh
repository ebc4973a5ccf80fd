#!/bin/sh
# SHA-256 over whole binaries, as every index and attach does: our own
# former common/sha256.c (SHA-NI where the CPU has it, and its portable code)
# against libnettle's (Debian's nettle-dev; its fat build picks SHA-NI at
# run time) and coreutils' sha256sum, in the same run, on a FILE of
# SIZE_MB random bytes and the esbuild binaries of the corpus (or FILES).
# Each is hashed RUNS times (sha256sum's time includes its start, ~1 ms); prints median and spread (min-max) in
# seconds, MB/s, and each one's ratio to nettle (above 1: slower).
# Ours is built from common/sha256.c of OURS_REV (default: the working
# tree while it has our code, else the last commit that had it: since
# common/sha256.c calls nettle, that is the figures' "ours").
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${RUNS:-3}
SIZE_MB=${SIZE_MB:-256}
FILES=${FILES:-$(ls "$HOME"/.cache/goattach-corpus/esbuild-linux-x64-0.28.2 \
	"$HOME"/.cache/goattach-corpus/esbuild-linux-64-0.14.54 2>/dev/null || true)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ensure_pkg nettle-dev
mkdir -p "$tmp/ours"
if [ -z "${OURS_REV:-}" ] && grep -q sha256_use_portable common/sha256.h 2>/dev/null; then
	cp common/sha256.c common/sha256.h "$tmp/ours/"
else
	# the commit that replaced it by nettle, and ours is in its parent
	rev=${OURS_REV:-$(git log -1 --format=%H -S sha256_use_portable -- common/sha256.h)^}
	git show "$rev:common/sha256.c" > "$tmp/ours/sha256.c"
	git show "$rev:common/sha256.h" > "$tmp/ours/sha256.h"
fi
cc -O2 -I"$tmp/ours" -o "$tmp/bench-ours" bench/sha256.c "$tmp/ours/sha256.c"
cc -O2 -DBENCH_NETTLE -o "$tmp/bench-nettle" bench/sha256.c $(pkg-config --cflags --libs nettle)

head -c $((SIZE_MB << 20)) /dev/urandom > "$tmp/random.bin"
printf 'cpu: %s, sha_ni: %s; nettle %s; load before: %s\n' \
	"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
	"$(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)" \
	"$(pkg-config --modversion nettle)" "$(cut -d' ' -f1-3 /proc/loadavg)"

# run IMPL FILE: prints "SECONDS HEX"
run() {
	case $1 in
	sha256sum)
		s=$(now_ns); h=$(sha256sum "$2" | cut -d' ' -f1); e=$(now_ns)
		echo "$(echo "$s $e" | awk '{printf "%.4f", ($2 - $1) / 1e9}') $h" ;;
	nettle) "$tmp/bench-nettle" nettle "$2" ;;
	*) "$tmp/bench-ours" "$1" "$2" ;;
	esac
}

IMPLS="nettle ours ours-portable sha256sum"
for f in "$tmp/random.bin" $FILES; do
	bytes=$(stat -c %s "$f")
	cat "$f" > /dev/null	# in the page cache for sha256sum too
	echo "== $(basename "$f") ($(echo "$bytes" | awk '{printf "%.1f", $1 / 1e6}') MB), $RUNS runs"
	for i in $(seq "$RUNS"); do
		for impl in $IMPLS; do	# interleaved: a load change hits all alike
			run "$impl" "$f" >> "$tmp/$impl.t"
		done
	done
	want=$(head -1 "$tmp/sha256sum.t" | cut -d' ' -f2)
	nettle_med=$(cut -d' ' -f1 "$tmp/nettle.t" | median)
	for impl in $IMPLS; do
		if [ "$(cut -d' ' -f2 "$tmp/$impl.t" | sort -u)" != "$want" ]; then
			echo "bench: $impl: wrong digest for $f" >&2
			exit 1
		fi
		med=$(cut -d' ' -f1 "$tmp/$impl.t" | median)
		min=$(cut -d' ' -f1 "$tmp/$impl.t" | sort -n | head -1)
		max=$(cut -d' ' -f1 "$tmp/$impl.t" | sort -n | tail -1)
		echo "$impl $med $min $max $bytes $nettle_med" | awk '{
			printf "  %-14s median %.4f s (%.4f-%.4f)  %7.0f MB/s  x%.2f nettle\n",
				$1, $2, $3, $4, ($2 > 0 ? $5 / 1e6 / $2 : 0), ($6 > 0 ? $2 / $6 : 0) }'
		rm -f "$tmp/$impl.t"
	done
done
