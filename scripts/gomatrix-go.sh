#!/bin/sh
# Write OUT, a go command for Go release VERSION, for the toolchain matrix
# (make test-go): it sets GOROOT and GOTOOLCHAIN=local and runs that
# release's go. 1.19 is Debian 12's own (golang-go, $GO or go on PATH);
# the others are Debian's packages, fetched into a cache by
# scripts/fetch-go.sh when they are not there yet. OUT is rewritten only
# when its text changes, so what make built with it stays up to date.
#
# usage: scripts/gomatrix-go.sh VERSION OUT
set -eu

[ $# -eq 2 ] || { echo "usage: $0 VERSION OUT" >&2; exit 2; }
ver=$1 out=$2
case $ver in
1.19)
	go=${GO:-go}
	got=$("$go" env GOVERSION) || { echo "gomatrix-go: no $go for Go 1.19 (apt-get install golang-go)" >&2; exit 1; }
	case $got in
	go1.19 | go1.19.*) ;;
	*) echo "gomatrix-go: $go is $got, not Go 1.19 (set GO=)" >&2; exit 1 ;;
	esac
	goroot=$("$go" env GOROOT)
	;;
*)
	goroot=$("$(dirname "$0")/fetch-go.sh" --goroot "$ver")
	;;
esac
[ -x "$goroot/bin/go" ] || { echo "gomatrix-go: no $goroot/bin/go" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
tmp=$out.tmp.$$
cat > "$tmp" <<EOS
#!/bin/sh
# go$ver for the toolchain matrix (scripts/gomatrix-go.sh)
export GOROOT='$goroot' GOTOOLCHAIN=local
exec '$goroot/bin/go' "\$@"
EOS
chmod +x "$tmp"
if cmp -s "$tmp" "$out"; then
	rm -f "$tmp"
else
	mv "$tmp" "$out"
fi
