#!/bin/sh
# The cost goattach adds to each call of a traced function, against the
# ways people trace Go by hand, in the same run (issue 5):
#   none       the program alone
#   goattach   goattach --hist main.small (entry on the prologue's JBE,
#              a probe on the RET; no line per call)
#   manual     bpftrace, uprobes at the entry and at the RET by file
#              offset on an objcopy --strip-all copy (--unsafe: Debian's
#              bpftrace 0.17 cannot attach at func+offset), latency keyed
#              by the g register, into a histogram
#   uretprobe  bpftrace uprobe + uretprobe (unsafe for Go: 1 goroutine)
# bench/overhead/main.go calls main.small in a tight loop from 1 and 8
# goroutines; ns per call = wall time / calls. Then the time to attach:
# one function, and 200 probe points, goattach against bpftrace.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
ensure_pkg bpftrace
O=${O:-build}
CALLS=${CALLS:-200000}
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
cleanup() { pkill -INT -P $$ 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

(cd bench/overhead && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 go build -gcflags=-l -o "$tmp/ovh" .)
objcopy --strip-all "$tmp/ovh" "$tmp/ovh-s"
"$O/goanalyze" index "$tmp/ovh" --db "$tmp/o.db" >/dev/null
# file offsets of main.small's entry (its first instruction) and RET(s), from the DB
entry=$(sqlite3 "$tmp/o.db" "SELECT printf('0x%x', file_offset) FROM functions WHERE name = 'main.small'")
rets=$(sqlite3 "$tmp/o.db" "SELECT printf('0x%x', f.file_offset + e.offset) FROM exits e JOIN functions f ON f.id = e.function_id WHERE f.name = 'main.small' AND e.kind = 'ret'")

# run PROGRAM GOROUTINES: median ns per call over RUNS runs
run() {
	for i in $(seq "$RUNS"); do
		"$1" "$2" "$CALLS" | sed -n 's/.*ns_per_call=\([0-9.]*\).*/\1/p'
	done | median
}

# start_tracer MARKER FILE CMD...: start CMD in the background, wait for MARKER in FILE
start_tracer() {
	marker=$1 file=$2
	shift 2
	"$@" >"$file" 2>&1 &
	tracer=$!
	while ! grep -q "$marker" "$file" 2>/dev/null; do
		kill -0 $tracer 2>/dev/null || { echo "bench: tracer died: $(cat "$file")" >&2; exit 1; }
		sleep 0.05
	done
}
# SIGINT, and SIGTERM after 10 s: bpftrace 0.17 started in $(...) sometimes ignores SIGINT
stop_tracer() {
	kill -INT $tracer
	i=0
	while proc_alive $tracer && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	! proc_alive $tracer || kill -TERM $tracer
	wait $tracer || true
}

manual_script() {
	printf 'BEGIN { printf("ready\\n"); }\n'
	printf 'uprobe:%s:%s { @s[reg("r14")] = nsecs; }\n' "$tmp/ovh-s" "$entry"
	for r in $rets; do
		printf 'uprobe:%s:%s { $t = @s[reg("r14")]; if ($t) { @lat = hist(nsecs - $t); delete(@s[reg("r14")]); } }\n' "$tmp/ovh-s" "$r"
	done
}
manual_script > "$tmp/manual.bt"
cat > "$tmp/uret.bt" <<BT
BEGIN { printf("ready\\n"); }
uprobe:$tmp/ovh-s:$entry { @s[tid] = nsecs; }
uretprobe:$tmp/ovh-s:$entry { \$t = @s[tid]; if (\$t) { @lat = hist(nsecs - \$t); delete(@s[tid]); } }
BT

echo "main.small: entry at file offset $entry, RET at $rets; $CALLS calls per run, median of $RUNS"
for g in 1 8; do
	none=$(run "$tmp/ovh" $g)
	start_tracer Ctrl-C "$tmp/ga.out" "$O/goattach" --db "$tmp/o.db" --hist main.small
	ga=$(run "$tmp/ovh" $g)
	stop_tracer
	grep -q "0 events lost" "$tmp/ga.out" || echo "bench: goattach lost events: $(tail -2 "$tmp/ga.out")" >&2
	start_tracer ready "$tmp/bt.out" bpftrace --unsafe "$tmp/manual.bt"
	man=$(run "$tmp/ovh-s" $g)
	stop_tracer
	if [ $g = 1 ]; then
		start_tracer ready "$tmp/bu.out" bpftrace --unsafe "$tmp/uret.bt"
		uret=$(run "$tmp/ovh-s" $g)
		stop_tracer
	fi
	echo "goroutines=$g ns/call: none $none, goattach $ga, manual (entry+RET) $man${uret:+, uprobe+uretprobe $uret}"
	awk -v n="$none" -v a="$ga" -v m="$man" -v u="${uret:-}" 'BEGIN {
		printf "  added per call: goattach %.0f ns, manual %.0f ns", a - n, m - n
		if (u != "") printf ", uretprobe %.0f ns", u - n
		printf "\n  ratio goattach/manual: %.2f (target <= 0.62)", (a - n) / (m - n)
		if (u != "") printf "; goattach/uretprobe: %.2f (target <= 1.1)", (a - n) / (u - n)
		printf "\n" }'
	uret=""
