#!/bin/sh
# qemu.sh MODE ISO: boot agora in QEMU.
#   bios  SeaBIOS, serial console in this terminal, a window if there is a display
#   uefi  the same under OVMF (x86_64 UEFI firmware)
#   gdb   SeaBIOS, halted at reset; gdb attaches and stops at kmain
# B is the build directory (make passes it): kernel.elf for gdb, OVMF's vars.
set -e
mode=$1
iso=$2
B=${B:-build}
display="-display none"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    display=""
fi
common="-m 256M -serial mon:stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04"
case "$mode" in
bios)
    echo "qemu: booting $iso (SeaBIOS). Quit with Ctrl-A X."
    # shellcheck disable=SC2086
    exec qemu-system-i386 $common $display -cdrom "$iso"
    ;;
uefi)
    vars=$B/ovmf-vars.fd
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
    echo "qemu: booting $iso (OVMF x86_64 UEFI). Quit with Ctrl-A X."
    # shellcheck disable=SC2086
    exec qemu-system-x86_64 -machine q35 $common $display \
        -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
        -drive if=pflash,format=raw,unit=1,file="$vars" -cdrom "$iso"
    ;;
gdb)
    command -v gdb >/dev/null || { echo "qemu: gdb is not installed (apt-get install gdb)"; exit 1; }
    # shellcheck disable=SC2086
    qemu-system-i386 $common -display none -s -S -cdrom "$iso" &
    qpid=$!
    gdb -q "$B/kernel.elf" -ex 'target remote :1234' -ex 'break kmain' -ex continue
    kill $qpid 2>/dev/null || true
    ;;
*)
    echo "usage: qemu.sh bios|uefi|gdb ISO" >&2
    exit 2
    ;;
esac
