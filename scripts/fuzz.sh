#!/bin/sh
# Run each named fuzz target of $O (build-fuzz: make fuzz) for
# $FUZZ_SECONDS seconds, $FUZZ_PARALLEL at a time (default 1), and print
# per target its executions, coverage (libFuzzer's cov: edges, ft:
# features) and corpus size. The corpus grows in $O/corpus/TARGET (its
# seeds first written by the target's replay binary); a crash, leak,
# timeout (10 s per input) or memory blow-up (2 GiB) is kept in
# $O/findings/TARGET/ and fails the run. Ends with "N passed, N failed".
# Usage: O=build-fuzz FUZZ_SECONDS=60 scripts/fuzz.sh fuzz_x...
set -u
O=${O:-build-fuzz}
SECS=${FUZZ_SECONDS:-60}
PAR=${FUZZ_PARALLEL:-1}
passed=0 failed=0

run_one() {
	t=$1
	corpus=$O/corpus/$t
	findings=$O/findings/$t
	log=$O/fuzzlogs/$t.log
	mkdir -p "$corpus" "$findings" "$O/fuzzlogs"
	if ! "$O/tests/fuzz/$t" --seeds "$corpus" >/dev/null; then
		echo "$t: FAILED: its seeds could not be made" > "$O/fuzzlogs/$t.result"
		return
	fi
	"$O/fuzz/$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
		-max_len=8192 -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1)
	cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(ls "$corpus" | wc -l)
	nfind=$(ls "$findings" | wc -l)
	if [ "$rc" -eq 0 ] && [ "$nfind" -eq 0 ]; then
		echo "$t: ok: ${execs:-?} executions in $SECS s, cov ${cov:-?} ft ${ft:-?}, corpus $corp, no finding" \
			> "$O/fuzzlogs/$t.result"
	else
		echo "$t: FAILED (exit $rc): $nfind finding(s) in $findings after ${execs:-?} executions; log $log" \
			> "$O/fuzzlogs/$t.result"
		grep -E 'ERROR: |runtime error|SUMMARY' "$log" | head -n 5 >> "$O/fuzzlogs/$t.result"
	fi
}

set -- "$@"
while [ $# -gt 0 ]; do
	batch=""
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$PAR" ]; do
		echo "=== $1: $SECS s"
		run_one "$1" &
		batch="$batch $1"
		i=$((i + 1))
		shift
	done
	wait
	for t in $batch; do
		cat "$O/fuzzlogs/$t.result"
		if grep -q "^$t: ok" "$O/fuzzlogs/$t.result"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
