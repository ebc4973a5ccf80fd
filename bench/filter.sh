#!/bin/sh
# What a --filter costs per call, rejected and accepted, against bpftrace
# with the same predicate, in the same run (issue 14):
#   none       the program alone
#   goattach   goattach --filter 'x == 7' main.hot, a line per reported call
#              into a file; x = 8: every call rejected in BPF at the entry,
#              x = 7: every call reported
#   bpftrace   a uprobe at the entry with the predicate /reg("ax") == 7/
#              (x is in AX under Go's register ABI) keeping the start time
#              and x by the g register, one at the RET printing the call
#              and its latency into a file (--unsafe on an objcopy
#              --strip-all copy, as bench/overhead.sh)
# samples/filtered's "bench X CALLS" calls main.hot(X) CALLS times on one
# goroutine and prints wall and CPU ns per call (its getrusage user +
# system: a uprobe's trap and BPF program are the traced thread's system
# time, so the CPU time holds still when other work shares the CPUs). Each
# tracer is measured alone, in turn, RUNS times; a run whose probes did
# not all fire (the tracer's own counts say so) is run again, at most
# twice. Printed: CPU ns added per call (run minus the program alone,
# same repetition), the median and the spread (min-max), ratios.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
ensure_pkg bpftrace
O=${O:-build}
CALLS=${CALLS:-100000}
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
tracer=""
cleanup() { [ -z "$tracer" ] || kill -INT "$tracer" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

make --no-print-directory O="$O" "$O/goattach" "$O/goanalyze" "$O/samples/filtered" >/dev/null
cp "$O/samples/filtered" "$tmp/filtered"
objcopy --strip-all "$tmp/filtered" "$tmp/filtered-s"
"$O/goanalyze" index "$tmp/filtered" --db "$tmp/f.db" >/dev/null
entry=$(sqlite3 "$tmp/f.db" "SELECT DISTINCT printf('0x%x', file_offset) FROM functions WHERE name = 'main.hot'")
rets=$(sqlite3 "$tmp/f.db" "SELECT DISTINCT printf('0x%x', f.file_offset + e.offset) FROM exits e JOIN functions f ON f.id = e.function_id WHERE f.name = 'main.hot' AND e.kind = 'ret'")

{
	printf 'BEGIN { printf("ready\\n"); }\n'
	printf 'uprobe:%s:%s /reg("ax") == 7/ { @s[reg("r14")] = nsecs; @x[reg("r14")] = reg("ax"); }\n' \
		"$tmp/filtered-s" "$entry"
	for r in $rets; do
		printf 'uprobe:%s:%s { @rets = count(); $t = @s[reg("r14")]; if ($t) { printf("main.hot(x=%%d) = (%%d) %%d\\n", @x[reg("r14")], reg("ax"), nsecs - $t); delete(@s[reg("r14")]); delete(@x[reg("r14")]); } }\n' \
			"$tmp/filtered-s" "$r"
	done
} > "$tmp/filter.bt"

# "WALL CPU": ns per call of PROGRAM X
run() { "$1" bench "$2" "$CALLS" | sed -n 's/.* ns_per_call=\([0-9.]*\) cpu_ns_per_call=\([0-9.]*\).*/\1 \2/p'; }

# start_tracer MARKER FILE CMD...: start CMD in the background, wait for MARKER in FILE
start_tracer() {
	marker=$1 file=$2
	shift 2
	# emptied here, not by the child's redirection: the last run's marker must not be seen
	: >"$file"
	"$@" >"$file" 2>&1 &
	tracer=$!
	while ! grep -q "$marker" "$file" 2>/dev/null; do
		kill -0 "$tracer" 2>/dev/null || { echo "bench: tracer died: $(cat "$file")" >&2; exit 1; }
		sleep 0.05
	done
}
# goattach, its lines into ga.out, its messages into ga.log
start_goattach() {
	: >"$tmp/ga.out"
	: >"$tmp/ga.log"
	"$O/goattach" --db "$tmp/f.db" --filter 'x == 7' main.hot >"$tmp/ga.out" 2>"$tmp/ga.log" &
	tracer=$!
	while ! grep -q Ctrl-C "$tmp/ga.log" 2>/dev/null; do
		kill -0 "$tracer" 2>/dev/null || { echo "bench: goattach died: $(cat "$tmp/ga.log")" >&2; exit 1; }
		sleep 0.05
	done
}
# SIGINT, and SIGTERM after 10 s: bpftrace 0.17 sometimes ignores SIGINT
stop_tracer() {
	kill -INT "$tracer"
	i=0
	while proc_alive "$tracer" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	! proc_alive "$tracer" || kill -TERM "$tracer"
	wait "$tracer" || true
	tracer=""
}

# goattach X: "WALL CPU" with every call seen (reported for x = 7, filtered out for 8), or ""
measure_goattach() {
	start_goattach
	m=$(run "$tmp/filtered" "$1")
	stop_tracer
	n=$(sed -n 's/^goattach: \([0-9]*\) calls,.* \([0-9]*\) calls filtered out.*/\1 \2/p' "$tmp/ga.log")
	seen=$([ "$1" = 7 ] && echo "${n% *}" || echo "${n#* }")
	lines=$(grep -c 'main.hot(' "$tmp/ga.out" || true)
	[ "$seen" = "$CALLS" ] && { [ "$1" = 8 ] || [ "$lines" = "$CALLS" ]; } && echo "$m"
}
# bpftrace X: the same, its RET probe counted, its lines for x = 7
measure_bpftrace() {
	start_tracer ready "$tmp/bt.out" bpftrace --unsafe "$tmp/filter.bt"
	m=$(run "$tmp/filtered-s" "$1")
	stop_tracer
	rets=$(sed -n 's/^@rets: \([0-9]*\)/\1/p' "$tmp/bt.out")
	lines=$(grep -c '^main.hot(' "$tmp/bt.out" || true)
	[ "$rets" = "$CALLS" ] && { [ "$1" = 8 ] || [ "$lines" = "$CALLS" ]; } && echo "$m"
}
# measure_TOOL X, run again while a run misses probes (at most twice more)
retry() {
	for try in 1 2 3; do
		m=$("measure_$1" "$2") && [ -n "$m" ] && { echo "$m"; return 0; }
		echo "bench: $1 x=$2: not every call seen (try $try), again" >&2
		echo "$1 $2" >> "$tmp/retries"
	done
	echo "bench: $1 x=$2: probes missed calls three times" >&2
	exit 1
}

echo "main.hot: entry at file offset $entry, RET at $rets; $CALLS calls per run, $RUNS runs;" \
	"filter x == 7 (x = 8: rejected, x = 7: reported); load $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$tmp/added"
: > "$tmp/retries"
for rep in $(seq "$RUNS"); do
	for x in 8 7; do
		none=$(run "$tmp/filtered" $x)
		ga=$(retry goattach $x)
		bt=$(retry bpftrace $x)
		echo "run $rep x=$x ns/call (wall cpu): none $none, goattach $ga, bpftrace $bt"
		echo "$x ${none#* } ${ga#* } ${bt#* }" >> "$tmp/added"
	done
done
echo "runs again for missed probes: $(wc -l < "$tmp/retries"); load $(cut -d' ' -f1-3 /proc/loadavg)"

# per x: added ns per call (tracer - none of the same repetition): median [min-max]
awk '
function med(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ k = $1; n[k]++; g[k, n[k]] = $3 - $2; b[k, n[k]] = $4 - $2 }
END {
	for (x = 8; x >= 7; x--) {
		m = n[x]; gmin = bmin = 1e18; gmax = bmax = -1e18
		for (i = 1; i <= m; i++) {
			ga[i] = g[x, i]; ba[i] = b[x, i]
			if (ga[i] < gmin) gmin = ga[i]; if (ga[i] > gmax) gmax = ga[i]
			if (ba[i] < bmin) bmin = ba[i]; if (ba[i] > bmax) bmax = ba[i]
		}
		gm[x] = med(ga, m); bm[x] = med(ba, m)
		printf "%s: CPU ns added per call: goattach %.0f ns [%.0f-%.0f], bpftrace %.0f ns [%.0f-%.0f]; goattach/bpftrace %.2f\n",
			x == 8 ? "rejected" : "accepted", gm[x], gmin, gmax, bm[x], bmin, bmax, gm[x] / bm[x]
	}
	printf "goattach rejected/accepted: %.2f (%s); bpftrace rejected/accepted: %.2f\n",
		gm[8] / gm[7], gm[8] < gm[7] ? "a rejected call costs less" : "NOT cheaper", bm[8] / bm[7]
}' "$tmp/added"
