#!/bin/sh
# The release workflow at scale (issue 6): two builds of a generated
# 101k-function program (the second with one function changed) in one DB;
# time 'goanalyze manifest' of 50 functions (target < 100 ms) and
# 'goanalyze diff' of the two builds (target < 2 s), each against the
# sqlite3 shell reading the same rows (the floor for data in SQLite).
# Usage: bench/release.sh [PACKAGES] [FUNCS_PER_PACKAGE]
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
O=${O:-build}
N=${1:-100}
M=${2:-1000}
RUNS=${RUNS:-5}
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for v in 1 2; do
	mkdir -p "$tmp/v$v"
	(cd "$tmp/v$v" && gen_big "$N" "$M" $((v - 1)) && echo "building v$v: $((N * M)) functions..." >&2 &&
	 GOFLAGS=-mod=mod go build -o big .)
	"$O/goanalyze" index "$tmp/v$v/big" --db "$tmp/r.db" >/dev/null
done
names=$(for j in $(seq 1 50); do printf 'example.com/big/p1.F%d ' "$j"; done)
q="SELECT f.name, f.entry, e.offset FROM functions f LEFT JOIN exits e ON e.function_id = f.id WHERE f.build_id = 2 AND f.name IN ($(for j in $(seq 1 50); do printf "%s'example.com/big/p1.F%d'" "$([ $j = 1 ] || echo ,)" "$j"; done))"

# ms_of CMD...: median wall time over RUNS, in ms
ms_of() {
	for i in $(seq "$RUNS"); do
		t0=$(now_ns)
		"$@" >/dev/null
		echo $(( ($(now_ns) - t0) / 1000000 ))
	done | median
}
# shellcheck disable=SC2086
man=$(ms_of "$O/goanalyze" manifest --db "$tmp/r.db" $names)
sq=$(ms_of sqlite3 "$tmp/r.db" "$q")
# shellcheck disable=SC2086
"$O/goanalyze" manifest --db "$tmp/r.db" $names | grep -c '"entry_probe_offset":' | sed 's/^/functions in the manifest: /'
dif=$(ms_of "$O/goanalyze" diff --db "$tmp/r.db" 1 2)
sqd=$(ms_of sqlite3 "$tmp/r.db" "SELECT f.name, f.size, e.offset, p.name, pp.loc, pp.reg, pp.stack_off FROM functions f LEFT JOIN exits e ON e.function_id = f.id LEFT JOIN params p ON p.function_id = f.id LEFT JOIN param_pieces pp ON pp.param_id = p.id")
"$O/goanalyze" diff --db "$tmp/r.db" 1 2 | head -3
nf=$(sqlite3 "$tmp/r.db" "SELECT count(*) FROM functions WHERE build_id = 2")
echo "manifest of 50 functions from a $nf-function build: ${man} ms (target < 100 ms); sqlite3 reading those rows: ${sq} ms; ratio $(awk -v a=$man -v b=$sq 'BEGIN{printf "%.1f", b ? a/b : 0}')"
echo "diff of two $nf-function builds: ${dif} ms (target < 2000 ms); sqlite3 reading both builds' rows: ${sqd} ms; ratio $(awk -v a=$dif -v b=$sqd 'BEGIN{printf "%.1f", b ? a/b : 0}')"
[ -z "${KEEP_DB:-}" ] || cp "$tmp/r.db" "$KEEP_DB"
