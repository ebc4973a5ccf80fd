#!/bin/sh
# make demo: index the stacker sample, trace main.stacker with goattach
# while './stacker 1000000' runs, and show the traced call.
set -eu
O=${O:-build}
dir=$O/demo
db=$dir/stacker.db
bin=$O/samples/stacker
mkdir -p "$dir"
rm -f "$db"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "demo: goattach needs root (BPF and uprobes); run 'make demo' as root" >&2
		exit 1
	fi
fi

echo "### 1. Index the binary once per build (goanalyze -> SQLite)"
echo "\$ goanalyze index $bin --db $db"
"$O/goanalyze" index "$bin" --db "$db"
echo
echo "### 2. What the DB says about main.stacker"
echo "\$ goanalyze report --db $db main.stacker"
"$O/goanalyze" report --db "$db" main.stacker
echo
echo "### 3. Trace it: entry + every RET as plain uprobes, paired per goroutine"
echo "\$ goattach --db $db main.stacker &"
out=$dir/goattach.out
err=$dir/goattach.err
$SUDO "$O/goattach" --db "$db" main.stacker >"$out" 2>"$err" &
ga=$!
i=0
until grep -q "Ctrl-C to stop" "$err" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $ga 2>/dev/null; then
		cat "$err" >&2
		echo "demo: goattach did not start" >&2
		exit 1
	fi
	sleep 0.1
done
cat "$err"
echo "\$ $bin 1000000"
"$bin" 1000000
sleep 0.5
$SUDO kill -INT $ga
wait $ga || true
echo
echo "### 4. goattach's output: the call, its argument, its result and its latency"
cat "$out"
grep '^goattach: [0-9]* calls' "$err"
grep -q 'main.stacker(count=1000000) = ("hello: 999999000000")' "$out" || {
	echo "demo: the traced call is missing" >&2
	exit 1
}
