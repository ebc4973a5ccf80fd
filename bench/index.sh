#!/bin/sh
# Time 'goanalyze index' on the stripped Go compiler of Debian's Go against
# (a) 'objdump -d --no-show-raw-insn' of the same file and (b) a bare
# capstone sweep over the same function bytes (bench/capsweep.c, one
# thread: the floor for our disassembler), in the same run.
# Prints wall times, peak RSS and the ratios (lower is better).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
BIN=${1:-$(go env GOTOOLDIR)/compile}
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc -O2 -o "$tmp/capsweep" bench/capsweep.c $(pkg-config --cflags --libs capstone sqlite3)

ga_t="" od_t="" cs_t="" ga_rss=""
for i in $(seq "$RUNS"); do
	rm -f "$tmp/b.db"
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$O/goanalyze" index "$BIN" --db "$tmp/b.db" >/dev/null
	read -r t rss < "$tmp/t"
	ga_t="$ga_t $t"; ga_rss="$ga_rss $rss"
	/usr/bin/time -f "%e %M" -o "$tmp/t" sh -c "objdump -d --no-show-raw-insn '$BIN' >/dev/null"
	read -r t rss < "$tmp/t"
	od_t="$od_t $t"
	t=$("$tmp/capsweep" "$BIN" "$tmp/b.db" | cut -d' ' -f1)
	cs_t="$cs_t $t"
done
ga=$(echo $ga_t | tr ' ' '\n' | median)
od=$(echo $od_t | tr ' ' '\n' | median)
cs=$(echo $cs_t | tr ' ' '\n' | median)
rss=$(echo $ga_rss | tr ' ' '\n' | median)
size=$(stat -c %s "$BIN")
echo "binary: $BIN ($size bytes, $(sqlite3 "$tmp/b.db" 'select count(*) from functions') functions)"
echo "goanalyze index: ${ga}s (median of $RUNS), peak RSS ${rss} KB"
echo "objdump -d:      ${od}s (median of $RUNS)"
echo "capstone sweep:  ${cs}s (median of $RUNS, one thread)"
echo "cores: $(nproc)"
awk -v a="$ga" -v b="$od" -v c="$cs" -v r="$rss" -v s="$size" 'BEGIN {
	printf "ratio goanalyze/objdump: %.2f (target <= 0.3)\n", a / b
	printf "ratio goanalyze/capstone sweep: %.2f (target <= 1.0)\n", a / c
	printf "peak RSS / file size: %.2f (target <= 1.5)\n", r * 1024 / s }'
