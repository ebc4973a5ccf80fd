#!/bin/sh
# Run the named test suites from each build dir in $BUILDS (default: $O,
# else build) and print the totals as one line "N passed, N failed"
# (", N skipped" when any). Exit 1 on any failure.
set -u
BUILDS=${BUILDS:-${O:-build}}
passed=0 failed=0 skipped=0 status=0
for O in $BUILDS; do
export O
# the JSON every suite's goattach and goanalyze runs print is kept here
# (tests/testlib.c), for test_schema, run last, to validate
GOATTACH_TEST_JSON_DIR=$(mktemp -d)
export GOATTACH_TEST_JSON_DIR
for t in "$@"; do
	echo "=== $t ($O)"
	out=$(mktemp)
	rcf=$(mktemp)
	# the suite's own exit status, not tee's
	{ "./$O/tests/$t"; echo $? > "$rcf"; } | tee "$out"
	rc=$(cat "$rcf")
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	rm -f "$out" "$rcf"
	if [ -z "$last" ]; then
		echo "$t: crashed or printed no summary (exit $rc)"
		failed=$((failed + 1))
		status=1
		continue
	fi
	p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$last" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(echo "$last" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + ${s:-0}))
	[ "$rc" -ne 0 ] && status=1
	[ "$f" -ne 0 ] && status=1
done
[ -n "${KEEP_TMP:-}" ] || rm -rf "$GOATTACH_TEST_JSON_DIR"
done
echo "=== all suites ($BUILDS)"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
exit $status
