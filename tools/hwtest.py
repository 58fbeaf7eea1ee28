#!/usr/bin/env python3
"""hwtest.py: agora on the kinds of PC that issue 10 names, in QEMU.

Each scenario boots the USB image (`make usb`'s build/agora.iso) as a
usb-storage disk, or as the test suite's image, on one machine shape:
SeaBIOS or OVMF, with or without a PS/2 controller, with a USB keyboard,
with or without a serial port, a CPU too old for agora, QEMU's -nodefaults.
It types on the machine's keyboard through QMP (`send-key` goes to the
keyboard QEMU routes input to; `input-send-event` with a device id to one
keyboard in particular) and reads what agora shows:

  - the serial port, when the scenario has one (a file);
  - the screen, from QMP `screendump`: agora's framebuffer console draws
    8x16 cells from (0, 0) with kernel/dev/font8x16.c, so the text on the
    screen is read back cell by cell by matching that font (screen_text).

Every scenario prints PASS name or FAIL name (why), and the wall time from
QEMU's start to the shell prompt where there is one; the exit status is
the number of failures.

  tools/hwtest.py --image build/agora.iso --fail-image build-hw/agora.iso \\
      --out build-hw [scenario...]
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
PROMPT = re.compile(r"agora:\S*#( |$)", re.M)     # rootfs/etc/profile's PS1, as root
HERE = os.path.dirname(os.path.abspath(__file__))

# ---- the console font, for reading the screen back --------------------------

def load_font():
    """font8x16.c's glyphs as {tuple of 16 scan lines: character}."""
    src = open(os.path.join(HERE, "..", "kernel", "dev", "font8x16.c")).read()
    glyphs = {}
    for m in re.finditer(r"\[0x([0-9A-Fa-f]{2})\]\s*=\s*\{[^{}]*?\*/(.*?)\}", src, re.S):
        code = int(m.group(1), 16)
        rows = tuple(int(x, 16) for x in re.findall(r"0x([0-9A-Fa-f]{2})", m.group(2)))
        if len(rows) == 16 and 0x20 <= code < 0x7F:
            glyphs.setdefault(rows, chr(code))
    # The cursor is drawn as the cell's last two scan lines in full; a
    # glyph under it is matched on its first 14.
    partial = {}
    for rows, ch in glyphs.items():
        partial.setdefault(rows[:14], ch)
    return glyphs, partial

FONT, FONT14 = load_font()


def read_ppm(path):
    """(width, height, bytes of RGB) of a binary PPM (P6)."""
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6", "not a binary PPM"
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + 3 * w * h]


