#!/bin/sh
# Production load, goattach against bpftrace, both measured in the same
# run (issue 12):
#   1. attach and detach time for N probes (NS, default 100 1000 5000) on
#      a program from gen_big, the same probe points in both tools
#   2. events per second with no loss: bench/overhead's program, 8
#      goroutines, one line per call (goattach --json into a file, its
#      text through a pipe, a bpftrace printf of a JSON line into a file)
#   3. the traced program's slowdown: goattach --stats against bpftrace's
#      hist() of the same latency, 1 and 8 goroutines
# Each figure is the median of RUNS runs and the spread (min-max).
# Debian's bpftrace 0.17 takes ~0.1 s to detach each uprobe (one
# perf_event each, synchronize_rcu_tasks_trace), so it runs only up to
# BT_MAX probes, and BT_RUNS times from 1000 probes on; above BT_MAX its
# detach is estimated from its per-probe cost at the largest N measured.
# Usage: [RUNS=3] [BT_MAX=1000] [BT_RUNS=1] [NS='100 1000 5000'] [CALLS=160000] bench/load.sh
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
ensure_pkg bpftrace
O=${O:-build}
RUNS=${RUNS:-3}
BT_MAX=${BT_MAX:-1000}
BT_RUNS=${BT_RUNS:-1}
NS=${NS:-100 1000 5000}
CALLS=${CALLS:-160000}
GOBUILD="go build -gcflags=-l"
t_begin=$(now_ns)
tmp=$(mktemp -d)
bg="" cat_pid=""
cleanup() {
	for p in $bg $cat_pid; do
		kill -INT "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# fig FILE COLUMN: "median (min-max)" of a column of FILE
fig() {
	awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ a[NR] = $1 } END {
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%s (%s-%s)", m, a[1], a[NR] }'
}
med() { awk -v c="$2" '{ print $c }' "$1" | median; }

# ratio A B: A/B, with more digits when small, and B/A when that reads better
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b == 0) { print "n/a"; exit }
		r = a / b
		if (r >= 0.1) printf "%.2f", r
		else printf "%.4f (bpftrace %.0fx slower)", r, b / a }'
}

# start OUT ERR CMD...: CMD in the background; OUT (when a regular
# file: not /dev/null, not a FIFO) and ERR are removed first, so that a
# ready marker left by the previous run is never seen. Sets bg and t0.
start() {
	s_out=$1 s_err=$2
	shift 2
	[ ! -f "$s_out" ] || rm -f "$s_out"
	rm -f "$s_err"
	t0=$(now_ns)
	"$@" >"$s_out" 2>"$s_err" &
	bg=$!
}

# ready FILE MARKER: wait until FILE holds MARKER; sets ready_ms, the
# time since t0 (not in $(...): it sets variables).
ready() {
	while ! grep -q "$2" "$1" 2>/dev/null; do
		proc_alive "$bg" || { echo "bench: tracer died: $(cat "$1" "$s_err" 2>/dev/null)" >&2; exit 1; }
		sleep 0.002
	done
	ready_ms=$(( ($(now_ns) - t0) / 1000000 ))
}

# stop: SIGINT to the tracer, wait for it to exit; sets stop_ms
stop() {
	t1=$(now_ns)
	kill -INT "$bg"
	wait "$bg" || true
	bg=""
	stop_ms=$(( ($(now_ns) - t1) / 1000000 ))
}

# quiet FILE: wait until FILE stops growing (unchanged for 200 ms); sets
# quiet_ms, the time from the call to the last growth seen
quiet() {
	q0=$(now_ns) last=$(now_ns) prev=-1 same=0
	while [ $same -lt 4 ]; do
		cur=$(wc -c < "$1")
		if [ "$cur" = "$prev" ]; then
			same=$((same + 1))
		else
			same=0 prev=$cur last=$(now_ns)
		fi
		sleep 0.05
	done
	quiet_ms=$(( (last - q0) / 1000000 ))
}

