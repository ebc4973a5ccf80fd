#!/bin/sh
# Time from starting a tracer to its probes being attached: goattach on
# main.stacker (entry + RET) against bpftrace attaching one uprobe on the
# same function, in the same run. bpftrace is ready when BEGIN fires, which
# it does after attaching its probes.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
ensure_pkg bpftrace
O=${O:-build}
RUNS=${RUNS:-5}
BIN=$(realpath "$O/samples/stacker")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$O/goanalyze" index "$BIN" --db "$tmp/s.db" >/dev/null

ga_ms="" bt_ms=""
for i in $(seq "$RUNS"); do
	: > "$tmp/ga.err"
	t0=$(now_ns)
	"$O/goattach" --db "$tmp/s.db" main.stacker >/dev/null 2>"$tmp/ga.err" &
	pid=$!
	ga_ms="$ga_ms $(ms_until_marker "$tmp/ga.err" 'Ctrl-C to stop' $pid "$t0")"
	kill -INT $pid; wait $pid || true

	: > "$tmp/bt.out"
	t0=$(now_ns)
	bpftrace -e "uprobe:$BIN:main.stacker { @n = count(); } BEGIN { printf(\"ready\\n\"); }" \
		>"$tmp/bt.out" 2>&1 &
	pid=$!
	bt_ms="$bt_ms $(ms_until_marker "$tmp/bt.out" ready $pid "$t0")"
	kill -INT $pid; wait $pid || true
done
ga=$(echo $ga_ms | tr ' ' '\n' | median)
bt=$(echo $bt_ms | tr ' ' '\n' | median)
echo "goattach (1 function, 2 probes) ready in ${ga} ms (median of $RUNS:$ga_ms)"
echo "bpftrace (1 uprobe) ready in ${bt} ms (median of $RUNS:$bt_ms)"
awk -v a="$ga" -v b="$bt" 'BEGIN { printf "ratio goattach/bpftrace: %.2f\n", a / b }'
