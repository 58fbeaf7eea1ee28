#!/bin/sh
# install-deps.sh: install what building and running agora needs, if it is
# missing, from Debian/Ubuntu packages. Says what it installs. Never
# installs gcc-multilib (it would remove the cross compiler).
#
# For the comparisons with Linux (tools/test.sh) it also brings:
#   qemu-user             qemu-i386 runs i386 binaries on this (x86-64) host,
#                         whose kernel cannot execute them itself;
#   libc6-dev-i386-cross  Debian's glibc for i686-linux-gnu-gcc -static;
#   busybox-static:i386   Debian's static busybox, unpacked (not installed:
#                         that would replace the host's busybox) into
#                         $AGORA_CACHE/busybox-static-i386/, whose
#                         bin/busybox the image ships. apt fetches an i386
#                         package only once dpkg knows that architecture, so
#                         this script runs `dpkg --add-architecture i386`
#                         (and says so). Without busybox the image still
#                         builds, without it.
# When everything is there it runs no apt command at all.
set -e
AGORA_CACHE=${AGORA_CACHE:-/var/cache/agora}
BUSYBOX_DIR=$AGORA_CACHE/busybox-static-i386

need=""
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_file() { [ -e "$1" ]; }

have_cmd i686-linux-gnu-gcc || need="$need gcc-i686-linux-gnu"
have_cmd i686-linux-gnu-ld || need="$need binutils-i686-linux-gnu"
have_cmd grub-mkrescue || need="$need grub-common"
have_file /usr/lib/grub/i386-pc/modinfo.sh || need="$need grub-pc-bin"
have_file /usr/lib/grub/x86_64-efi/modinfo.sh || need="$need grub-efi-amd64-bin"
have_file /usr/lib/grub/i386-efi/modinfo.sh || need="$need grub-efi-ia32-bin"
have_cmd xorriso || need="$need xorriso"
have_cmd python3 || need="$need python3"
have_cmd mformat || need="$need mtools"
have_cmd qemu-system-i386 || need="$need qemu-system-x86"
have_file /usr/share/OVMF/OVMF_CODE_4M.fd || need="$need ovmf"
have_cmd gcc || need="$need gcc"
have_cmd make || need="$need make"
have_cmd qemu-i386 || need="$need qemu-user"
have_file /usr/i686-linux-gnu/lib/libc.a || need="$need libc6-dev-i386-cross"

sudo=""
if [ "$(id -u)" != 0 ]; then
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt or dpkg (a second make, say) instead of failing.
apt_lock="-o DPkg::Lock::Timeout=600"

if [ -n "$need" ]; then
    echo "install-deps: installing:$need"
    $sudo apt-get $apt_lock update -qq
    # shellcheck disable=SC2086
    $sudo apt-get $apt_lock install -y -qq --no-install-recommends $need
    echo "install-deps: done"
fi

# Debian's busybox-static:i386, downloaded and unpacked, never installed.
# A failure here is a warning: the image builds without busybox.
[ -x "$BUSYBOX_DIR/bin/busybox" ] && exit 0
fetch_busybox() {
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        echo "install-deps: adding the i386 architecture to dpkg" \
             "(dpkg --add-architecture i386), to download busybox-static:i386"
        $sudo dpkg --add-architecture i386
    fi
    if ! apt-cache show busybox-static:i386 >/dev/null 2>&1; then
        # apt-get update may exit non-zero when some other source has no
        # i386 index; what counts is whether Debian's now lists the package.
        out=$($sudo apt-get $apt_lock update -qq 2>&1) || true
        apt-cache show busybox-static:i386 >/dev/null 2>&1 || { echo "$out"; return 1; }
    fi
    echo "install-deps: downloading busybox-static:i386 into $AGORA_CACHE" \
         "(unpacked there, not installed)"
    $sudo mkdir -p "$AGORA_CACHE"
    tmp=$($sudo mktemp -d "$AGORA_CACHE/dl.XXXXXX")
    # apt's download sandbox user must be able to write here.
    $sudo chmod 777 "$tmp"
    (cd "$tmp" && $sudo apt-get $apt_lock download -qq busybox-static:i386) || return 1
    $sudo rm -rf "$BUSYBOX_DIR.new"
    $sudo dpkg-deb -x "$tmp"/busybox-static_*_i386.deb "$BUSYBOX_DIR.new" || return 1
    $sudo cp "$tmp"/busybox-static_*_i386.deb "$BUSYBOX_DIR.new/"
    $sudo rm -rf "$tmp" "$BUSYBOX_DIR"
    $sudo mv "$BUSYBOX_DIR.new" "$BUSYBOX_DIR"
    echo "install-deps: $BUSYBOX_DIR/bin/busybox:" \
         "$(file -b "$BUSYBOX_DIR/bin/busybox" 2>/dev/null | cut -d, -f1-2)"
}
if ! fetch_busybox; then
    echo "install-deps: warning: could not fetch busybox-static:i386;" \
         "the image is built without busybox"
fi
exit 0