def plain(text):
    """Text without its ANSI escape sequences (colours, cursor moves)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def screen_text(path):
    """The text agora's framebuffer console shows in a screendump: one
    string per row of cells, '?' for a cell that matches no glyph."""
    w, h, px = read_ppm(path)
    lines = []
    for row in range(h // 16):
        out = []
        for col in range(w // 8):
            base = (row * 16 * w + col * 8) * 3
            bg = px[base:base + 3]          # scan line 0 is blank in every glyph
            rows = []
            for y in range(16):
                o = base + y * w * 3
                bits = 0
                for x in range(8):
                    if px[o + 3 * x:o + 3 * x + 3] != bg:
                        bits |= 0x80 >> x
                rows.append(bits)
            rows = tuple(rows)
            out.append(FONT.get(rows) or FONT14.get(rows[:14]) or "?")
        lines.append("".join(out).rstrip())
    return lines

# ---- QEMU with QMP -----------------------------------------------------------

# Characters to QEMU key codes (US layout); shifted ones carry "shift".
KEYS = {" ": "spc", "\n": "ret", "-": "minus", "=": "equal", ".": "dot",
        "/": "slash", ";": "semicolon", "'": "apostrophe", ",": "comma",
        "[": "bracket_left", "]": "bracket_right", "\\": "backslash",
        "`": "grave_accent"}
SHIFTED = {"$": "4", "(": "9", ")": "0", "*": "8", ">": "dot", "<": "comma",
           "|": "backslash", "_": "minus", ":": "semicolon", '"': "apostrophe",
           "&": "7", "+": "equal", "!": "1", "@": "2", "#": "3", "%": "5",
           "^": "6", "?": "slash", "{": "bracket_left", "}": "bracket_right",
           "~": "grave_accent"}


def qcodes(ch):
    if ch.isdigit() or (ch.isalpha() and ch.islower()):
        return [ch]
    if ch.isalpha():
        return ["shift", ch.lower()]
    if ch in KEYS:
        return [KEYS[ch]]
    if ch in SHIFTED:
        return ["shift", SHIFTED[ch]]
    raise ValueError("no key for %r" % ch)


class Qemu:
    def __init__(self, out, name, args, serial=True, exe="qemu-system-i386"):
        self.name = name
        self.dir = os.path.join(out, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.sock_path = os.path.join(self.dir, "qmp.sock")
        self.serial_path = os.path.join(self.dir, "serial.log")
        self.shots = 0
        cmd = [exe] + args + ["-display", "none",
                              "-qmp", "unix:%s,server=on,wait=off" % self.sock_path]
        if serial:
            cmd += ["-serial", "file:" + self.serial_path]
        elif "-nodefaults" not in args:
            cmd += ["-serial", "none"]
        with open(os.path.join(self.dir, "cmdline"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        self.start = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=open(os.path.join(self.dir, "qemu.out"), "w"),
                                     stderr=subprocess.STDOUT)
        self.sock = None
        for _ in range(100):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.sock_path)
                self.sock = s
                break
            except OSError:
                time.sleep(0.1)
        if not self.sock:
            raise RuntimeError("no QMP socket")
        self.rfile = self.sock.makefile("r")
        self.rfile.readline()                       # the greeting
        self.qmp("qmp_capabilities")

    def qmp(self, command, **arguments):
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall((json.dumps(msg) + "\n").encode())
        while True:
            line = self.rfile.readline()
            if not line:
                raise RuntimeError("QMP closed")
            reply = json.loads(line)
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError("QMP %s: %s" % (command, reply["error"]))

    def elapsed(self):
        return time.monotonic() - self.start

    def running(self):
        return self.proc.poll() is None

    def serial(self):
        try:
            with open(self.serial_path, "rb") as f:
                return f.read().decode("latin-1").replace("\r", "")
        except FileNotFoundError:
            return ""

    def screen(self):
        self.shots += 1
        path = os.path.join(self.dir, "screen.ppm")
        self.qmp("screendump", filename=path)
        lines = screen_text(path)
        with open(os.path.join(self.dir, "screen.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        return lines

    def key(self, codes, device=None):
        keys = [{"type": "qcode", "data": c} for c in codes]
        if device is None:
            self.qmp("send-key", keys=keys, **{"hold-time": 40})
        else:
            # The keyboard bound to the display `device`: press all, then
            # release all.
            for down in (True, False):
                events = [{"type": "key", "data": {"down": down, "key": k}} for k in keys]
                self.qmp("input-send-event", device=device, events=events)
                time.sleep(0.04)
        time.sleep(0.08)

    def type(self, text, device=None):
        for ch in text:
            self.key(qcodes(ch), device)

    def wait(self, pred, timeout, step=0.5):
        """Poll pred() until it is true (returns its value) or the time is up."""
        end = time.monotonic() + timeout
        while True:
            v = pred()
            if v or time.monotonic() > end or not self.running():
                return v
            time.sleep(step)

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.running():
            self.proc.kill()
            self.proc.wait()
        if self.sock:
            self.sock.close()

# ---- machines ------------------------------------------------------------------

def stick(image):
    """The image as a USB stick on an xHCI controller, booted first."""
    return ["-device", "qemu-xhci,id=xhci",
            "-drive", "if=none,id=stick,format=raw,snapshot=on,file=" + image,
            "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0"]


USB_KBD = "usbkbd"                      # the USB keyboard's QEMU device id


def machine(firmware, out, name, image, ps2=True, usbkbd=True, serial=True, mem="256M",
            extra=(), usbkbd_opts=""):
    args = ["-m", mem]
    if firmware == "uefi":
        exe = "qemu-system-x86_64"
        vars_copy = os.path.join(out, name + ".vars.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        args += ["-machine", "q35" + ("" if ps2 else ",i8042=off"),
                 "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                 "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
    else:
        exe = "qemu-system-i386"
        # SeaBIOS on the PC without a PS/2 controller is q35 too (i8042 is
        # part of the pc machine's board).
        args += ["-machine", "pc" if ps2 else "q35,i8042=off"]
    args += list(extra) + stick(image)      # a display named in usbkbd_opts comes first
    if usbkbd:
        args += ["-device", "usb-kbd,bus=xhci.0,id=" + USB_KBD + usbkbd_opts]
    return Qemu(out, name, args, serial=serial, exe=exe)

# ---- scenarios -----------------------------------------------------------------

results = []


def report(name, ok, why="", note=""):
    results.append((name, ok))
    if ok:
        print("PASS hw.%s%s" % (name, ("  (" + note + ")") if note else ""), flush=True)
    else:
        print("FAIL hw.%s (%s)" % (name, why), flush=True)


def shell_session(q, name, where, typists=((None, "typed"),), answer=42):
    """Wait for the prompt on `where` (screen or serial); for each (device,
    tag) type `echo TAG-$((6*7))` on that keyboard (None: QEMU's default
    route) and check that TAG-42 appears there; then type poweroff and
    expect QEMU to end with status 0. Returns (ok, why, seconds to the
    prompt)."""
    if where == "serial":
        seen = lambda: PROMPT.search(q.serial())
    else:
        seen = lambda: any(PROMPT.search(line) for line in q.screen())
    if not q.wait(seen, 120, step=1.0 if where == "screen" else 0.2):
        return False, "no shell prompt on the %s within 120 s" % where, None
    t_prompt = q.elapsed()
    time.sleep(1)               # busybox's line editor asks the screen for the cursor first
    for device, tag in typists:
        word = "%s-$((6*7))" % tag
        want = "%s-%d" % (tag, answer)
        q.type("echo %s\n" % word, device)
        if where == "serial":
            got = q.wait(lambda: re.search(r"^%s$" % want, q.serial(), re.M), 20, step=0.2)
        else:
            got = q.wait(lambda: any(line.strip() == want for line in q.screen()), 20, step=1.0)
        if not got:
            return (False, "typed 'echo %s' on %s but %r did not appear on the %s" %
                    (word, device or "the default keyboard", want, where), t_prompt)
    q.type("poweroff\n", typists[-1][0])
    rc = q.wait_exit(60)
    if rc is None:
        return False, "typed poweroff, QEMU still running after 60 s", t_prompt
    if rc != 0:
        return False, "typed poweroff, QEMU exit status %d" % rc, t_prompt
    return True, "", t_prompt


def scenario_shell(args, name, firmware, ps2, usbkbd, serial, where):
    q = machine(firmware, args.out, name, args.image, ps2=ps2, usbkbd=usbkbd, serial=serial)
    try:
        ok, why, t = shell_session(q, name, where)
    finally:
        q.stop()
    note = "shell prompt %.1f s after QEMU started" % t if t else ""
    report(name, ok, why, note)
    if t:
        timings.append((name, t))


timings = []

SHELL_SCENARIOS = {
    # name: firmware, PS/2, USB keyboard, serial port, where to read
    "uefi_usb_noserial": ("uefi", False, True, False, "screen"),
    "uefi_usb_serial": ("uefi", False, True, True, "serial"),
    "bios_usb_noserial": ("bios", False, True, False, "screen"),
    "bios_usb_serial": ("bios", False, True, True, "serial"),
    "bios_ps2": ("bios", True, False, True, "serial"),
    "uefi_ps2": ("uefi", True, False, True, "serial"),
}


def scenario_both(args, name, firmware):
    """Both keyboards: a command typed on the USB one, then one on the
    PS/2 one. The USB keyboard is bound to the display video0: QMP's
    input-send-event naming that display reaches it, and QEMU's default
    route (send-key) is then the 8042's keyboard, the one bound to none."""
    q = machine(firmware, args.out, name, args.image, ps2=True, usbkbd=True, serial=True,
                extra=["-vga", "none", "-device", "VGA,id=video0"], usbkbd_opts=",display=video0")
    try:
        ok, why, t = shell_session(q, name, "serial", (("video0", "usb"), (None, "ps2")))
    finally:
        q.stop()
    report(name, ok, why)


