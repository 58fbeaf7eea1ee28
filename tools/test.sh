#!/bin/bash
# test.sh ISO: the whole test run behind `make test`.
#   1. host unit tests of pure kernel and libc logic (tools/host-tests.sh);
#   2. the test ISO under QEMU with SeaBIOS: kernel self-tests, then every
#      program in user/tests/, run by init, which powers off with the verdict;
#   3. the same ISO under OVMF (UEFI): the kernel must come up with a
#      framebuffer console.
# One line per test (PASS name / FAIL name (why)); last, "N passed, N failed".
# MEM (default 256M, QEMU's -m syntax: 32M, 1G) is the guest memory of both
# QEMU runs; the UEFI check takes at least 128M: OVMF and GRUB themselves
# fail below about 56M (GRUB cannot unpack its xz image), and with the
# 11 MiB initrd (busybox, the glibc tests) GRUB runs out of memory loading
# it at 64M ("error: out of memory", then no initrd); 96M was enough.
# Exits non-zero on any failure, a panic, a missing end marker or a time-out.
# QUICK=1 skips the host unit tests and the UEFI check (make test-busybox).
# BUSYBOX: Debian's i386 busybox on this host, for the busybox comparison.
set -u
iso=$1
B=${B:-build}
MEM=${MEM:-256M}
log=$B/test-bios.log
ulog=$B/test-uefi.log
results=$B/test-results.txt
: > "$results"

pass() { echo "PASS $1" | tee -a "$results"; }
fail() { echo "FAIL $1 ($2)" | tee -a "$results"; }

# 1. host unit tests
if [ "${QUICK:-0}" != 1 ]; then
tools/host-tests.sh "${HOSTCC:-gcc}" $B/host > $B/test-host.log 2>&1
hrc=$?
grep -E '^(PASS|FAIL) ' $B/test-host.log >> "$results"
echo "host unit tests: $(grep -c '^PASS ' $B/test-host.log) passed, $(grep -c '^FAIL ' $B/test-host.log) failed"
grep -E '^FAIL ' $B/test-host.log
if [ "$hrc" != 0 ] && ! grep -q '^FAIL ' $B/test-host.log; then
    fail host_tests "exit $hrc; see $B/test-host.log"
fi
fi

# 2. BIOS run
# The serial port's input is a FIFO that tools/serial-typist.py writes to
# when a test asks it to type (user/tests/tty_serial.c); opened read-write,
# so neither side waits for the other to open it.
echo "qemu: running the test ISO under SeaBIOS with $MEM (serial log: $log)"
fifo=$B/serial-input.fifo
rm -f "$fifo" && mkfifo "$fifo"
timeout "${TEST_TIMEOUT:-1500}" qemu-system-i386 -m "$MEM" -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -cdrom "$iso" \
    <> "$fifo" 2>&1 | tools/serial-typist.py "$fifo" | tr -d '\r' | tee "$log" |
    grep -E --line-buffered '^(PASS|FAIL) |PANIC|panic'
rc=${PIPESTATUS[0]}
grep -E '^(PASS|FAIL) ' "$log" >> "$results"
if grep -q 'PANIC' "$log"; then
    fail qemu_bios "kernel panic; see $log"
elif [ "$rc" = 124 ]; then
    fail qemu_bios "timed out; see $log"
elif ! grep -qE '^init: [0-9]+ passed, [0-9]+ failed' "$log"; then
    fail qemu_bios "no end marker from init (qemu exit $rc); see $log"
elif [ "$rc" != 33 ]; then
    fail qemu_bios "qemu exit status $rc, want 33 (power-off with pass)"
else
    pass qemu_bios
fi
if grep -q '^firmware: BIOS' "$log"; then pass boot.bios_banner; else fail boot.bios_banner "no firmware line"; fi
# Every test in the image must have reported.
if [ -f $B/root/etc/tests ]; then
    while read -r t; do
        [ -n "$t" ] || continue
        grep -qE "^(PASS|FAIL) $t( |\$)" "$log" || fail "$t" "no result line"
    done < $B/root/etc/tests
fi

