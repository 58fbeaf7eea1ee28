#!/bin/sh
# mkfixture.sh DIR: the fixture tree of the busybox comparison (cases.txt),
# made afresh in DIR: files with known contents, modes and modification
# times. Both sides run each case in a copy of the same tree: agora in
# /testdata/busybox of the image, Linux (qemu-i386) in build/busybox/fixture.
set -e
d=$1
rm -rf "$d"
mkdir -p "$d/sub/deep" "$d/empty"

printf 'alpha\nbeta\ngamma\ndelta\nepsilon\n' > "$d/words.txt"
printf 'pear 3\napple 10\nfig 7\napple 2\nkiwi 10\nbanana 1\n' > "$d/fruit.txt"
printf 'one\none\ntwo\nthree\nthree\nthree\none\n' > "$d/dups.txt"
printf 'name:uid:shell\nroot:0:/bin/sh\nada:1000:/bin/sh\nbob:1001:/usr/bin/false\n' > "$d/table.csv"
printf 'no newline at the end' > "$d/nonl.txt"
: > "$d/empty.txt"
seq_lines() { i=1; while [ "$i" -le "$1" ]; do echo "line $i"; i=$((i + 1)); done; }
seq_lines 100 > "$d/hundred.txt"
# 256 bytes 0x00..0xff, for od, dd and md5sum.
i=0; while [ "$i" -lt 256 ]; do printf "\\$(printf %o "$i")"; i=$((i + 1)); done > "$d/bytes.bin"
printf '#!/bin/sh\necho script ran with "$@"\n' > "$d/script.sh"
printf 'deep file\n' > "$d/sub/deep/leaf.txt"
printf 'sub file\n' > "$d/sub/note.txt"

chmod 644 "$d/words.txt" "$d/fruit.txt" "$d/dups.txt" "$d/empty.txt" "$d/hundred.txt" \
    "$d/sub/note.txt" "$d/sub/deep/leaf.txt"
chmod 600 "$d/table.csv"
chmod 444 "$d/nonl.txt"
chmod 640 "$d/bytes.bin"
chmod 755 "$d/script.sh" "$d/sub" "$d/sub/deep" "$d/empty" "$d"

# Times in the past (ls -l then shows the year, not the hour), UTC.
t() { touch -h -d "@$1" "$d/$2"; }
t 1000000000 words.txt          # 2001-09-09 01:46:40
t 1100000000 fruit.txt          # 2004-11-09
t 1200000000 dups.txt           # 2008-01-10
t 1300000000 table.csv          # 2011-03-13
t 1400000000 nonl.txt           # 2014-05-13
t 1500000000 empty.txt          # 2017-07-14
t 1234567890 hundred.txt        # 2009-02-13 23:31:30
t 946684800 bytes.bin           # 2000-01-01 00:00:00
t 1600000000 script.sh          # 2020-09-13
t 1111111111 sub/deep/leaf.txt
t 1222222222 sub/note.txt
t 1333333333 sub/deep
t 1444444444 sub
t 1555555555 empty
t 1666666666 .
