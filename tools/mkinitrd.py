#!/usr/bin/env python3
"""mkinitrd.py DIR OUT: a USTAR archive of DIR in which every regular file's
data starts on a 4 KiB boundary of the archive.

GRUB loads the initrd page aligned, so each file's pages are then whole
physical frames that the kernel maps into processes as they are
(kernel/fs/mapping.c): exec copies no page of a program. To move a file's
data to the next boundary, a pax extended header ('x') goes before it, whose
only record is a comment of the right length; tar and the kernel both skip
comments. Files under ./testdata/unaligned/ are put off a page boundary
on purpose, so that the tests also run the kernel's path for archives
built by other means (kernel/fs/mapping.c copies such pages).
Otherwise the archive is what
`tar --format=ustar --owner=0 --group=0 --sort=name --mtime=@0` makes:
names in sorted order, "./" first, owner root, times 0.

Two exceptions to that: a file with several names in DIR (a hard link,
as the busybox applets in ./usr/bin/ are) is stored once, under its first
name in that order, and each further name is a hard-link entry (USTAR type
'1', linkname the first name, no data); and entries under ./testdata/busybox/ keep
their modification times, since the busybox comparison (tests/busybox/)
lists them with ls -l and stat.
"""
import os
import sys
import tarfile

BLOCK = 512
PAGE = 4096
UNALIGNED = "./testdata/unaligned/"
KEEP_MTIME = "./testdata/busybox/"


def entries(root):
    """(archive name, path) for root and everything under it, sorted."""
    yield "./", root
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        prefix = "./" if rel == "." else "./" + rel + "/"
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            yield prefix + name + ("/" if os.path.isdir(path) else ""), path


def header(name, path, seen):
    """The entry's header; seen maps (dev, ino) of files with several
    names to the archive name they were first stored under."""
    st = os.lstat(path)
    info = tarfile.TarInfo(name.rstrip("/") + ("/" if os.path.isdir(path) else ""))
    info.mode = st.st_mode & 0o7777
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = int(st.st_mtime) if name.startswith(KEEP_MTIME) else 0
    key = (st.st_dev, st.st_ino)
    if os.path.isdir(path):
        info.type = tarfile.DIRTYPE
    elif os.path.islink(path):
        info.type = tarfile.SYMTYPE
        info.linkname = os.readlink(path)
    elif st.st_nlink > 1 and key in seen:
        info.type = tarfile.LNKTYPE
        info.linkname = seen[key]
    else:
        if st.st_nlink > 1:
            seen[key] = name
        info.type = tarfile.REGTYPE
        info.size = st.st_size
    return info


def padding(length):
    """A pax header plus data taking exactly length bytes (a multiple of
    BLOCK, at least BLOCK): a comment record fills the data blocks."""
    data_len = length - BLOCK
    info = tarfile.TarInfo("./PaxHeaders/pad")
    info.type = tarfile.XHDTYPE
    info.mtime = 0
    if data_len == 0:
        return info.tobuf(tarfile.USTAR_FORMAT)
    # "LEN comment=xxx\n" where LEN counts the whole record, itself included.
    body = data_len - len(" comment=\n")
    digits = len(str(data_len))
    record = ("%d comment=%s\n" % (data_len, "x" * (body - digits))).encode()
    assert len(record) == data_len
    info.size = data_len
    return info.tobuf(tarfile.USTAR_FORMAT) + record


def main():
    root, out = sys.argv[1], sys.argv[2]
    blob = bytearray()
    seen = {}
    for name, path in entries(root):
        info = header(name, path, seen)
        if info.type == tarfile.REGTYPE and info.size > 0:
            gap = -(len(blob) + BLOCK) % PAGE
            if name.startswith(UNALIGNED):
                gap = 0 if gap else BLOCK       # anything but a boundary
            if gap:
                blob += padding(gap)
        blob += info.tobuf(tarfile.USTAR_FORMAT)
        if info.type == tarfile.REGTYPE:
            with open(path, "rb") as f:
                data = f.read()
            blob += data + bytes(-len(data) % BLOCK)
    blob += bytes(2 * BLOCK)                    # end of archive
    blob += bytes(-len(blob) % (20 * BLOCK))    # tar's record size
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
