#!/usr/bin/env python3
"""The live progress on a terminal and the end-of-test table, through a pseudo-terminal,
against the reference store; and that neither shows without a terminal or with -q.

usage: test_progress.py audit|load|run|quiet
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest)."""
import contextlib
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run  # noqa: E402  (the reference store and the config of the run tests)
from test_run import BIN, SECRETS, Refstore, check, config, run_part  # noqa: E402

ERASE = "\x1b[K"  # erase to the end of the line: every redraw of the status line ends so
PASS, FAIL = "\u2713", "\u2717"
ENV = dict(os.environ, TERM="xterm", **SECRETS)
# Shoppers of the shipped steady profile (its mix names these four scenarios); two steps carry
# checks, one of which the store never satisfies (it sends no such header).
LOAD = test_run.DEGRADE_LOAD.replace(
    "duration: 6s", "duration: 3s").replace(
    "  fault: { name: orders_down, at: 1s, duration: 3s }\n", "").replace(
    "expect: [200] }\n    search:", 'expect: [200], check: ["$.id exists"] }\n    search:').replace(
    '"/api/v1/search?q=lamp", expect: [200] }',
    '"/api/v1/search?q=lamp", expect: [200], check: ["header X-Not-Sent exists"] }')
RUN_LOAD = test_run.DEGRADE_LOAD.replace("duration: 6s", "duration: 4s").replace(
    "at: 1s, duration: 3s", "at: 1s, duration: 2s")


@contextlib.contextmanager
def running_store(work, broken=None):
    """The reference store, stopped however the block ends."""
    store = Refstore(work, broken)
    try:
        yield store
    finally:
        store.stop()


def run_config(store, work):
    """Two baseline probes (O-ATTESTATIONS fails: nothing is declared), then shoppers through
    an orders outage."""
    return config(store, work, "S-NOSNIFF, O-ATTESTATIONS", RUN_LOAD, rate="20",
                  skip="T-RATE-LIMIT-UNDER-LOAD")


