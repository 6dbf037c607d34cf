#!/bin/busybox sh
# /init of vnet's test guest: load the virtio-net driver, address eth0 from the kernel command
# line (vnet.ip=10.0.0.2/24), ping vnet.ping (count vnet.count, default 3), print one marker line
#   VNET-GUEST-PING target=10.0.0.1 sent=3 received=3
# and power off. With -no-reboot QEMU then exits.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
arg() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" /proc/cmdline | head -n 1; }
for m in $(cat /lib/modules/order); do
  insmod "/lib/modules/$m.ko" || echo "VNET-GUEST insmod $m failed"
done
addr=$(arg vnet.ip)
target=$(arg vnet.ping)
count=$(arg vnet.count)
[ -n "$count" ] || count=3
ip link set lo up
ip link set eth0 up
[ -n "$addr" ] && ip addr add "$addr" dev eth0
echo "VNET-GUEST eth0 $(cat /sys/class/net/eth0/address) $addr"
if [ -n "$target" ]; then
  ping -c "$count" -W 2 "$target" > /tmp/ping.out 2>&1
  cat /tmp/ping.out
  sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' /tmp/ping.out)
  received=$(sed -n 's/.* \([0-9]*\) packets received.*/\1/p' /tmp/ping.out)
  echo "VNET-GUEST-PING target=$target sent=${sent:-0} received=${received:-0}"
fi
poweroff -f
