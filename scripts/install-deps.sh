#!/bin/sh
# Install the Debian 12 packages goattach needs to build, test and demo.
# Does nothing when all are present; as root it runs apt-get, otherwise
# it uses sudo when available, else prints the command to run.
set -eu

PKGS="build-essential pkg-config clang llvm libclang-rt-14-dev libelf-dev libdwarf-dev libcapstone-dev
libsqlite3-dev sqlite3 libcjson-dev libbpf-dev bpftool zlib1g-dev libdebuginfod-dev nettle-dev golang-go
binutils binutils-aarch64-linux-gnu gdb coreutils python3-jsonschema debuginfod curl iproute2 util-linux
qemu-system-x86 qemu-system-arm busybox-static bpftrace prometheus
gcc-aarch64-linux-gnu libc6-dev-arm64-cross libbpf-dev:arm64 libelf-dev:arm64
libsqlite3-dev:arm64 libcjson-dev:arm64 zlib1g-dev:arm64 nettle-dev:arm64"
# libclang-rt-14-dev: libFuzzer and clang's sanitizer runtimes (make fuzz).
# qemu and busybox: the 386 and arm64 end-to-end tests boot Debian's kernel
# in a VM (scripts/vmtrace.sh) when the host cannot run those programs;
# the aarch64 toolchain and arm64 libraries cross-build goattach for arm64.
# debuginfod (the server), curl, ip and unshare: tests/test_debuginfo serves a
# debug file from a private network namespace.
# prometheus (the server and promtool): tests/test_metrics runs its own on
# loopback; the package's service, where systemd starts one, is not used.

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: missing packages:$missing; run as root: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
case "$missing" in
*:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64 ;;
esac
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
