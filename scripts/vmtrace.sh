#!/bin/sh
# Run goattach against a Go process inside a small VM booting Debian's
# own kernel (fetched with apt-get download into a cache): for 386
# programs on kernels that refuse 32-bit executables (ia32_emulation off),
# and for arm64 programs on an x86 host (qemu's emulation; goattach
# cross-built for arm64). The initramfs holds busybox, goattach and its
# libraries, the program and its DB; the VM prints the program's output
# and goattach's between markers.
#
# usage: scripts/vmtrace.sh 386|arm64 GOATTACH DB BINARY [FUNC...]
# exit 0 after the run, 2 when the VM cannot be made here (with a reason).
set -eu

arch=$1 ga=$2 db=$3 bin=$4
shift 4
cache=${GOATTACH_VM_CACHE:-$HOME/.cache/goattach-vm}/$arch
mkdir -p "$cache"
case $arch in
386)	qemu=qemu-system-x86_64 kpkg=linux-image-amd64 kdebarch=amd64 libdir=/lib/x86_64-linux-gnu
	console=ttyS0 machine="" ;;
arm64)	qemu=qemu-system-aarch64 kpkg=linux-image-arm64 kdebarch=arm64 libdir=/usr/lib/aarch64-linux-gnu
	console=ttyAMA0 machine="-M virt -cpu cortex-a57" ;;
*)	echo "vmtrace: unknown arch $arch" >&2; exit 2 ;;
esac

# fetch: apt-get download a package of arch $2 into $cache/x, unpacked
fetch() {
	rm -rf "$cache/x" "$cache"/*.deb
	(cd "$cache" && apt-get download "$1:$2" >/dev/null 2>&1) ||
		{ echo "vmtrace: apt-get download $1:$2 failed" >&2; exit 2; }
	dpkg-deb -x "$cache"/*.deb "$cache/x"
	rm -f "$cache"/*.deb
}

command -v "$qemu" >/dev/null 2>&1 || { echo "vmtrace: $qemu not installed" >&2; exit 2; }
[ -x "$ga" ] || { echo "vmtrace: no $ga (for arm64: make goattach-arm64)" >&2; exit 2; }
kernel=$(ls "$cache"/vmlinuz-* 2>/dev/null | head -1 || true)
if [ -z "$kernel" ]; then
	pkg=$(apt-cache depends "$kpkg:$kdebarch" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	pkg=${pkg%%:*}
	[ -n "$pkg" ] || { echo "vmtrace: no Debian kernel package for $kdebarch known to apt" >&2; exit 2; }
	fetch "$pkg" "$kdebarch"
	cp "$cache"/x/boot/vmlinuz-* "$cache/"
	rm -rf "$cache/x"
	kernel=$(ls "$cache"/vmlinuz-* | head -1)
fi
busybox=$(command -v busybox || true)
if [ "$arch" = arm64 ]; then
	if [ ! -x "$cache/busybox" ]; then
		fetch busybox-static arm64
		cp "$cache/x/bin/busybox" "$cache/busybox"
		rm -rf "$cache/x"
	fi
	busybox=$cache/busybox
fi
[ -n "$busybox" ] || { echo "vmtrace: busybox not installed" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/tmp" "$root/dev" "$root/t"
cp "$busybox" "$root/bin/busybox"
for a in sh mount sleep cat grep kill poweroff echo mkdir; do ln -s busybox "$root/bin/$a"; done
cp "$ga" "$root/t/goattach"
cp "$db" "$root/t/app.db"
cp "$bin" "$root/t/app"
# goattach's shared libraries (NEEDED, recursively), at the paths the loader looks for them
need() {
	readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
interp=$(readelf -lW "$ga" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
mkdir -p "$root$(dirname "$interp")" "$root$libdir"
cp -L "$interp" "$root$interp"
todo=$(need "$ga")
while [ -n "$todo" ]; do
	next=""
	for lib in $todo; do
		[ -e "$root$libdir/$lib" ] && continue
		src=""
		for d in $libdir /lib/$(basename "$libdir") /usr/lib/$(basename "$libdir"); do
			[ -e "$d/$lib" ] && { src=$d/$lib; break; }
		done
		[ -n "$src" ] || { echo "vmtrace: $lib not found for $arch" >&2; exit 2; }
		cp -L "$src" "$root$libdir/$lib"
		next="$next $(need "$src")"
	done
	todo=$next
done

funcs=""
for f in "$@"; do funcs="$funcs '$f'"; done
cat > "$root/init" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
cd /t
./goattach --db app.db --binary /t/app $funcs > ga.out 2> ga.err &
pid=\$!
i=0
while ! grep -q Tracing ga.err 2>/dev/null && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i+1)); done
./app > app.out 2>&1
echo "app exit \$?" >> app.out
sleep 1
kill -INT \$pid
wait \$pid
echo "=== PROGRAM ==="
cat app.out
echo "=== GOATTACH ==="
cat ga.out
echo "=== GOATTACH STDERR ==="
cat ga.err
echo "=== END ==="
poweroff -f
INIT
chmod +x "$root/init"
host_busybox=$(command -v busybox) || { echo "vmtrace: busybox not installed" >&2; exit 2; }
(cd "$root" && find . | "$host_busybox" cpio -o -H newc 2>/dev/null) | gzip -1 > "$root.cpio.gz"
# shellcheck disable=SC2086
timeout 900 "$qemu" $machine -m 1024 -smp 1 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$root.cpio.gz" \
	-append "console=$console quiet panic=-1 rdinit=/init ia32_emulation=on" </dev/null
rm -f "$root.cpio.gz"
