# Shared helpers for the benchmarks (sourced).

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# proc_alive PID: it runs (a zombie does not: run in $(...), a shell may
# not reap a child that died, and kill -0 succeeds on the zombie)
proc_alive() {
	st=""
	[ ! -r "/proc/$1/stat" ] || read -r _ _ st _ < "/proc/$1/stat" || true
	[ -n "$st" ] && [ "$st" != Z ]
}

# ms_until_marker FILE MARKER PID START_NS: wait until FILE holds MARKER, print elapsed ms
ms_until_marker() {
	while ! grep -q "$2" "$1" 2>/dev/null; do
		proc_alive "$3" || { echo "bench: process died: $(cat "$1")" >&2; return 1; }
		sleep 0.002
	done
	echo $(( ($(now_ns) - $4) / 1000000 ))
}

need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (BPF)" >&2; exit 1; }
}

ensure_pkg() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" && return 0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

# gen_big N M [CHANGED]: in the current directory, a Go program of N packages
# x M small functions (and an All per package); CHANGED=1 gives p1.F1 another
# return path (for goanalyze diff).
gen_big() {
	printf 'module example.com/big\n\ngo 1.19\n' > go.mod
	imports="" calls=""
	for i in $(seq 1 "$1"); do
		mkdir -p "p$i"
		{
			echo "package p$i"
			for j in $(seq 1 "$2"); do
				echo "//go:noinline"
				if [ "${3:-0}" = 1 ] && [ "$i$j" = 11 ]; then
					echo "func F$j(a, b int) int { if a == 0 { return 7 }; if a > b { return a*$j + b }; return b - a + $j }"
				else
					echo "func F$j(a, b int) int { if a > b { return a*$j + b }; return b - a + $j }"
				fi
			done
			echo "func All(x int) int {"
			echo "	s := 0"
			for j in $(seq 1 "$2"); do echo "	s += F$j(x, $j)"; done
			echo "	return s"
			echo "}"
		} > "p$i/p.go"
		imports="$imports
	\"example.com/big/p$i\""
		calls="$calls
	s += p$i.All(len(os.Args))"
	done
	cat > main.go <<EOT
package main

import (
	"fmt"
	"os"
$imports
)

func main() {
	s := 0
$calls
	fmt.Println(s)
}
EOT
}