def in_pty(args, stdout_pipe=False, timeout=90, interrupt_when=None):
    """Run args with stderr (and stdout, unless stdout_pipe) on a pseudo-terminal 200 columns
    wide, with one SIGINT once interrupt_when(what was shown so far) holds; (exit code, what the
    terminal showed, what stdout carried when piped)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    stdout = tempfile.TemporaryFile() if stdout_pipe else slave  # a file: it never fills up
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=slave,
                            env=ENV, close_fds=True)
    os.close(slave)
    shown, end = b"", time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # the other side closed: Linux says EIO
            data = b""
        if not data:
            break
        shown += data
        if interrupt_when and interrupt_when(shown.decode("utf-8", "replace")):
            proc.send_signal(signal.SIGINT)
            interrupt_when = None
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    piped = ""
    if stdout_pipe:
        stdout.seek(0)
        piped = stdout.read().decode()
        stdout.close()
    os.close(master)
    return proc.returncode, shown.decode("utf-8", "replace"), piped


def frames(shown):
    """Each redraw of the status line: the text between a carriage return and the erase."""
    return [f for f in re.findall(r"\r([^\r\n]*?)\x1b\[K", shown) if f]


def no_progress(text, what):
    """Nothing of the live display: no redraw, no erase, no end-of-test table."""
    check(ERASE not in text and not re.search(r"\r(?!\n)", text),
          "%s: no progress escape sequences: %r" % (what, text[-400:]))
    check("probes done" not in text and PASS not in text and FAIL not in text,
          "%s: no progress line and no end-of-test table: %r" % (what, text[-400:]))


def test_audit(work):
    """Every answer of the slow store takes 1.5 s: the audit runs long enough to be watched."""
    with running_store(work, "slow") as store:
        cfg = config(store, work, "S-NOSNIFF, S-VERSION-LEAK, O-CLOCK")
        rc, shown, _ = in_pty([BIN, "audit", cfg])
        check(rc in (0, 1), "the audit ran (exit %d): %r" % (rc, shown[-600:]))
        seen = [re.fullmatch(r"audit  (\d+)/3 probes done  (\d+)s(?:  running: (.*))?", f)
                for f in frames(shown)]
        check(seen and all(seen), "every redraw is the audit's line: %r" % frames(shown))
        seen = [m for m in seen if m]
        done = [int(m.group(1)) for m in seen]
        check(done == sorted(done), "probes done only grow: %s" % done)
        running = [m.group(3) for m in seen if m.group(3)]
        check(running and all(set(r.split(", ")) <= {"S-NOSNIFF", "S-VERSION-LEAK", "O-CLOCK"}
                              for r in running),
              "the line names the probes still running: %s" % running)
        check(len(seen) <= 4 * max(1, int(seen[-1].group(2)) + 1) + 2,
              "at most four redraws a second: %d in %s s" % (len(seen), seen[-1].group(2)))
        check(re.search(r"audit: 3/3 probes done in \d+\.\ds\r\n", shown),
              "the audit ends with its count: %r" % shown[:600])

        # Ctrl-C while the line is up: the message erases it instead of running on after it.
        rc, shown, _ = in_pty([BIN, "audit", cfg], interrupt_when=lambda s: "running: " in s)
        check(rc == 3 and "\r\x1b[Kstorecheck audit: interrupted: " in shown and
              re.search(r"audit: \d/3 probes done in \d+\.\ds \(interrupted\)\r\n", shown),
              "the interruption is said on a line of its own (exit %d): %r" % (rc, shown[:800]))


def test_load(work):
    with running_store(work) as store:
        cfg = config(store, work, "S-HSTS", LOAD, rate="40")
        rc, shown, _ = in_pty([BIN, "load", cfg])
        check(rc == 1, "the failed checks break error_rate (exit %d): %r" % (rc, shown[-800:]))
        lines = [f for f in frames(shown) if f.startswith("load ")]
        pattern = (r"load \[[=> ]{24}\] (\d+)s/3s  users (\d+)/(\d+)  iterations (\d+) "
                   r"\((\d+) failed\)  (\d+) req/s(  p95 [0-9.]+[mu]?s)?  errors \d+")
        parsed = [re.fullmatch(pattern, f) for f in lines]
        check(lines and all(parsed), "the load's line once a second: %r" % lines)
        parsed = [m for m in parsed if m]
        check(any(int(m.group(6)) > 0 and int(m.group(2)) > 0 and m.group(7) for m in parsed),
              "a second with users, req/s and a p95: %r" % lines)
        check(any(int(m.group(5)) > 0 for m in parsed),
              "failed iterations are counted as they happen: %r" % lines)
        check(len(lines) <= 5, "one redraw a second: %d" % len(lines))
        check(re.search(r"%s\S* p99 < 1s\.+: p99 = [0-9.]+[mu]?s, allowed < 1s" % PASS, shown)
              and re.search(r"%s\S* error_rate < 1%%\.+: error_rate = [0-9.]+%%, allowed < 1%%"
                            % FAIL, shown),
              "the table marks each threshold with its observed value: %r" % shown[-1500:])
        check(re.search(r"%s\S* browse/product: \$\.id exists" % PASS, shown) and
              re.search(r"%s\S* search/search: header X-Not-Sent exists - \d+ failed" % FAIL,
                        shown),
              "the table marks each step check ✓ or ✗ with its failures: %r" % shown[-1500:])
        for row in ("http_reqs", "http_req_failed", "http_req_duration", "iterations",
                    "iteration_duration{checkout}"):
            check(re.search(r"\n  %s\.+: " % re.escape(row), shown),
                  "the table has %s: %r" % (row, shown[-1500:]))


def test_run_phases(work):
    with running_store(work) as store:
        cfg = run_config(store, work)
        rc, shown, _ = in_pty([BIN, "run", cfg])
        check(rc in (0, 1), "the run was done (exit %d): %r" % (rc, shown[-800:]))
        lines = frames(shown)
        check(any(f.startswith("baseline audit  ") for f in lines) and
              "baseline audit: 2/2 probes done in" in shown,
              "the baseline audit is named: %r" % lines)
        check(any(re.match(r"load \[", f) for f in lines), "the load is named: %r" % lines)
        check(any(re.match(r"load, fault orders_down on \[", f) for f in lines) and
              re.search(r"fault orders_down on at 1\.\ds of the load", shown) and
              re.search(r"fault orders_down off at 3\.\ds of the load", shown),
              "the fault window is named while it is on: %r" % lines)
        check("under-load probes started at" in shown and
              any(re.search(r"under-load probes \d+/\d+ done$", f) for f in lines),
              "the under-load probes are named: %r" % lines)
        check(re.search(r"\n  checks\.+: [0-9.]+%%  %s \d+  %s \d+ " % (PASS, FAIL), shown),
              "the table counts the checks: %r" % shown[-1500:])
        check(re.search(r"%s\S* O-ATTESTATIONS fail \(low\): manual checks not declared" % FAIL,
                        shown),
              "the table names the failed check: %r" % shown[-1500:])
        check(re.search(r"%s\S* p99 < 1s\.+: p99 = [0-9.]+[mu]?s, allowed < 1s" % PASS, shown),
              "the table gives the thresholds with their observed values: %r" % shown[-1500:])

        # With the report on stdout, stdout carries it alone; the progress stays on stderr.
        rc, shown, piped = in_pty([BIN, "run", cfg, "--json", "-"], stdout_pipe=True)
        check(ERASE not in piped and "\r" not in piped and json.loads(piped)["kind"],
              "stdout carries the JSON report alone: %r" % piped[:300])
        check(any(f.startswith("load") for f in frames(shown)),
              "the progress went to the terminal: %r" % shown[-600:])


def test_quiet(work):
    """Without a terminal and with -q: the output scripts read, without the live display."""
    with running_store(work) as store:
        cfg = run_config(store, work)
        r = subprocess.run([BIN, "run", cfg], env=ENV, capture_output=True, text=True,
                           timeout=90)
        check(r.returncode in (0, 1), "the run was done (exit %d): %s" % (r.returncode, r.stderr))
        no_progress(r.stdout + r.stderr, "run through pipes")
        check(re.search(r"\d+ checks: \d+ pass, \d+ warn, [1-9]\d* fail", r.stdout) and
              "FAIL O-ATTESTATIONS (low)" in r.stdout,
              "the plain summary is as before: %s" % r.stdout)
        r = subprocess.run([BIN, "audit", cfg], env=ENV, capture_output=True, text=True,
                           timeout=90)
        no_progress(r.stdout + r.stderr, "audit through pipes")
        rc, shown, _ = in_pty([BIN, "-q", "run", cfg])
        check(rc in (0, 1) and "verdict: " in shown, "-q still gives the verdict: %r" % shown)
        no_progress(shown, "run -q on a terminal")
        rc, shown, _ = in_pty([BIN, "load", cfg, "-q"])
        no_progress(shown, "load -q on a terminal")
        rc, shown, _ = in_pty(["env", "TERM=dumb", BIN, "audit", cfg])
        check(ERASE not in shown and "probes done" not in shown,
              "a dumb terminal gets no status line: %r" % shown[-400:])


if __name__ == "__main__":
    sys.exit(run_part({"audit": test_audit, "load": test_load, "run": test_run_phases,
                       "quiet": test_quiet}, "sc-progress-"))
