#!/bin/sh
# Install the Debian 12 packages goattach needs to build, test and demo.
# Does nothing when all are present; as root it runs apt-get, otherwise
# it uses sudo when available, else prints the command to run.
set -eu

PKGS="build-essential pkg-config clang llvm libelf-dev libdwarf-dev libcapstone-dev
libsqlite3-dev sqlite3 libcjson-dev libbpf-dev bpftool zlib1g-dev golang-go
binutils binutils-aarch64-linux-gnu gdb coreutils
qemu-system-x86 busybox-static"
# qemu and busybox: the 386 end-to-end test boots Debian's kernel in a VM
# when the host kernel refuses 32-bit executables (scripts/vm386.sh).

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
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