def scenario_harness(args, name):
    """The harness itself must fail when agora's answer is wrong: the same
    session as bios_ps2, expecting 6*7 to print 41."""
    q = machine("bios", args.out, name, args.image, ps2=True, usbkbd=False, serial=True)
    try:
        ok, why, t = shell_session(q, name, "serial", answer=41)
    finally:
        q.stop()
    if ok:
        report(name, False, "a wrong answer (41) was accepted: the harness cannot fail")
    elif "did not appear" not in why:
        report(name, False, "failed, but not on the answer: %s" % why)
    else:
        report(name, True, note="a wrong answer fails: %s" % why)


def scenario_cpu(args, name, cpu):
    """A CPU without what agora needs: the message, then halted for good
    (reboots allowed: no -no-reboot)."""
    q = Qemu(args.out, name, ["-m", "256M", "-cpu", cpu, "-cdrom", args.image], serial=True)
    try:
        # boot/cpucheck.c's message: what agora needs, then what this CPU
        # lacks, ending "Halted."
        whole = re.compile(r"^agora: needs an i686 CPU.*\n^agora: this CPU (.*)\. Halted\.$", re.M)
        msg = q.wait(lambda: whole.search(q.serial()), 60, step=0.3)
        if not msg:
            report(name, False, "no CPU message on the serial port within 60 s")
            return
        time.sleep(20)
        log = q.serial()
        n_msg = len(whole.findall(log))
        status = q.qmp("query-status")["status"] if q.running() else "exited"
        if n_msg != 1:
            report(name, False, "the message appeared %d times in 20 s: a reboot loop" % n_msg)
        elif status != "running":
            report(name, False, "QEMU status %s, want running (halted guest)" % status)
        else:
            report(name, True, note="'this CPU %s. Halted.', once in 20 s" % msg.group(1))
    finally:
        q.stop()


