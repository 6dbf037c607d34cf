#!/bin/sh
# Builds a tiny QEMU guest for vnet's real-guest test and example lab:
#   OUT/vmlinuz          the Debian kernel (from the linux-image package, not installed)
#   OUT/initrd.cpio.gz   busybox + /init (init.sh) + the virtio-net modules of that kernel
# The kernel and its modules are cached in CACHE (default OUT) so a rerun only rebuilds the
# initramfs. Needs apt-get (for `apt-get download`), dpkg-deb, gzip and busybox (busybox-static);
# no root unless apt-get needs its lists refreshed.
#
# usage: build-guest.sh OUT [CACHE]
set -eu
out=${1:?usage: build-guest.sh OUT [CACHE]}
cache=${2:-$out}
here=$(cd "$(dirname "$0")" && pwd)
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || { echo "build-guest: busybox not found (apt-get install busybox-static)" >&2; exit 2; }
mkdir -p "$out" "$cache"
work=
root=
trap 'rm -rf "$work" "$root"' EXIT

# Virtio is modular in Debian's kernel; the order matters (each needs the ones before it).
modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net"

if [ ! -s "$cache/vmlinuz" ] || [ ! -d "$cache/modules" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
  [ -n "$pkg" ] || pkg=$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-amd64$' 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n 1)
  [ -n "$pkg" ] || { echo "build-guest: no linux-image-*-amd64 package known to apt (run apt-get update)" >&2; exit 3; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/vnet-kernel.XXXXXX")
  (cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1) || { echo "build-guest: apt-get download $pkg failed" >&2; exit 3; }
  # Extract only the kernel and the modules we load: the whole package is hundreds of MB.
  dpkg-deb --fsys-tarfile "$work"/linux-image-*.deb | tar -x -C "$work" --wildcards \
    './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/net/*failover*' \
    './lib/modules/*/kernel/drivers/net/virtio_net.ko*' './lib/modules/*/kernel/net/core/failover.ko*'
  rm -rf "$cache/modules.new" && mkdir -p "$cache/modules.new"
  for m in $modules; do
    f=$(find "$work/lib/modules" -name "$m.ko*" | head -n 1)
    [ -n "$f" ] || continue # not every kernel splits virtio_pci the same way
    case "$f" in
      *.ko.xz) xz -dc "$f" > "$cache/modules.new/$m.ko" ;;
      *.ko.zst) zstd -dqc "$f" > "$cache/modules.new/$m.ko" ;;
      *) cp "$f" "$cache/modules.new/$m.ko" ;;
    esac
  done
  rm -rf "$cache/modules" && mv "$cache/modules.new" "$cache/modules"
  cp "$work"/boot/vmlinuz-* "$cache/vmlinuz.new" && mv "$cache/vmlinuz.new" "$cache/vmlinuz"
  echo "$pkg" > "$cache/kernel-package"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/vnet-initramfs.XXXXXX")
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
for m in $modules; do
  [ -f "$cache/modules/$m.ko" ] && cp "$cache/modules/$m.ko" "$root/lib/modules/" && echo "$m" >> "$root/lib/modules/order"
done
# cpio is not always installed; busybox has one.
(cd "$root" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1 > "$out/initrd.cpio.gz.new")
mv "$out/initrd.cpio.gz.new" "$out/initrd.cpio.gz"
[ "$cache/vmlinuz" -ef "$out/vmlinuz" ] || cp "$cache/vmlinuz" "$out/vmlinuz"
echo "$out/vmlinuz $out/initrd.cpio.gz"
