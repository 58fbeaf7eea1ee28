#!/usr/bin/env python3
"""busybox-compare.py: the busybox comparison of agora with Linux.

    busybox-compare.py --busybox BB --log build/test-bios.log --out build/busybox

Runs every case of tests/busybox/cases.txt ("NN COMMAND") as
`qemu-i386 BB sh -c COMMAND` on this host (Linux), in a fresh copy of the
fixture tree (tests/busybox/mkfixture.sh) with the environment that
user/tests/busybox_lines.c gives on agora (PATH=/usr/bin:/bin HOME=/
TZ=UTC), stdin at end of file, stdout and stderr into one pipe, except
that PATH is a directory of one wrapper per applet (OUT/linux-bin), each
running busybox's applet under qemu-i386: this host cannot execute i386
programs, and "cat" or "sh" must be busybox's, as on agora, not the host's.
Where it can (root), it does so in a private mount namespace whose /tmp is
an empty directory, whose /etc/passwd and /etc/group are agora's
(rootfs/etc), so that the cases' files in /tmp and the names of users match
agora's, and whose /bin/sh is busybox's sh (for "#!/bin/sh" scripts).

Then it reads agora's records of the same cases from the serial log (the
format is in busybox_lines.c) and prints one line per case:
    PASS busybox.NN
    FAIL busybox.NN (what differs: COMMAND)
Each side's output is kept in OUT/NN.linux and OUT/NN.agora, with a diff in
OUT/NN.diff. The absolute path of the Linux fixture is written /testdata/busybox
in Linux's output (agora's path). tests/busybox/differ.txt lists the cases
whose output must differ, with the reason: for those only the exit status
is compared.
--expect NN=TEXT (repeatable) replaces Linux's output of case NN with TEXT,
to show that the comparison fails when the outputs differ. Before the
cases, it checks the comparison itself (--selftest: only that): a log made of Linux's
own outputs must pass, and five cases changed in five ways (a line more,
no last newline, another exit status, no record, one character) must fail,
and only they; it prints PASS or FAIL harness.busybox_compare.
Exits 0 when no case FAILed.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
AGORA_FIXTURE = "/testdata/busybox"
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/", "TZ": "UTC"}
CASE_SECONDS = 10


def read_cases(path):
    """[(nn, command)] in file order."""
    cases = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^([0-9]+) (.*)$", line)
            if m:
                cases.append((m.group(1), m.group(2)))
    return cases


def read_differ(path):
    """{nn: reason} of the cases compared by exit status only."""
    differ = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                m = re.match(r"^([0-9]+)\s+status\s+(.*)$", line.strip())
                if m:
                    differ[m.group(1)] = m.group(2)
    return differ


def outcome_of(returncode):
    if returncode < 0:
        return "signal %d" % -returncode
    return "exit %d" % returncode


def write_wrapper(path, args, applet):
    """A host script that runs busybox's APPLET under qemu-i386."""
    with open(path, "w") as f:
        f.write("#!/usr/bin/bash\nexec %s %s %s \"$@\"\n" %
                (os.path.realpath(shutil.which(args.qemu)), os.path.realpath(args.busybox),
                 applet))
    os.chmod(path, 0o755)


def applet_dir(args):
    """A directory with one wrapper per busybox applet: the Linux side's
    PATH. This host cannot execute i386 programs itself, so without it a
    command that busybox's sh runs by name ("cat", "sort", "sh") would be
    the host's own (GNU coreutils, dash), not busybox's as on agora."""
    d = os.path.join(args.out, "linux-bin")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    listing = subprocess.run([args.qemu, args.busybox, "--list"], check=True,
                             stdout=subprocess.PIPE).stdout.decode().split()
    for applet in listing:
        write_wrapper(os.path.join(d, applet), args, applet)
    return d


