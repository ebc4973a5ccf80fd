# Shared helpers for the benchmarks (sourced).

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# ms_until_marker FILE MARKER PID START_NS: wait until FILE holds MARKER, print elapsed ms
ms_until_marker() {
	while ! grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || { echo "bench: process died: $(cat "$1")" >&2; return 1; }
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