def scenario_nodefaults(args, name, firmware):
    """-nodefaults: no VGA, no serial port, no network; the stick on xHCI
    and a USB keyboard only (q35 without the 8042). agora must come up
    anyway: poweroff is typed every few seconds until QEMU ends."""
    args_q = ["-nodefaults", "-m", "256M"]
    if firmware == "uefi":
        exe = "qemu-system-x86_64"
        vars_copy = os.path.join(args.out, name + ".vars.fd")
        shutil.copy(OVMF_VARS, vars_copy)
        args_q += ["-machine", "q35,i8042=off",
                   "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                   "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
    else:
        exe = "qemu-system-i386"
        args_q += ["-machine", "q35,i8042=off"]
    args_q += stick(args.image) + ["-device", "usb-kbd,bus=xhci.0,id=" + USB_KBD]
    q = Qemu(args.out, name, args_q, serial=False, exe=exe)
    try:
        time.sleep(10)
        rc = None
        for _ in range(12):
            q.type("\npoweroff\n")
            rc = q.wait_exit(5)
            if rc is not None:
                break
        if rc is None:
            report(name, False, "poweroff typed for a minute, QEMU still running: a hang?")
        elif rc != 0:
            report(name, False, "QEMU exit status %d" % rc)
        else:
            report(name, True, note="ended by typed poweroff after %.1f s" % q.elapsed())
    finally:
        q.stop()


def scenario_testsuite(args, name, firmware):
    """The stick's test-suite entry, chosen by keys typed in GRUB's menu,
    on an image with the failing demo test: the report must appear (its
    serial copy) and name fail_demo; then p powers off."""
    q = machine(firmware, args.out, name, args.fail_image, ps2=True, usbkbd=False,
                serial=True, mem="256M")
    try:
        # GRUB's menu (also on the serial port) waits a few seconds: go down
        # to the test-suite entry and take it.
        if not q.wait(lambda: "run the test suite" in q.serial(), 90, step=0.2):
            report(name, False, "no GRUB menu with the test-suite entry on the serial port")
            return
        q.key(["down"])
        q.key(["ret"])
        counts = re.compile(r"^report: (\d+) passed, (\d+) failed", re.M)
        end = q.wait(lambda: counts.search(plain(q.serial())), args.suite_timeout, step=2)
        if not end:
            report(name, False, "no report within %d s; see %s" % (args.suite_timeout, q.serial_path))
            return
        time.sleep(2)                   # the rest of the report screen
        log = plain(q.serial())
        m = counts.search(log)
        # The failed tests: "  name (why)", then their first failure line.
        tail = log[m.end():]
        first = re.search(r"^  fail_demo \((.*)\)\n^    (.*)$", tail, re.M)
        if not first:
            report(name, False, "fail_demo not named on the report; see %s" % q.serial_path)
            return
        q.type("p")
        rc = q.wait_exit(60)
        if rc != 0:
            report(name, False, "p on the report: QEMU %s" %
                   ("still running" if rc is None else "exit %d" % rc))
            return
        report(name, True, note="%s passed, %s failed; fail_demo (%s): %s; %.0f s" %
               (m.group(1), m.group(2), first.group(1), first.group(2), q.elapsed()))
    finally:
        q.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--fail-image")
    ap.add_argument("--out", required=True)
    ap.add_argument("--suite-timeout", type=int, default=1500)
    ap.add_argument("only", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    plan = [("harness_fails", lambda: scenario_harness(args, "harness_fails"))]
    plan += [(n, lambda n=n, s=s: scenario_shell(args, n, *s)) for n, s in SHELL_SCENARIOS.items()]
    plan += [("bios_both", lambda: scenario_both(args, "bios_both", "bios")),
             ("uefi_both", lambda: scenario_both(args, "uefi_both", "uefi")),
             ("cpu_pentium", lambda: scenario_cpu(args, "cpu_pentium", "pentium")),
             ("cpu_486", lambda: scenario_cpu(args, "cpu_486", "486")),
             ("bios_nodefaults", lambda: scenario_nodefaults(args, "bios_nodefaults", "bios")),
             ("uefi_nodefaults", lambda: scenario_nodefaults(args, "uefi_nodefaults", "uefi"))]
    if args.fail_image:
        plan += [("bios_testsuite", lambda: scenario_testsuite(args, "bios_testsuite", "bios")),
                 ("uefi_testsuite", lambda: scenario_testsuite(args, "uefi_testsuite", "uefi"))]
    for name, run in plan:
        if args.only and name not in args.only:
            continue
        try:
            run()
        except Exception as e:          # a harness error is a failure too
            report(name, False, "harness: %s" % e)
    if timings:
        print("wall time from QEMU's start to the shell prompt:")
        for name, t in timings:
            print("  %-20s %5.1f s" % (name, t))
    failed = sum(1 for _, ok in results if not ok)
    print("hwtest: %d passed, %d failed" % (len(results) - failed, failed))
    return failed


if __name__ == "__main__":
    sys.exit(main())