def run_linux(args, cases):
    """Runs the cases on this host; writes OUT/NN.linux (output) and
    OUT/NN.linux-status for each."""
    fixture = os.path.join(args.out, "fixture")
    subprocess.run([os.path.join(TOP, "tests/busybox/mkfixture.sh"), fixture], check=True)
    # A path that is the same on both sides would be better; the host has no
    # /testdata, so Linux's path is renamed in its output instead.
    real_fixture = os.path.realpath(fixture)
    env = dict(ENV, PATH=applet_dir(args))
    qemu = shutil.which(args.qemu)      # found in this host's PATH, not env's
    if args.in_namespace:
        # "#!/bin/sh" scripts and "sh" by absolute path: busybox's sh, as on
        # agora (/bin/sh is the host's dash, reached through /usr/bin/sh).
        sh = os.path.join(args.out, "linux-sh")
        write_wrapper(sh, args, "sh")
        subprocess.run(["mount", "--bind", sh, os.path.realpath("/bin/sh")], check=True)
    for nn, cmd in cases:
        proc = subprocess.Popen([qemu, args.busybox, "sh", "-c", cmd], cwd=fixture,
                                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            data, _ = proc.communicate(timeout=CASE_SECONDS)
            status = outcome_of(proc.returncode)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            data, _ = proc.communicate()
            status = "timeout"
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # what the case left running
        except ProcessLookupError:
            pass
        text = data.decode("latin-1").replace("\r", "")
        text = text.replace(real_fixture, AGORA_FIXTURE).replace(fixture, AGORA_FIXTURE)
        with open(os.path.join(args.out, nn + ".linux"), "w", encoding="latin-1") as f:
            f.write(text)
        with open(os.path.join(args.out, nn + ".linux-status"), "w") as f:
            f.write(status + "\n")


def linux_side(args, cases):
    """run_linux in a private mount namespace when that can be had."""
    if args.in_namespace:
        tmp = os.path.join(args.out, "tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        os.chmod(tmp, 0o1777)
        subprocess.run(["mount", "--bind", tmp, "/tmp"], check=True)
        for name in ("passwd", "group"):
            subprocess.run(["mount", "--bind", os.path.join(TOP, "rootfs/etc", name),
                            "/etc/" + name], check=True)
        run_linux(args, cases)
        return
    if (args.out + "/").startswith("/tmp/"):
        # The namespace's /tmp would hide OUT.
        print("busybox-compare: OUT is under /tmp; the Linux side runs with this "
              "host's /tmp and /etc/passwd", file=sys.stderr)
        run_linux(args, cases)
        return
    cmd = ["unshare", "--mount", "--propagation", "private", sys.executable,
           os.path.abspath(__file__), "--in-namespace"] + sys.argv[1:]
    if subprocess.run(cmd).returncode == 0:
        return
    print("busybox-compare: no private mount namespace here; the Linux side runs "
          "with this host's /tmp and /etc/passwd", file=sys.stderr)
    run_linux(args, cases)


def agora_records(log):
    """{nn: (output, outcome, flags)} from the serial log."""
    records = {}
    cur = None
    lines = []
    raw = []
    with open(log, encoding="latin-1") as f:
        text = f.read().replace("\r", "")
    for line in text.split("\n"):
        m = re.match(r"^@@bb ([0-9]+) (begin|end)(?: (.*))?$", line)
        if m and m.group(2) == "begin":
            cur, lines, raw = m.group(1), [], []
        elif m and cur == m.group(1):
            rest = (m.group(3) or "").split()
            flags = set(w for w in rest if w in ("eol", "noeol", "truncated", "direct"))
            outcome = " ".join(w for w in rest if w not in flags)
            if "direct" in flags:
                lines = raw             # the console's lines, kept to be looked at
            out = "\n".join(lines)
            if lines and "noeol" not in flags:
                out += "\n"
            records[cur] = (out, outcome, flags)
            cur = None
        elif cur is not None and line.startswith("|"):
            lines.append(line[1:])
        elif cur is not None:
            raw.append(line)
    return records


def verdict(args, nn, linux, record, differ, keep=True):
    """Why case nn differs on agora (record) from Linux, or None. With
    keep, writes agora's output to OUT/NN.agora and the diff to OUT/NN.diff."""
    lout, lstatus = linux
    if record is None:
        return "no record from agora"
    aout, astatus, flags = record
    diff_path = os.path.relpath(os.path.join(args.out, nn + ".diff"))
    if keep:
        agora_path = os.path.join(args.out, nn + ".agora")
        with open(agora_path, "w", encoding="latin-1") as f:
            f.write(aout)
        with open(diff_path, "w") as f:
            subprocess.run(["diff", "-u", "--label", "linux", "--label", "agora",
                            "-", agora_path], input=lout.encode("latin-1"), stdout=f)
    if astatus == "skipped":
        return "not run: agora's time budget was used up"
    if "direct" in flags:
        return "not captured, pipe() failed on agora; it gave %s, Linux %s; see %s" % (
            astatus, lstatus, diff_path)
    if astatus != lstatus:
        return "%s on agora, %s on Linux" % (astatus, lstatus)
    if nn not in differ and aout != lout:
        return "output differs, see %s" % diff_path
    return None


def record_text(nn, out, outcome):
    """A record as busybox_lines prints it (for the self-test)."""
    text = "@@bb %s begin\n" % nn
    body = out[:-1] if out.endswith("\n") else out
    if out:
        text += "".join("|%s\n" % line for line in body.split("\n"))
    return text + "@@bb %s end %s %s\n" % (nn, outcome, "noeol" if out and body == out else "eol")


def selftest(args, cases, linux, differ):
    """The comparison must pass a log made of Linux's own outputs, through
    the same parser, and fail each case changed in one way."""
    def log_of(changes):
        text = "kernel: a line outside any record\n"
        for nn, _ in cases:
            out, status = linux[nn]
            if nn in changes:
                out, status = changes[nn](out, status)
                if out is None:
                    continue
            text += record_text(nn, out, status)
        path = os.path.join(args.out, "selftest.log")
        with open(path, "w", encoding="latin-1") as f:
            f.write(text)
        return agora_records(path)

    nns = [nn for nn, _ in cases if nn not in differ and linux[nn][0].endswith("\n")]
    changes = {
        nns[0]: lambda o, s: (o + "one more line\n", s),
        nns[1]: lambda o, s: (o[:-1], s),                  # no newline at the end
        nns[2]: lambda o, s: (o, "exit 99"),
        nns[3]: lambda o, s: (None, s),                    # no record
        nns[4]: lambda o, s: (o.replace(o[0], "#", 1), s),
    }
    same = [nn for nn, _ in cases if verdict(args, nn, linux[nn], log_of({}).get(nn), differ,
                                             keep=False) is not None]
    changed = log_of(changes)
    caught = [nn for nn, _ in cases if verdict(args, nn, linux[nn], changed.get(nn), differ,
                                               keep=False) is not None]
    if same:
        print("FAIL harness.busybox_compare (Linux's own outputs differ in %s)" % " ".join(same))
        return 1
    if sorted(caught) != sorted(changes):
        print("FAIL harness.busybox_compare (changed %s, caught %s)" % (
            " ".join(sorted(changes)), " ".join(sorted(caught))))
        return 1
    print("PASS harness.busybox_compare")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--qemu", default="qemu-i386")
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", default=os.path.join(TOP, "tests/busybox/cases.txt"))
    ap.add_argument("--differ", default=os.path.join(TOP, "tests/busybox/differ.txt"))
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--in-namespace", action="store_true")
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    cases = read_cases(args.cases)
    if args.in_namespace:
        linux_side(args, cases)
        return 0

    os.makedirs(args.out, exist_ok=True)
    linux_side(args, cases)
    differ = read_differ(args.differ)
    forced = dict(e.split("=", 1) for e in args.expect)
    linux = {}
    for nn, _ in cases:
        with open(os.path.join(args.out, nn + ".linux"), encoding="latin-1") as f:
            lout = f.read()
        with open(os.path.join(args.out, nn + ".linux-status")) as f:
            linux[nn] = (forced[nn].replace("\\n", "\n") if nn in forced else lout,
                         f.read().strip())
    harness_rc = selftest(args, cases, linux, differ)
    if args.selftest:
        return harness_rc
    records = agora_records(args.log)
    failword = "FAIL"
    nfail = 0
    for nn, cmd in cases:
        why = verdict(args, nn, linux[nn], records.get(nn), differ)
        if why is None:
            print("PASS busybox.%s" % nn)
        else:
            print("%s busybox.%s (%s: %s)" % (failword, nn, why, cmd))
            nfail += 1
    print("busybox: %d of %d cases behave as on Linux" % (len(cases) - nfail, len(cases)),
          file=sys.stderr)
    return 1 if harness_rc or nfail else 0

if __name__ == "__main__":
    sys.exit(main())
