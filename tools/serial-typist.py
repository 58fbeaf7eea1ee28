#!/usr/bin/env python3
"""serial-typist.py FIFO: the typist at agora's serial port during make test.

Sits between QEMU's -serial stdio output and the log: every byte QEMU
prints is passed through unchanged, and where a line holds a request
"@@tty-type HEX" (user/tests/tty_serial.c prints them), the bytes HEX
stands for are written to FIFO, which is QEMU's standard input, so they
reach the guest through the emulated COM1 as typed keys would.
"""
import os
import re
import sys

REQUEST = re.compile(rb"@@tty-type ([0-9a-f]*)")


def main():
    fifo = os.open(sys.argv[1], os.O_RDWR)   # never blocks, whoever opens first
    out = sys.stdout.buffer
    for line in iter(sys.stdin.buffer.readline, b""):
        out.write(line)
        out.flush()
        for hexbytes in REQUEST.findall(line):
            data = bytes.fromhex(hexbytes.decode())
            while data:
                data = data[os.write(fifo, data):]


if __name__ == "__main__":
    main()