done

# The floor: the same probes with empty programs, one at a time.
floor() {
	printf 'BEGIN { printf("ready\\n"); } uprobe:%s:%s { @n = count(); }\n' "$tmp/ovh-s" "$1" > "$tmp/f.bt"
	start_tracer ready "$tmp/f.out" bpftrace --unsafe "$tmp/f.bt"
	run "$tmp/ovh-s" 1
	stop_tracer
}
none=$(run "$tmp/ovh" 1)
jbe=$(sqlite3 "$tmp/o.db" "SELECT printf('0x%x', file_offset + entry_probe_offset) FROM functions WHERE name = 'main.small'")
f_cmp=$(floor "$entry") f_jbe=$(floor "$jbe") f_ret=$(floor "$(echo $rets | cut -d' ' -f1)")
echo "empty probes, ns/call added: first instruction (CMP) $(awk -v a=$f_cmp -v n=$none 'BEGIN{print a-n}'), prologue JBE $(awk -v a=$f_jbe -v n=$none 'BEGIN{print a-n}'), RET $(awk -v a=$f_ret -v n=$none 'BEGIN{print a-n}')"
awk -v c=$f_cmp -v j=$f_jbe -v r=$f_ret -v n=$none 'BEGIN { printf "  floor of goattach/manual (JBE+RET over CMP+RET): %.2f\n", (j + r - 2*n) / (c + r - 2*n) }'

# Time to attach: one function (entry + RET), and 200 probe points.
sqlite3 "$tmp/o.db" "SELECT f.name, f.file_offset + f.entry_probe_offset, (SELECT group_concat(f.file_offset + e.offset) FROM exits e WHERE e.function_id = f.id) FROM functions f WHERE f.name LIKE 'runtime.%' AND f.params_known = 1 AND f.decode_status = 'ok' AND f.abi = 'ABIInternal' AND f.name NOT LIKE '%.abi0' ORDER BY f.name" > "$tmp/funcs.txt"
: > "$tmp/names"
printf 'BEGIN { printf("ready\\n"); }\n' > "$tmp/200.bt"
n=0
while IFS='|' read -r name ent exits; do
	[ $n -ge 200 ] && break
	echo "$name" >> "$tmp/names"
	for off in $ent $(echo "$exits" | tr ',' ' '); do
		printf 'uprobe:%s:0x%x { @n = count(); }\n' "$tmp/ovh" "$off" >> "$tmp/200.bt"
		n=$((n + 1))
	done
done < "$tmp/funcs.txt"
printf 'BEGIN { printf("ready\\n"); } uprobe:%s:%s { @n = count(); } uprobe:%s:%s { @n = count(); }\n' \
	"$tmp/ovh" "$jbe" "$tmp/ovh" "$(echo $rets | cut -d' ' -f1)" > "$tmp/1.bt"

ready_ms() { # MARKER CMD...: ms until MARKER
	marker=$1
	shift
	t0=$(now_ns)
	"$@" > "$tmp/r.out" 2>&1 &
	pid=$!
	ms_until_marker "$tmp/r.out" "$marker" $pid "$t0"
	kill -INT $pid
	wait $pid || true
}
for what in 1 200; do
	ga="" bt=""
	for i in $(seq "$RUNS"); do
		if [ $what = 1 ]; then
			ga="$ga $(ready_ms Ctrl-C "$O/goattach" --db "$tmp/o.db" main.small)"
			bt="$bt $(ready_ms ready bpftrace --unsafe "$tmp/1.bt")"
		else
			# shellcheck disable=SC2046
			ga="$ga $(ready_ms Ctrl-C "$O/goattach" --db "$tmp/o.db" --yes $(cat "$tmp/names"))"
			bt="$bt $(ready_ms ready bpftrace --unsafe "$tmp/200.bt")"
		fi
	done
	gam=$(echo $ga | tr ' ' '\n' | median) btm=$(echo $bt | tr ' ' '\n' | median)
	probes=$([ $what = 1 ] && echo 2 || echo $n)
	echo "attach $probes probes: goattach ${gam} ms, bpftrace ${btm} ms; ratio $(awk -v a=$gam -v b=$btm 'BEGIN{printf "%.2f", a/b}') (target <= 0.3)"
done
