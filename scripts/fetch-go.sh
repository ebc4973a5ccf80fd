#!/bin/sh
# Fetch Debian's Go toolchains (golang-1.NN-go and golang-1.NN-src) for the
# version matrix tests, without installing them: the packages of newer suites
# would pull a newer libc into Debian 12. apt runs on a private sources list,
# lists dir and cache; the two .debs are unpacked with dpkg-deb -x into
# ${GOATTACH_GO_CACHE:-~/.cache/goattach-go}/go-1.NN, whose usr/lib/go-1.NN
# is a GOROOT (use it with GOTOOLCHAIN=local). A version already unpacked is
# not fetched again. The mirror is the Debian one /etc/apt already uses
# (override: GOATTACH_DEBIAN_MIRROR=URL).
#
# Usage: scripts/fetch-go.sh VERSION...     prints "VERSION GOROOT" per version
#        scripts/fetch-go.sh --goroot VERSION   prints the GOROOT only
# VERSION is 1.NN (1.21 1.22 1.23 1.24 1.26 1.27). apt's output goes to
# CACHE/fetch.log; a version that cannot be had gets one line on stderr, and
# the exit status is 1 (the other versions are still fetched).
set -eu

CACHE=${GOATTACH_GO_CACHE:-${HOME:-/root}/.cache/goattach-go}
LOG=$CACHE/fetch.log
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

usage() {
	echo "usage: $0 VERSION... | $0 --goroot VERSION   (VERSION: 1.21 ... 1.27)" >&2
	exit 2
}

# The suite that has golang-1.NN; one release each, so that a rerun next
# month gets the same build of a version.
suite_of() {
	case $1 in
	1.21 | 1.22 | 1.23) echo bookworm-backports ;;
	1.24) echo trixie ;;
	1.26 | 1.27) echo sid ;;
	*) return 1 ;;
	esac
}

# First URI of /etc/apt's sources (one-line or deb822) that serves a Debian
# release suite (not -security, -updates): the mirror this machine trusts.
find_mirror() {
	if [ -n "${GOATTACH_DEBIAN_MIRROR:-}" ]; then
		echo "$GOATTACH_DEBIAN_MIRROR"
		return 0
	fi
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '
			$1 == "deb" && $3 !~ /-(security|updates)$/ && $2 ~ /\/debian\/?$/ {
				print $2; exit
			}'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# one stanza per paragraph: remember URIs and Suites, judge at its end
		awk '
			function judge() {
				if (uri ~ /\/debian\/?$/ && suites ~ /(^| )[a-z]+( |$)/)
					{ print uri; found = 1; exit }
				uri = ""; suites = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { judge(); next }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			END { if (!found) judge() }' "$f"
	done | sed -n 1p | grep . || return 1
}

apt_opts() {
	echo "-q -o Dir::Etc::sourcelist=$CACHE/apt/sources.list" \
		"-o Dir::Etc::sourceparts=/dev/null" \
		"-o Dir::State::Lists=$CACHE/apt/lists" \
		"-o Dir::Cache=$CACHE/apt/cache" \
		"-o Acquire::Languages=none" \
		"-o APT::Sandbox::User=$(id -un)"
}

# Write the private sources list and read its indexes, once per run (the
# mark is a file: fetch_one runs in a subshell; $$ is the script's pid there).
apt_update() {
	[ -f "$CACHE/apt/updated.$$" ] && return 0
	mirror=$(find_mirror) || {
		echo "fetch-go: no Debian mirror found in /etc/apt/sources.list*; set GOATTACH_DEBIAN_MIRROR" >&2
		return 1
	}
	arch=$(dpkg --print-architecture)
	mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial"
	: > "$CACHE/apt/sources.list"
	for s in bookworm-backports trixie sid; do
		echo "deb [arch=$arch signed-by=$KEYRING] $mirror $s main" >> "$CACHE/apt/sources.list"
	done
	echo "fetch-go: $(date -u +%FT%TZ) update" >> "$LOG"
	# shellcheck disable=SC2046
	if ! apt-get $(apt_opts) --error-on=any update >> "$LOG" 2>&1; then
		echo "fetch-go: apt-get update of bookworm-backports, trixie, sid at $mirror failed (see $LOG)" >&2
		return 1
	fi
	: > "$CACHE/apt/updated.$$"
}

# Print the GOROOT of version $1, fetching and unpacking it when needed.
fetch_one() {
	v=$1
	dst=$CACHE/go-$v
	goroot=$dst/usr/lib/go-$v
	if [ -f "$dst/.complete" ] && [ -x "$goroot/bin/go" ]; then
		echo "$goroot"
		return 0
	fi
	suite=$(suite_of "$v") || {
		echo "fetch-go: go $v: no Debian suite known to have golang-$v (known: 1.21-1.24, 1.26, 1.27)" >&2
		return 1
	}
	apt_update || return 1
	debs=$CACHE/debs/$v
	rm -rf "$debs"
	mkdir -p "$debs"
	# shellcheck disable=SC2046
	if ! (cd "$debs" && apt-get $(apt_opts) download "golang-$v-go/$suite" "golang-$v-src/$suite") >> "$LOG" 2>&1; then
		echo "fetch-go: go $v: apt-get download golang-$v-go golang-$v-src from $suite failed (see $LOG)" >&2
		return 1
	fi
	tmp=$dst.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for deb in "$debs"/*.deb; do
		if ! dpkg-deb -x "$deb" "$tmp" 2>> "$LOG"; then
			echo "fetch-go: go $v: dpkg-deb -x $deb failed (see $LOG)" >&2
			rm -rf "$tmp"
			return 1
		fi
	done
	got=$(GOROOT=$tmp/usr/lib/go-$v GOTOOLCHAIN=local "$tmp/usr/lib/go-$v/bin/go" env GOVERSION 2>> "$LOG") || got=""
	case $got in
	"go$v" | "go$v".*) ;;
	*)
		echo "fetch-go: go $v: unpacked toolchain reports '${got:-nothing}', not go$v (see $LOG)" >&2
		rm -rf "$tmp"
		return 1
		;;
	esac
	for deb in "$debs"/*.deb; do
		echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
	done > "$tmp/.complete"
	rm -rf "$dst"
	mv "$tmp" "$dst"
	echo "$goroot"
}

[ $# -gt 0 ] || usage
only_goroot=0
if [ "$1" = "--goroot" ]; then
	[ $# -eq 2 ] || usage
	only_goroot=1
	shift
fi
for v in "$@"; do
	case $v in
	1.[0-9] | 1.[0-9][0-9]) ;;
	*) usage ;;
	esac
done

mkdir -p "$CACHE"
# one fetcher at a time per cache (tests may run side by side)
if command -v flock >/dev/null 2>&1; then
	exec 9> "$CACHE/.lock"
	flock 9
fi
trap 'rm -f "$CACHE/apt/updated.$$"' EXIT

status=0
for v in "$@"; do
	if goroot=$(fetch_one "$v"); then
		if [ $only_goroot -eq 1 ]; then
			echo "$goroot"
		else
			echo "$v $goroot"
		fi
	else
		status=1
	fi
done
exit $status
