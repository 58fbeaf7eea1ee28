#!/bin/sh
# host-tests.sh CC OUTDIR: build and run the host unit tests in tests/host/.
# Each test is one C file compiled with the host compiler together with the
# kernel or libc sources it tests (listed below); pure logic only.
set -u
cc=$1
out=$2
mkdir -p "$out"
flags="-std=gnu11 -O1 -g -Wall -Wextra -Werror -DAGORA_HOST_TEST"
status=0

run() {
    name=$1
    shift
    if ! $cc $flags -o "$out/$name" "$@" 2> "$out/$name.err"; then
        echo "FAIL host.$name (does not compile; see $out/$name.err)"
        cat "$out/$name.err" >&2
        status=1
        return
    fi
    "$out/$name" || status=1
}

run test_pmm -Ikernel/include -Iarch/x86/include tests/host/test_pmm.c kernel/mm/pmm.c
run test_kheap -Ikernel/include -Iarch/x86/include tests/host/test_kheap.c kernel/mm/kheap.c
[ -f tests/host/test_format.c ] && run test_format -Ilibc/include/agora tests/host/test_format.c libc/src/format.c
[ -f tests/host/test_string.c ] && run test_string tests/host/test_string.c libc/src/string.c libc/src/strtol.c libc/src/ctype.c
[ -f tests/host/test_fbcon.c ] && run test_fbcon -Ikernel/include tests/host/test_fbcon.c kernel/dev/fbcon.c kernel/dev/vt.c kernel/dev/font8x16.c
[ -f tests/host/test_ramfs.c ] && run test_ramfs -Ikernel/include -Iarch/x86/include tests/host/test_ramfs.c kernel/fs/ramfs.c
[ -f tests/host/test_devmem.c ] && run test_devmem -Ikernel/include -Iarch/x86/include tests/host/test_devmem.c kernel/dev/mem.c
[ -f tests/host/test_acpi.c ] && run test_acpi -Ikernel/include -Iarch/x86/include -idirafter libc/include tests/host/test_acpi.c kernel/dev/acpi.c
exit $status
