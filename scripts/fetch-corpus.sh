#!/bin/sh
# Fetch the test corpus: Go binaries nobody here built, from the esbuild
# packages of the npm registry, pinned by the sha256 of the binary. They go
# to a cache (never into the repository): ${GOATTACH_CORPUS:-~/.cache/goattach-corpus}.
# Prints "NAME PATH" per binary, or "SKIP NAME: reason" when it cannot be
# had (offline, no npm). Exits 1 only when a binary does not match its pin.
# Usage: scripts/fetch-corpus.sh [NAME...]
set -eu

CACHE=${GOATTACH_CORPUS:-${HOME:-/root}/.cache/goattach-corpus}

# name | npm package@version | sha256 of package/bin/esbuild   (Go version; what it is)
PINS='
esbuild-linux-64-0.5.26|esbuild-linux-64@0.5.26|78687da3b417590c74830660782a62c575f5b35fd8ce218c8b8657b5e0030cf1
esbuild-linux-64-0.8.57|esbuild-linux-64@0.8.57|c113262e26944f88d64ab35488983fc64d3215b8a7a4a39f4e5e55918250ed4c
esbuild-linux-64-0.12.29|esbuild-linux-64@0.12.29|f92dccf9e51a9f71d4911fd1bf299028fdf66a322982086a889fd7f4cecf4833
esbuild-linux-64-0.14.54|esbuild-linux-64@0.14.54|d83565c6c08a43b1b20c1d1858aecdc2b16c6b24033d5961793de16fbf108f0f
esbuild-linux-x64-0.17.19|@esbuild/linux-x64@0.17.19|1cddecd699b9e839e3c5cad6b9b0bf31f16e6e536c9885ca4cfb94d9ac60d3b8
esbuild-linux-x64-0.28.2|@esbuild/linux-x64@0.28.2|e1698a3d5c6c0798fee4fd3b5cc816651f460c63d390a7a26ea4beb0b1884100
esbuild-linux-arm64-0.14.54|esbuild-linux-arm64@0.14.54|b808fdb944f946558c7cbed4323678575b0e1962fc935d0e67e1861dc921afc6
esbuild-linux-arm64-0.17.19|@esbuild/linux-arm64@0.17.19|bc2be1eec9f3aed8c997fbd7dfbce7eb86ec412ee5dc550a7f3f97e8b14690c3
esbuild-linux-32-0.14.54|esbuild-linux-32@0.14.54|815b5e351e887a2339becfc19702dc1a43575dda0e46a8df475894b7587cc814
esbuild-linux-ia32-0.17.19|@esbuild/linux-ia32@0.17.19|189d0f08db46697876fd1b9df0acb65394c80d60585d73c84737740b9477479f
'
# Go versions, as 'go version' (or the binary's runtime string) reports them:
# 0.5.26 go1.14.2 (.symtab, .zdebug DWARF); 0.8.57 go1.16; 0.12.29 go1.17.1;
# 0.14.54 go1.19 (amd64, arm64, 386); 0.17.19 go1.20.4 (amd64, arm64, 386);
# 0.28.2 go1.26.5 (no build info, no .symtab, pcHeader.textStart = 0).

mkdir -p "$CACHE"
status=0
echo "$PINS" | while IFS='|' read -r name spec sum; do
	[ -n "$name" ] || continue
	if [ $# -gt 0 ]; then
		want=0
		for n in "$@"; do [ "$n" = "$name" ] && want=1; done
		[ $want -eq 1 ] || continue
	fi
	dst=$CACHE/$name
	if [ -f "$dst" ] && [ "$(sha256sum "$dst" | cut -d' ' -f1)" = "$sum" ]; then
		echo "$name $dst"
		continue
	fi
	if ! command -v npm >/dev/null 2>&1; then
		echo "SKIP $name: npm is not installed"
		continue
	fi
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && timeout 120 npm pack --silent "$spec" >/dev/null 2>&1); then
		echo "SKIP $name: 'npm pack $spec' failed (offline?)"
		rm -rf "$tmp"
		continue
	fi
	tar -xzf "$tmp"/*.tgz -C "$tmp" package/bin/esbuild 2>/dev/null || true
	if [ ! -f "$tmp/package/bin/esbuild" ]; then
		echo "SKIP $name: no package/bin/esbuild in $spec"
		rm -rf "$tmp"
		continue
	fi
	got=$(sha256sum "$tmp/package/bin/esbuild" | cut -d' ' -f1)
	if [ "$got" != "$sum" ]; then
		echo "fetch-corpus: $spec: sha256 $got, pinned $sum" >&2
		rm -rf "$tmp"
		exit 1
	fi
	mv "$tmp/package/bin/esbuild" "$dst"
	chmod 0755 "$dst"
	rm -rf "$tmp"
	echo "$name $dst"
done || status=1
exit $status