# ns_per_call OUTPUT: the figure bench/overhead's program printed
ns_per_call() { echo "$1" | sed -n 's/.*ns_per_call=\([0-9.]*\).*/\1/p'; }

# goattach's summary line: "goattach: C calls, L events lost, ..."
ga_calls() { sed -n 's/^goattach: \([0-9]*\) calls, [0-9]* events lost.*/\1/p' "$1"; }
ga_lost() { sed -n 's/^goattach: [0-9]* calls, \([0-9]*\) events lost.*/\1/p' "$1"; }

echo "load.sh: RUNS=$RUNS BT_MAX=$BT_MAX BT_RUNS=$BT_RUNS CALLS=$CALLS; $(nproc) CPUs, $(go version | cut -d' ' -f3), $(bpftrace --version)"

# --- 1. attach and detach ---------------------------------------------
# 50 x 60 small functions: entry + 2 RETs each (3 probes), and an All per
# package (entry on its stack check + 1 RET: 2 probes) to make N exact.
mkdir "$tmp/big"
(cd "$tmp/big" && gen_big 50 60 && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 $GOBUILD -o big .)
big=$tmp/big/big
# bpftrace 0.17 takes an address only as a file offset on a binary
# without symbols, and only with --unsafe (as in bench/overhead.sh)
objcopy --strip-all "$big" "$big-s"
"$O/goanalyze" index "$big" --db "$tmp/big.db" >/dev/null
sqlite3 "$tmp/big.db" "SELECT f.name, f.file_offset + f.entry_probe_offset,
	(SELECT group_concat(f.file_offset + e.offset, ' ') FROM exits e WHERE e.function_id = f.id)
	FROM functions f WHERE f.name GLOB 'example.com/big/p*.F*' OR f.name GLOB 'example.com/big/p*.All'
	ORDER BY f.name GLOB '*.All', f.id" > "$tmp/cands"

# pick N: functions of $tmp/cands, in order, whose probes (entry and every
# exit, as goattach places them) add up to exactly N: their names into
# $tmp/names, their probes' file offsets into $tmp/offs; prints how many
# functions of 3 and of 2 probes
pick() {
	rm -f "$tmp/names" "$tmp/offs"
	awk -F'|' -v n="$1" -v names="$tmp/names" -v offs="$tmp/offs" '{
		k = 1 + split($3, x, " ")
		left = n - sum - k
		if (left < 0 || left == 1)
			next
		print $1 > names
		print $2 > offs
		for (i = 1; i <= k - 1; i++)
			print x[i] > offs
		sum += k
		per[k]++
		if (sum == n)
			exit
	} END {
		if (sum != n) { print "bench: cannot pick " n " probes" > "/dev/stderr"; exit 1 }
		printf "%d x 3 probes (entry, 2 RETs), %d x 2 (entry, RET)\n", per[3], per[2]
	}' "$tmp/cands"
}

