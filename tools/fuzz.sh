#!/bin/bash
# fuzz.sh: the campaign behind `make fuzz`. For each seed, a test image that
# runs only user/tests/fuzz_syscalls (seed, budget and flags on the kernel
# command line, which init puts in the environment) boots once under QEMU;
# the fuzzer prints every call before making it ("F pid seq call(args)").
# Per seed: calls done, children, leaks; on a panic, a hang (no output for
# HANG seconds) or a leak, the seed, the child that was running and the
# last calls before it. Exits non-zero if any seed failed.
#
#   SEEDS="1 2 3"  CALLS=250000  FORGE=1 (segment and signal-frame forging)
#   FIRST=C (start at child C: replay)  MEM=256M  HANG=120  B=build-fuzz
#   KEEP=1 (keep every call line in the log of a passing seed too)
set -u
B=${B:-build-fuzz}
SEEDS=${SEEDS:-1 2 3 4 5 6 7 8}
CALLS=${CALLS:-250000}
FORGE=${FORGE:-1}
FIRST=${FIRST:-0}
MEM=${MEM:-256M}
HANG=${HANG:-120}
LAST=${LAST:-30}
KEEP=${KEEP:-0}
mkdir -p "$B"
summary=$B/fuzz-summary.txt
: > "$summary"
failed=0

# A long campaign must not be stopped by init's per-test time-out; the
# fuzzer's own watchdog bounds every child, HANG bounds the kernel.
init_timeout=$((CALLS / 20 + 600))

for seed in $SEEDS; do
    args="test test-timeout=$init_timeout FUZZ_SEED=$seed FUZZ_CALLS=$CALLS FUZZ_FIRST=$FIRST"
    args="$args FUZZ_SECONDS=0 FUZZ_VERBOSE=1 FUZZ_FORGE=$FORGE"
    # VGA text, not GRUB's framebuffer: a dense line per call would have
    # the framebuffer console redraw the whole screen each time.
    if ! make --no-print-directory -s B="$B" ONLY=fuzz_syscalls WERROR=-Werror \
            TEST_ARGS="$args" TEST_GRUB="set gfxpayload=text" "$B/agora-test.iso" > "$B/fuzz-build.log" 2>&1; then
        echo "fuzz: the image does not build; see $B/fuzz-build.log"
        tail -20 "$B/fuzz-build.log"
        exit 1
    fi
    log=$B/fuzz-seed$seed.log
    echo "fuzz: seed $seed, $CALLS calls, forging $([ "$FORGE" = 1 ] && echo on || echo off) (log: $log)"
    start=$(date +%s)
    qemu-system-i386 -m "$MEM" -display none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -cdrom "$B/agora-test.iso" \
        < /dev/null > "$log.raw" 2>&1 &
    qpid=$!
    # Watch the log grow: every call prints a line, so silence is a hang.
    hung=0
    size=-1
    still=0
    while kill -0 "$qpid" 2>/dev/null; do
        sleep 5
        now=$(stat -c %s "$log.raw" 2>/dev/null || echo 0)
        if [ "$now" = "$size" ]; then
            still=$((still + 5))
            if [ "$still" -ge "$HANG" ]; then
                hung=1
                kill "$qpid" 2>/dev/null
                break
            fi
        else
            still=0
            size=$now
        fi
    done
    wait "$qpid" 2>/dev/null
    rc=$?
    secs=$(($(date +%s) - start))
    tr -d '\r' < "$log.raw" > "$log"
    rm -f "$log.raw"

    result=$(grep -a -m1 -E '^fuzz: seed [0-9]+ calls' "$log")
    calls=$(echo "$result" | sed -n 's/.* calls \([0-9]*\).*/\1/p')
    children=$(echo "$result" | sed -n 's/.* children \([0-9]*\).*/\1/p')
    if [ -z "$calls" ]; then            # no summary (a panic or hang): count what was printed
        calls=$(grep -a '^F ' "$log" | tail -1 | awk '{ print $3 + 1 }')
        children=$(grep -ac '^fuzz: child [0-9]* seed' "$log")
    fi
    why=""
    if grep -aq 'PANIC' "$log"; then
        why="kernel panic"
    elif [ "$hung" = 1 ]; then
        why="hang: no output for $HANG s"
    elif grep -aqE '^# fuzz: after child|^not ok' "$log"; then
        why="leak or failed check"
    elif ! grep -aq '^PASS fuzz_syscalls' "$log" || [ "$rc" != 33 ]; then
        why="no pass (qemu exit $rc)"
    fi
    rate=$([ -n "$calls" ] && [ "$secs" -gt 0 ] && echo "$((calls / secs)) calls/s" || echo "-")
    line="seed $seed: ${calls:-?} calls, ${children:-?} children, ${secs} s ($rate)"
    if [ -z "$why" ]; then
        echo "PASS fuzz seed $seed: ${calls} calls, ${children} children, no leak, ${secs} s ($rate)"
        echo "PASS $line" >> "$summary"
        # The per-call lines are only needed for a failure: keep the rest.
        [ "$KEEP" = 1 ] || { grep -av '^F ' "$log" > "$log.tmp" && mv "$log.tmp" "$log"; }
        continue
    fi
    failed=1
    echo "FAIL fuzz seed $seed: $why ($line)"
    echo "FAIL $line: $why" >> "$summary"
    grep -a -E '^# fuzz: |^not ok' "$log" | sed 's/^/  /'
    child=$(grep -a '^fuzz: child ' "$log" | tail -1)
    [ -n "$child" ] && echo "  last child started: ${child#fuzz: }"
    echo "  last $LAST calls (F pid seq call):"
    grep -a -E '^F |^fuzz: child ' "$log" | tail -"$LAST" | sed 's/^/    /'
    if grep -aq 'PANIC' "$log"; then
        echo "  panic:"
        sed -n '/PANIC/,/kernel panic/p' "$log" | head -40 | sed 's/^/    /'
    fi
    cnum=$(echo "$child" | sed -n 's/^fuzz: child \([0-9]*\).*/\1/p')
    [ -n "$cnum" ] && echo "  replay from that child: make fuzz SEEDS=$seed FIRST=$cnum CALLS=$CALLS"
    # Keep the end of the log (the full one can be tens of MB).
    tail -5000 "$log" > "$log.tmp" && mv "$log.tmp" "$log"
done

echo "fuzz: summary"
sed 's/^/  /' "$summary"
[ "$failed" = 0 ]
