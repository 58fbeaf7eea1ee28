#!/bin/bash
# bench.sh ISO: the benchmark run behind `make bench`.
# Boots the test ISO (kernel command line "bench": init runs /bin/bench and
# powers off) headless under QEMU with -icount shift=0, so that rdtsc in the
# guest counts guest instructions and every figure is the same on every run.
# Saves the serial output in $B/bench.log and prints the table.
# Exits non-zero on a time-out, a panic, a power-off other than the clean
# one (status 33), a missing table, a figure that does not beat Linux or
# is over its target (the verdicts are checked again here from the
# numbers), a scaling check that grows, or any error /bin/bench reports.
set -u
iso=$1
B=${B:-build}
log=$B/bench.log

echo "qemu: booting $iso with -icount shift=0 (serial log: $log)"
timeout "${BENCH_TIMEOUT:-600}" qemu-system-i386 -m 256M -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -icount shift=0 \
    -cdrom "$iso" < /dev/null 2>&1 | tr -d '\r' > "$log"
rc=${PIPESTATUS[0]}

bad=0
problem() { echo "bench: FAIL: $*"; bad=1; }

# Calibration and table, from the first "bench:" line to the summary.
sed -n '/^bench: rdtsc/,/^bench: \(all figures beat Linux\|[0-9]* figures do not beat Linux\)$/p' "$log"

if grep -q 'PANIC' "$log"; then
    problem "kernel panic; see $log"
fi
if [ "$rc" = 124 ]; then
    problem "timed out; see $log"
elif [ "$rc" != 33 ]; then
    problem "qemu exit status $rc, want 33 (clean power-off); see $log"
fi

table=$(sed -n '/^benchmark (median guest instructions/,/^$/p' "$log")
if [ -z "$table" ]; then
    problem "no benchmark table in $log"
else
    # Every row with a Linux figure must beat it, and every row with a
    # target must be at or under it, whatever the verdict says.
    rows=$(echo "$table" | awk '
        /^benchmark/ || NF == 0 { next }
        {
            # name... agora linux target verdict...: agora is the first
            # number followed by a number or "-" (names hold numbers too).
            a = 0
            for (i = 1; i < NF; i++)
                if ($i ~ /^[0-9]+$/ && $(i + 1) ~ /^([0-9]+|-)$/) { a = i; break }
            if (!a || $(a + 2) !~ /^([0-9]+|-)$/) { print "BAD " $0 ": no figures"; next }
            name = $1; for (i = 2; i < a; i++) name = name " " $i
            agora = $a; linux = $(a + 1); target = $(a + 2)
            v = $(a + 3); for (i = a + 4; i <= NF; i++) v = v " " $i
            bad = ""
            if (linux != "-" && (agora + 0 >= linux + 0 || v !~ /^beats/))
                bad = agora " does not beat Linux " linux
            if (target != "-" && (agora + 0 > target + 0 || v !~ /meets target/))
                bad = bad (bad == "" ? "" : "; ") agora " is over its target " target
            if (bad != "")
                print "BAD " name ": " bad " (verdict " v ")"
            else
                print "ROW " name
        }')
    nrows=$(echo "$rows" | grep -c '^ROW \|^BAD ')
    [ "$nrows" = 13 ] || problem "table has $nrows rows, want 13"
    echo "$rows" | sed -n 's/^BAD /figure: /p' | while read -r l; do echo "bench: FAIL: $l"; done
    echo "$rows" | grep -q '^BAD ' && bad=1
fi

grep -q '^bench: all targets met$' "$log" ||
    problem "summary: $(grep -E '^bench: [0-9]+ figures miss their targets$' "$log" || echo 'no targets line')"
grep -q '^bench: all figures beat Linux$' "$log" ||
    problem "summary: $(grep -E '^bench: [0-9]+ figures do not beat Linux$' "$log" || echo 'no summary line')"
grep -q '^bench: calibration: .*: ok$' "$log" || problem "rdtsc calibration failed"
grep -E '^bench: scaling: .*: grows ' "$log" | sed 's/^bench: scaling: /bench: FAIL: grows: /'
grep -qE '^bench: scaling: .*: grows ' "$log" && bad=1
[ "$(grep -cE '^bench: scaling: .*: flat ' "$log")" = 2 ] || grep -qE '^bench: scaling: .*: grows ' "$log" ||
    problem "missing scaling lines"
if grep -q '^bench: error' "$log"; then
    grep '^bench: error' "$log"
    bad=1
fi

if [ "$bad" = 0 ]; then
    echo "bench: PASS (log: $log)"
else
    echo "bench: see $log"
fi
exit $bad