echo
echo "== 1. attach and detach: N probes on gen_big 50 60 ($(wc -l < "$tmp/cands") candidate functions), the same N probe points in both tools"
echo "   attach: start to 'Ctrl-C to stop' (goattach) or BEGIN's printf (bpftrace); detach: SIGINT to exit"
bt_per_probe="" bt_per_n=""
for n in $NS; do
	shape=$(pick "$n")
	nfunc=$(wc -l < "$tmp/names")
	awk -v b="$big-s" 'BEGIN { print "BEGIN { printf(\"ready\\n\"); }" }
		{ printf "uprobe:%s:0x%x { @n = count(); }\n", b, $1 }' "$tmp/offs" > "$tmp/n.bt"
	: > "$tmp/r.ga"
	for i in $(seq "$RUNS"); do
		# shellcheck disable=SC2046
		start /dev/null "$tmp/ga.err" "$O/goattach" -v --db "$tmp/big.db" --yes $(cat "$tmp/names")
		ready "$tmp/ga.err" 'Ctrl-C to stop'
		att=$ready_ms
		got=$(sed -n 's/^Tracing \([0-9]*\) functions (\([0-9]*\) probes).*/\1 \2/p' "$tmp/ga.err")
		[ "$got" = "$nfunc $n" ] || echo "bench: goattach traces '$got' functions/probes, expected '$nfunc $n'" >&2
		stop
		v_att=$(sed -n 's/^goattach: time: \([0-9.]*\) ms to attach \([0-9]*\) probes.*/\1/p' "$tmp/ga.err")
		v_det=$(sed -n 's/^goattach: time: \([0-9.]*\) ms to detach \([0-9]*\) probes.*/\1/p' "$tmp/ga.err")
		v_n=$(sed -n 's/^goattach: time: [0-9.]* ms to attach \([0-9]*\) probes.*/\1/p' "$tmp/ga.err")
		echo "$att $stop_ms $v_att $v_det" >> "$tmp/r.ga"
	done
	echo "N=$n: $nfunc functions, $shape"
	echo "  goattach  attach $(fig "$tmp/r.ga" 1) ms, its -v $(fig "$tmp/r.ga" 3) ms;" \
		"detach $(fig "$tmp/r.ga" 2) ms, its -v $(fig "$tmp/r.ga" 4) ms  [runs: $RUNS; -v counts $v_n probes: +1 on runtime.gopanic/Goexit]"
	if [ "$n" -gt "$BT_MAX" ]; then
		if [ -n "$bt_per_probe" ]; then
			echo "  bpftrace: not measured at N=$n (BT_MAX=$BT_MAX; its per-probe detach cost at N=$bt_per_n was $bt_per_probe ms per probe," \
				"so about $(awk -v p="$bt_per_probe" -v n="$n" 'BEGIN { printf "%.0f", p * n / 1000 }') s)"
		else
			echo "  bpftrace: not measured at N=$n (BT_MAX=$BT_MAX)"
		fi
		continue
	fi
	bt_runs=$RUNS
	[ "$n" -lt 1000 ] || bt_runs=$BT_RUNS
	: > "$tmp/r.bt"
	for i in $(seq "$bt_runs"); do
		# its default limit is 512 probes
		start "$tmp/bt.out" "$tmp/bt.err" env BPFTRACE_MAX_PROBES=$((n + 1)) bpftrace --unsafe "$tmp/n.bt"
		ready "$tmp/bt.out" ready
		att=$ready_ms
		cat "$tmp/bt.out" "$tmp/bt.err" | grep -q "Attaching $((n + 1)) probes" ||
			echo "bench: bpftrace did not attach $n uprobes + BEGIN: $(grep Attaching "$tmp/bt.out" "$tmp/bt.err")" >&2
		stop
		echo "$att $stop_ms" >> "$tmp/r.bt"
	done
	bt_det=$(med "$tmp/r.bt" 2)
	bt_per_probe=$(awk -v d="$bt_det" -v n="$n" 'BEGIN { printf "%.0f", d / n }') bt_per_n=$n
	note=""
	[ "$bt_runs" = "$RUNS" ] || note="; BT_RUNS=$bt_runs at N >= 1000"
	echo "  bpftrace  attach $(fig "$tmp/r.bt" 1) ms; detach $(fig "$tmp/r.bt" 2) ms ($bt_per_probe ms per probe)  [runs: $bt_runs$note; BPFTRACE_MAX_PROBES=$((n + 1))]"
	echo "  ratio goattach/bpftrace (medians): attach $(ratio "$(med "$tmp/r.ga" 1)" "$(med "$tmp/r.bt" 1)")," \
		"detach $(ratio "$(med "$tmp/r.ga" 2)" "$bt_det")"
done