# Portable programs print the same lines on Linux (this host) and on agora.
for prog in posix_program posix_shm_program; do
    grep -qx "$prog" "$B/root/etc/tests" 2>/dev/null || continue
    if ! ${HOSTCC:-gcc} -Wall -Wextra -Werror -o "$B/host/$prog" "user/tests/$prog.c" 2>/dev/null; then
        fail "portable.$prog" "does not compile on the host"
        continue
    fi
    "$B/host/$prog" > "$B/host/$prog.linux.txt" 2>&1
    # The program's own lines: between init's "# test NAME" and its result line.
    awk -v t="$prog" '$0 == "# test " t { on = 1; next } on && /^(PASS|FAIL) / { exit } on' \
        "$log" > "$B/host/$prog.agora.txt"
    if diff -u "$B/host/$prog.linux.txt" "$B/host/$prog.agora.txt" > "$B/host/$prog.diff"; then
        pass "portable.$prog"
    else
        fail "portable.$prog" "output differs from Linux; see $B/host/$prog.diff"
    fi
done

# The same programs built with glibc: the very binary in the image
# (/bin/glibc-tests, which runs the program argv[0] names), run here under
# qemu-i386, prints what it printed on agora.
for prog in posix_program posix_shm_program; do
    g=glibc.$prog
    grep -qx "$g" "$B/root/etc/tests" 2>/dev/null || continue
    if ! command -v qemu-i386 > /dev/null; then
        fail "portable.$g" "no qemu-i386 (tools/install-deps.sh installs qemu-user)"
        continue
    fi
    mkdir -p "$B/host"
    qemu-i386 -0 "$g" "$B/root/bin/glibc-tests" > "$B/host/$g.linux.txt" 2>&1
    awk -v t="$g" '$0 == "# test " t { on = 1; next } on && /^(PASS|FAIL) / { exit } on' \
        "$log" > "$B/host/$g.agora.txt"
    if diff -u "$B/host/$g.linux.txt" "$B/host/$g.agora.txt" > "$B/host/$g.diff"; then
        pass "portable.$g"
    else
        fail "portable.$g" "output differs from Linux; see $B/host/$g.diff"
    fi
done

# Debian's busybox: each line of tests/busybox/cases.txt run by
# busybox_lines on agora and by the same binary under qemu-i386 here
# (tools/busybox-compare.py); one PASS/FAIL busybox.NN per line.
if grep -qx busybox_lines "$B/root/etc/tests" 2>/dev/null; then
    bb=${BUSYBOX:-/var/cache/agora/busybox-static-i386/bin/busybox}
    if [ ! -f "$bb" ] || ! command -v qemu-i386 > /dev/null; then
        fail busybox "no $bb or no qemu-i386 (tools/install-deps.sh fetches both)"
    else
        mkdir -p "$B/busybox"
        python3 tools/busybox-compare.py --busybox "$bb" --log "$log" --out "$B/busybox" \
            2> "$B/busybox/summary.txt" | tee -a "$results" | grep -v '^PASS '
        cat "$B/busybox/summary.txt"
    fi
fi

# 3. UEFI boot check
if [ "${QUICK:-0}" != 1 ]; then
# A QEMU size (32M, 1G, plain MiB) in MiB; nothing if it is not understood.
mib() {
    case $1 in
    [0-9]*[Gg]) n=${1%[Gg]}; [ -z "${n//[0-9]/}" ] && echo $((10#$n * 1024)) ;;
    [0-9]*[Mm]) n=${1%[Mm]}; [ -z "${n//[0-9]/}" ] && echo $((10#$n)) ;;
    *[!0-9]*|'') ;;
    *) echo $((10#$1)) ;;
    esac
}
umem=$MEM
n=$(mib "$MEM")
[ -n "$n" ] && [ "$n" -lt 128 ] && umem=128M
if [ -e /usr/share/OVMF/OVMF_CODE_4M.fd ]; then
    echo "qemu: booting the same ISO under OVMF (UEFI) with $umem"
    cp /usr/share/OVMF/OVMF_VARS_4M.fd $B/ovmf-vars.fd
    timeout 120 qemu-system-x86_64 -machine q35 -m "$umem" -display none -no-reboot \
        -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
        -drive if=pflash,format=raw,unit=1,file=$B/ovmf-vars.fd \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -cdrom "$iso" \
        < /dev/null > "$ulog" 2>&1
    urc=$?
    tr -d '\r' < "$ulog" > "$ulog.txt"
    if [ "$urc" = 33 ] && grep -q '^firmware: UEFI' "$ulog.txt" &&
       grep -q '^console: serial + framebuffer' "$ulog.txt"; then
        pass boot.uefi_framebuffer
    else
        fail boot.uefi_framebuffer "qemu exit $urc; see $ulog.txt"
    fi
else
    fail boot.uefi_framebuffer "OVMF not installed"
fi
fi

npass=$(grep -c '^PASS ' "$results")
nfail=$(grep -c '^FAIL ' "$results")
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ] && [ "$npass" -gt 0 ]
