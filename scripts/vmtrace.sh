#!/bin/sh
# Run goattach against a 386 Go process inside a small VM, for kernels
# that refuse 32-bit executables (ia32_emulation off). The VM boots
# Debian's own kernel (fetched with apt-get download into a cache) with
# an initramfs of busybox, goattach and its libraries, a 386 sample and
# its DB; it prints the program's output and goattach's between markers.
#
# usage: scripts/vm386.sh GOATTACH DB BINARY [FUNC...]
# exit 0 after the run, 2 when the VM cannot be made here (with a reason).
set -eu

ga=$1 db=$2 bin=$3
shift 3
cache=${GOATTACH_VM_CACHE:-$HOME/.cache/goattach-vm}
mkdir -p "$cache"

for tool in qemu-system-x86_64 busybox; do
	command -v "$tool" >/dev/null 2>&1 || { echo "vm386: $tool not installed" >&2; exit 2; }
done
kernel=$(ls "$cache"/vmlinuz-* 2>/dev/null | head -1 || true)
if [ -z "$kernel" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	[ -n "$pkg" ] || { echo "vm386: no Debian kernel package known to apt" >&2; exit 2; }
	(cd "$cache" && apt-get download "$pkg" >/dev/null 2>&1) ||
		{ echo "vm386: apt-get download $pkg failed" >&2; exit 2; }
	deb=$(ls "$cache"/linux-image-*.deb | head -1)
	rm -rf "$cache/x" && dpkg-deb -x "$deb" "$cache/x"
	cp "$cache"/x/boot/vmlinuz-* "$cache/"
	rm -rf "$cache/x" "$deb"
	kernel=$(ls "$cache"/vmlinuz-* | head -1)
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/tmp" "$root/dev" "$root/t"
cp "$(command -v busybox)" "$root/bin/busybox"
for a in sh mount sleep cat grep kill poweroff echo mkdir; do ln -s busybox "$root/bin/$a"; done
cp "$ga" "$root/t/goattach"
cp "$db" "$root/t/app.db"
cp "$bin" "$root/t/app"
# goattach's shared libraries, at the paths the loader looks for them
ldd "$ga" | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
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
(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 > "$root.cpio.gz"
timeout 600 qemu-system-x86_64 -m 1024 -smp 1 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$root.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 rdinit=/init ia32_emulation=on" </dev/null
rm -f "$root.cpio.gz"
