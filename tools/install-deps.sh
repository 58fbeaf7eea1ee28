#!/bin/sh
# install-deps.sh: install what building and running agora needs, if it is
# missing, from Debian/Ubuntu packages. Says what it installs. Never
# installs gcc-multilib (it would remove the cross compiler).
set -e

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

[ -z "$need" ] && exit 0

echo "install-deps: installing:$need"
sudo=""
if [ "$(id -u)" != 0 ]; then
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $need
echo "install-deps: done"