# --- bench/overhead's program, for 2 and 3 -------------------------------
mkdir "$tmp/ovh"
(cd bench/overhead && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 $GOBUILD -o "$tmp/ovh/ovh" .)
ovh=$tmp/ovh/ovh
objcopy --strip-all "$ovh" "$ovh-s"
"$O/goanalyze" index "$ovh" --db "$tmp/o.db" >/dev/null
# main.small's first instruction and RET(s) by file offset, g.goid's offset in runtime.g, from the DB
entry=$(sqlite3 "$tmp/o.db" "SELECT printf('0x%x', file_offset) FROM functions WHERE name = 'main.small'")
rets=$(sqlite3 "$tmp/o.db" "SELECT printf('0x%x', f.file_offset + e.offset) FROM exits e JOIN functions f ON f.id = e.function_id WHERE f.name = 'main.small' AND e.kind = 'ret'")
goid_off=$(sqlite3 "$tmp/o.db" "SELECT value FROM runtime_facts WHERE name = 'g.goid'")

# bt_script ACTION: entry + RET probes as in bench/overhead.sh's manual
# script, latency keyed by the g register (r14), ACTION run with $lat set
# shellcheck disable=SC2016 # bpftrace's $variables, not the shell's
bt_script() {
	printf 'BEGIN { printf("ready\\n"); }\n'
	printf 'uprobe:%s:%s { @s[reg("r14")] = nsecs; }\n' "$ovh-s" "$entry"
	for ret in $rets; do
		printf 'uprobe:%s:%s { $t = @s[reg("r14")]; if ($t) { $lat = nsecs - $t; %s delete(@s[reg("r14")]); } }\n' \
			"$ovh-s" "$ret" "$1"
	done
}
# shellcheck disable=SC2016
bt_script 'printf("{\"func\":\"main.small\",\"goid\":%d,\"latency_ns\":%d}\n", *(uint64 *)(reg("r14") + '"$goid_off"'), $lat);' > "$tmp/json.bt"
# shellcheck disable=SC2016
bt_script '@lat = hist($lat);' > "$tmp/hist.bt"

# --- 2. events per second ---------------------------------------------
# load_run TOOL: one run of "ovh 8 CALLS" traced by TOOL, one line per call;
# appends "lines lost wall_ms events/s drain_ms lossless" to $tmp/r.TOOL
load_run() {
	out=$tmp/l.out
	case $1 in
	ga-json)
		start "$out" "$tmp/l.err" "$O/goattach" --db "$tmp/o.db" --json main.small
		ready "$tmp/l.err" 'Ctrl-C to stop'
		prog=$ovh pat='"func":"main.small"' ;;
	ga-text)
		rm -f "$tmp/fifo" "$out"
		mkfifo "$tmp/fifo"
		cat "$tmp/fifo" > "$out" &
		cat_pid=$!
		start "$tmp/fifo" "$tmp/l.err" "$O/goattach" --db "$tmp/o.db" main.small
		ready "$tmp/l.err" 'Ctrl-C to stop'
		prog=$ovh pat=' main.small(' ;;
	bt-json)
		start "$out" "$tmp/l.err" bpftrace --unsafe "$tmp/json.bt"
		ready "$out" ready
		prog=$ovh-s pat='"latency_ns"' ;;
	esac
	nspc=$(ns_per_call "$("$prog" 8 "$CALLS")")
	quiet "$out"
	stop
	if [ -n "$cat_pid" ]; then
		wait "$cat_pid" || true
		cat_pid=""
	fi
	lines=$(grep -c "$pat" "$out" || true)
	case $1 in
	ga-*) lost=$(ga_lost "$tmp/l.err") ;;
	bt-*) lost=$(sed -n 's/^Lost \([0-9]*\) events.*/\1/p' "$out" | awk '{ s += $1 } END { print s + 0 }') ;;
	esac
	awk -v l="$lines" -v lost="${lost:-?}" -v ns="$nspc" -v c="$CALLS" -v d="$quiet_ms" 'BEGIN {
		w = ns * c / 1e6
		printf "%d %s %.0f %.0f %d %d\n", l, lost, w, l * 1000 / w, d, (l == c && lost == 0) }' >> "$tmp/r.$1"
}

