#!/usr/bin/env python3
"""Hostile HTTP/2 servers on loopback, written frame by frame: each one must end in an error
class of `storecheck load --http 2`, with no crash and no hang, and the run must end on time.

  goaway_storm   SETTINGS then GOAWAY (last stream 0) on every connection: nothing is ever
                 processed; refused requests are sent again a bounded number of times
  rst_every      RST_STREAM (INTERNAL_ERROR) for every request
  tiny_window    initial window of 1 byte and no WINDOW_UPDATE: a POST body never gets out
  settings_flood SETTINGS frames without end, never an answer
  malformed      a SETTINGS frame whose length is not a multiple of 6
  no_settings    accepts and reads, never sends a byte

and one that is not hostile but changes its mind: settings_change allows 8 streams, answers
in batches (so streams pile up to the limit), lowers the limit to 2 after 200 answers and
resets any stream beyond the limit in force (REFUSED_STREAM before the client acknowledged
its first SETTINGS): the run must see answers and no error at all.
"""
import json
import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

BIN = os.environ["STORECHECK_BIN"]
DURATION, TIMEOUT = 2.0, 1.0
MAX_CONNECTIONS = 2000  # the server's bound, whatever the client does

SETTINGS, GOAWAY, RST_STREAM, HEADERS = 4, 7, 3, 1


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def read_exact(conn, n, stop):
    data = b""
    while len(data) < n:
        if stop.is_set():
            raise ConnectionError
        try:
            chunk = conn.recv(n - len(data))
        except socket.timeout:
            continue
        if not chunk:
            raise ConnectionError
        data += chunk
    return data


def frames(conn, stop):
    """The client's frames after its preface, as (type, flags, stream), until stop."""
    read_exact(conn, 24, stop)
    while True:
        head = read_exact(conn, 9, stop)
        length = struct.unpack(">I", b"\0" + head[:3])[0]
        read_exact(conn, length, stop)
        yield head[3], head[4], struct.unpack(">I", head[5:9])[0] & 0x7FFFFFFF


def settings_change(conn, stop):
    """Answer in batches of up to the stream limit (or every 20 ms); lower the limit once."""
    conn.setblocking(False)
    buf, open_streams, limit, pending, answered = b"", [], 8, None, 0
    conn.sendall(frame(SETTINGS, 0, 0, struct.pack(">HI", 3, limit)))
    preface, first_open, acked = False, None, False
    while not stop.is_set():
        ready, _, _ = select.select([conn], [], [], 0.005)
        if ready:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buf += chunk
        if not preface and len(buf) >= 24:
            buf, preface = buf[24:], True
        while preface and len(buf) >= 9:
            length = struct.unpack(">I", b"\0" + buf[:3])[0]
            if len(buf) < 9 + length:
                break
            kind, flags = buf[3], buf[4]
            stream = struct.unpack(">I", buf[5:9])[0] & 0x7FFFFFFF
            buf = buf[9 + length:]
            if kind == SETTINGS and flags & 1:
                acked = True  # the client applies our limit from here
                if pending:
                    limit, pending = pending, None
            elif kind == SETTINGS and not flags & 1:
                conn.sendall(frame(SETTINGS, 1, 0))
            elif kind == HEADERS:
                if len(open_streams) >= limit:
                    # Before the client knew the limit, REFUSED_STREAM (sent again); after,
                    # PROTOCOL_ERROR (an error of the run).
                    code = 1 if acked else 7
                    conn.sendall(frame(RST_STREAM, 0, stream, struct.pack(">I", code)))
                else:
                    open_streams.append(stream)
                    first_open = first_open or time.monotonic()
        if open_streams and (len(open_streams) >= limit or time.monotonic() - first_open > 0.02):
            # :status 200 (HPACK static index 8), END_HEADERS | END_STREAM
            conn.sendall(b"".join(frame(HEADERS, 5, sid, b"\x88") for sid in open_streams))
            answered += len(open_streams)
            open_streams, first_open = [], None
            if answered >= 200 and limit == 8 and pending is None:
                pending = 2
                conn.sendall(frame(SETTINGS, 0, 0, struct.pack(">HI", 3, 2)))


