#!/bin/sh
# busybox-root.sh BUSYBOX ROOT: put Debian's busybox into the image's tree
# ROOT (build/root): ROOT/bin/busybox, and in ROOT/usr/bin one hard link to
# it per applet below (tools/mkinitrd.py stores them as USTAR hard links),
# plus its copyright file. agora's own programs stay in /bin. init's PATH
# puts /usr/bin first, so busybox's ls, cat, ps... are what a user gets;
# busybox's ipcs and ipcrm are left out, so agora's own (which show what
# agora adds) answer to those names. Without BUSYBOX (tools/install-deps.sh
# could not fetch it) all of that is removed and the image is built without
# busybox.
set -e
bb=$1
root=$2
applets="sh ash ls cat echo grep egrep fgrep sed awk sort head tail wc find xargs
stat md5sum sha1sum sha256sum dd ps free id date sleep mkdir rmdir rm mv cp
touch chmod chown ln uname env printenv printf test [ [[ tr cut uniq seq
basename dirname readlink realpath pwd kill true false yes tee od hexdump xxd
du df expr cmp diff comm fold nl paste rev split tac truncate sync clear reset
stty tty more less vi hostname whoami groups logname nproc uptime time timeout
watch which mktemp mkfifo mknod top pgrep pkill pidof killall
usleep nice nohup setsid chroot gzip gunzip zcat tar cpio strings base64
dos2unix unix2dos install sum cksum dmesg mount umount getopt
halt poweroff reboot"

# /bin/sh: busybox's sh when the image has busybox (scripts' "#!/bin/sh"),
# else agora's own small shell (user/agora-sh.c), which is always there as
# /bin/agora-sh.
if [ ! -f "$bb" ]; then
    rm -rf "$root/bin/busybox" "$root/usr/bin" "$root/usr/share/doc/busybox"
    ln -f "$root/bin/agora-sh" "$root/bin/sh"
    exit 0
fi
mkdir -p "$root/bin" "$root/usr/bin" "$root/usr/share/doc/busybox"
if ! cmp -s "$bb" "$root/bin/busybox"; then
    cp "$bb" "$root/bin/busybox"
fi
chmod 755 "$root/bin/busybox"
copyright=$(dirname "$(dirname "$bb")")/usr/share/doc/busybox-static/copyright
[ -f "$copyright" ] && cp "$copyright" "$root/usr/share/doc/busybox/copyright"
# Links made afresh: a link to a replaced busybox would keep the old file.
rm -rf "$root/usr/bin"
mkdir -p "$root/usr/bin"
ln "$root/bin/busybox" "$root/usr/bin/busybox"
ln -f "$root/bin/busybox" "$root/bin/sh"
for a in $applets; do
    ln "$root/bin/busybox" "$root/usr/bin/$a"
done