echo
echo "== 2. events per second: ovh 8 goroutines x $((CALLS / 8)) calls ($CALLS) of main.small, one line per completed call"
echo "   wall = the program's own loop time (ns_per_call x calls); events/s = lines delivered / wall;"
echo "   drain = output still growing this long after the program exited (polled every 50 ms)"
: > "$tmp/r.ga-json"
: > "$tmp/r.ga-text"
: > "$tmp/r.bt-json"
for i in $(seq "$RUNS"); do
	for tool in ga-json ga-text bt-json; do
		load_run $tool
	done
done
for tool in ga-json ga-text bt-json; do
	case $tool in
	ga-json) what="goattach --json > file      " ;;
	ga-text) what="goattach | cat > file       " ;;
	bt-json) what="bpftrace printf JSON > file " ;;
	esac
	r=$tmp/r.$tool
	echo "  $what lines $(fig "$r" 1)/$CALLS, lost $(fig "$r" 2), wall $(fig "$r" 3) ms," \
		"$(fig "$r" 4) events/s, drain $(fig "$r" 5) ms; lossless $(awk '{ s += $6 } END { print s }' "$r")/$RUNS runs"
done
echo "  ratio events/s (medians): goattach --json/bpftrace $(ratio "$(med "$tmp/r.ga-json" 4)" "$(med "$tmp/r.bt-json" 4)")," \
	"goattach text/bpftrace $(ratio "$(med "$tmp/r.ga-text" 4)" "$(med "$tmp/r.bt-json" 4)")"

# --- 3. slowdown ------------------------------------------------------
# stats_run G: ns per call of "ovh G CALLS" alone, under goattach --stats,
# under bpftrace's hist(); appends "none ga bt ga_added bt_added ga/bt" to $tmp/s.G
stats_run() {
	none=$(ns_per_call "$("$ovh" "$1" "$CALLS")")
	start /dev/null "$tmp/s.err" "$O/goattach" --db "$tmp/o.db" --stats main.small
	ready "$tmp/s.err" 'Ctrl-C to stop'
	ga=$(ns_per_call "$("$ovh" "$1" "$CALLS")")
	stop
	[ "$(ga_calls "$tmp/s.err") $(ga_lost "$tmp/s.err")" = "$CALLS 0" ] ||
		echo "bench: goattach --stats did not count $CALLS calls, 0 lost: $(grep 'events lost' "$tmp/s.err")" >&2
	start "$tmp/s.out" "$tmp/s.err" bpftrace --unsafe "$tmp/hist.bt"
	ready "$tmp/s.out" ready
	bt=$(ns_per_call "$("$ovh-s" "$1" "$CALLS")")
	stop
	# the histogram's counts: "[1K, 2K)   12345 |@@@ |", "[0]   3 |"
	hist_n=$(awk '/^\[/ { sub(/^\[[^]]*[])]/, ""); s += $1 } END { print s + 0 }' "$tmp/s.out")
	[ "$hist_n" = "$CALLS" ] || echo "bench: bpftrace's hist() counted $hist_n calls, not $CALLS" >&2
	awk -v n="$none" -v a="$ga" -v b="$bt" 'BEGIN {
		printf "%s %s %s %.1f %.1f %.3f\n", n, a, b, a - n, b - n, (a - n) / (b - n) }' >> "$tmp/s.$1"
}

echo
echo "== 3. slowdown: ns per call of main.small ($CALLS calls), alone, under goattach --stats, under bpftrace hist() (entry + RET)"
for g in 1 8; do
	: > "$tmp/s.$g"
	for i in $(seq "$RUNS"); do
		stats_run $g
	done
	s=$tmp/s.$g
	echo "  goroutines=$g: none $(fig "$s" 1), goattach $(fig "$s" 2), bpftrace $(fig "$s" 3) ns/call  [runs: $RUNS]"
	echo "    added per call: goattach $(fig "$s" 4) ns, bpftrace $(fig "$s" 5) ns;" \
		"ratio goattach/bpftrace $(ratio "$(med "$s" 4)" "$(med "$s" 5)") (per run $(fig "$s" 6))"
done

echo
echo "load.sh: done in $(( ($(now_ns) - t_begin) / 1000000000 )) s"