def serve(mode, conn, stop):
    if mode == "settings_change":
        try:
            settings_change(conn, stop)
        except OSError:
            pass
        finally:
            conn.close()
        return
    conn.settimeout(0.5)
    try:
        if mode == "no_settings":
            while not stop.is_set():
                try:
                    if not conn.recv(65536):
                        return
                except socket.timeout:
                    pass
            return
        if mode == "malformed":
            conn.sendall(frame(SETTINGS, 0, 0, b"\0\3\0\0\0"))  # 5 bytes: FRAME_SIZE_ERROR
        elif mode == "tiny_window":
            conn.sendall(frame(SETTINGS, 0, 0, struct.pack(">HI", 4, 1)))  # INITIAL_WINDOW_SIZE 1
        else:
            conn.sendall(frame(SETTINGS, 0, 0))
        if mode == "goaway_storm":
            conn.sendall(frame(GOAWAY, 0, 0, struct.pack(">II", 0, 0)))
            time.sleep(0.01)
            return
        if mode == "settings_flood":
            burst = frame(SETTINGS, 0, 0, struct.pack(">HI", 3, 100)) * 64
            while not stop.is_set():
                conn.sendall(burst)
                time.sleep(0.001)
            return
        for kind, flags, stream in frames(conn, stop):
            if stop.is_set():
                return
            if kind == SETTINGS and not flags & 1:
                conn.sendall(frame(SETTINGS, 1, 0))
            elif kind == HEADERS and mode == "rst_every":
                conn.sendall(frame(RST_STREAM, 0, stream, struct.pack(">I", 2)))
    except (ConnectionError, OSError, socket.timeout):
        pass
    finally:
        conn.close()


def start_server(mode):
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(128)
    lsock.settimeout(0.2)
    stop = threading.Event()

    def accept_loop():
        accepted = 0
        while not stop.is_set() and accepted < MAX_CONNECTIONS:
            try:
                conn, _ = lsock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            accepted += 1
            threading.Thread(target=serve, args=(mode, conn, stop), daemon=True).start()
        lsock.close()

    threading.Thread(target=accept_loop, daemon=True).start()
    return lsock.getsockname()[1], stop


def run(mode, extra):
    port, stop = start_server(mode)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        args = [BIN, "load", "http://127.0.0.1:%d/" % port, "--http", "2", "-d", "%gs" % DURATION,
                "--timeout", "%gs" % TIMEOUT, "-c", "2", "-t", "1", "--json", out] + extra
        t0 = time.monotonic()
        proc = subprocess.run(args, capture_output=True, timeout=60)
        took = time.monotonic() - t0
        stop.set()
        result = json.load(open(out)) if os.path.exists(out) else None
    return proc, took, result


# mode -> (extra arguments, the error class it must show)
CASES = {
    "goaway_storm": ([], "closed"),
    "rst_every": ([], "stream_reset"),
    "tiny_window": (["-m", "POST", "--body", "x" * 4096], "timeout"),
    "settings_flood": ([], "timeout"),
    "malformed": ([], "protocol"),
    "no_settings": ([], "protocol"),
}


def check_settings_change():
    """A limit lowered mid-run: answers on both sides of the change, no error of any class."""
    proc, took, result = run("settings_change", ["-c", "1"])
    problems = []
    if not result:
        problems.append("no result, exit %d: %s" % (proc.returncode, proc.stderr.decode()[-300:]))
    else:
        t = result["totals"]
        print("settings_change exit %d in %.1fs: %d responses, errors %s" % (
            proc.returncode, took, t["responses"], {k: v for k, v in t["errors"].items() if v}))
        if t["responses"] < 400 or t["errors_total"] or t["internal_errors"]:
            problems.append("responses %d, errors %d" % (t["responses"], t["errors_total"]))
    if took > DURATION + 2 * TIMEOUT + 3:
        problems.append("took %.1fs" % took)
    for p in problems:
        print("  FAIL settings_change: %s" % p)
    return bool(problems)


def main():
    failed = check_settings_change()
    for mode, (extra, cls) in CASES.items():
        proc, took, result = run(mode, extra)
        problems = []
        if proc.returncode < 0 or proc.returncode > 3:
            problems.append("exit %d (crash?): %s" % (proc.returncode, proc.stderr.decode()[-400:]))
        # The run, the drain (at most the timeout) and the start's wait for connections.
        if took > DURATION + 2 * TIMEOUT + 3:
            problems.append("took %.1fs" % took)
        errors = result["totals"]["errors"] if result else {}
        if not result:
            # A server that breaks every first connection: the run cannot be done (exit 3) and
            # says why; the class must still be the expected one.
            if proc.returncode != 3 or cls not in ("protocol",):
                problems.append("no result, exit %d: %s" % (proc.returncode, proc.stderr.decode()[-300:]))
        elif not errors.get(cls):
            problems.append("no %s errors: %s" % (cls, {k: v for k, v in errors.items() if v}))
        if result and result["totals"]["internal_errors"]:
            problems.append("internal errors")
        print("%-15s exit %d in %.1fs: %s" % (mode, proc.returncode, took,
              {k: v for k, v in errors.items() if v} if result else proc.stderr.decode().strip()[-200:]))
        for p in problems:
            print("  FAIL %s: %s" % (mode, p))
        failed += bool(problems)
    print("%d of %d servers failed" % (failed, len(CASES) + 1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
