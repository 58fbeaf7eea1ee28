#!/bin/sh
# gen-ksyms.sh NM ELF: emit an assembly file holding the kernel's function
# symbols, sorted by address, for the panic backtrace (kernel/ksyms.c).
# Layout: a table of { uint32 address, uint32 name offset } then the names.
set -e
nm=$1
elf=$2
tmp=$(mktemp)
"$nm" -n "$elf" | awk '$2 ~ /^[tTwW]$/ && $1 ~ /^c/ { print $1, $3 }' > "$tmp"
echo '    .section .ksyms, "a"'
echo '    .globl ksyms_count'
echo 'ksyms_count:'
echo "    .long $(wc -l < "$tmp")"
echo 'ksyms_table:'
echo '    .globl ksyms_table'
awk '{ printf "    .long 0x%s, name_%d - ksyms_names\n", $1, NR }' "$tmp"
echo '    .globl ksyms_names'
echo 'ksyms_names:'
awk '{ printf "name_%d: .asciz \"%s\"\n", NR, $2 }' "$tmp"
echo '    .section .note.GNU-stack, "", @progbits'
rm -f "$tmp"
