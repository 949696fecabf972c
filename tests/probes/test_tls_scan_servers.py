#!/usr/bin/env python3
"""S-TLS-VERSIONS and S-TLS-CIPHERS against real and hostile servers on loopback.

GnuTLS's gnutls-serv with two priority strings: a legacy one (TLS 1.0-1.2 with RC4, 3DES, NULL,
static RSA and anonymous suites, client's order) and a modern one (TLS 1.2 ECDHE-RSA AEAD only,
server's order). The suites the handshake scanner reports per version must be exactly those
gnutls-cli --list names for the priority string (less the ECDSA ones: the certificate is RSA),
and the same as sslscan's when sslscan is installed. Then Python servers that answer every hello
with garbage, a huge record length, an endless run of empty records, an alert, or nothing: both
probes must end, within their bound, with the error class in the evidence. Last a Python server
that speaks just enough SSL 2.0 and SSL 3.0 to answer a hello (gnutls-serv has neither): both
must be found and fail the probes.

Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest) and
gnutls-serv/gnutls-cli (Debian gnutls-bin): without them the test exits 77 (skip)."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
import test_run as tr  # noqa: E402  running storecheck, free ports, certificates

check = tr.check

LEGACY = ("NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+ARCFOUR-128:+3DES-CBC:+NULL:+RSA:+ANON-ECDH:"
          "+ANON-DH:+SHA1:+MD5:-VERS-TLS1.3")
MODERN = ("NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:"
          "+CHACHA20-POLY1305:-KX-ALL:+ECDHE-RSA:%SERVER_PRECEDENCE")
VERSIONS = {"TLS1.0": "TLS 1.0", "TLS1.1": "TLS 1.1", "TLS1.2": "TLS 1.2"}
ORDER = ["TLS1.0", "TLS1.1", "TLS1.2"]
IN_FLIGHT = 4  # the hellos S-TLS-CIPHERS sends side by side (probes/security_tls.c)


def suite_table():
    """The scanner's table, read from its source: OpenSSL and IANA names to ids."""
    text = open(os.path.join(tr.SRC, "probes", "tls_suites.c")).read()
    ids = {}
    for sid, iana, name in re.findall(r'\{0x([0-9A-F]{4}), "([^"]+)", "([^"]+)"', text):
        ids[name] = ids[iana] = int(sid, 16)
    return ids


def gnutls_expected(priority):
    """Per version, the ids gnutls-cli lists for priority, usable with an RSA certificate."""
    out = subprocess.run(["gnutls-cli", "--list", "--priority", priority], capture_output=True,
                         text=True, timeout=30).stdout
    suites = re.findall(r"^(TLS_\S+)\s+0x(..), 0x(..)\s+(TLS1\.\d)", out, re.M)
    protocols = re.search(r"^Protocols: (.*)$", out, re.M).group(1)
    expected = {}
    for v in ORDER:
        if "VERS-" + v not in protocols:
            continue
        expected[v] = {int(hi + lo, 16) for name, hi, lo, since in suites
                       if "_ECDSA_" not in name and since != "TLS1.3" and since <= v}
    return expected


def start_gnutls(work, priority):
    c = tr.certs()
    port = tr.free_port()
    proc = subprocess.Popen(["gnutls-serv", "--port", str(port), "--priority", priority,
                             "--x509certfile", os.path.join(c, "server.pem"),
                             "--x509keyfile", os.path.join(c, "server.key")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 10
    while time.monotonic() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    check(False, "gnutls-serv listens on %d" % port)
    return proc, port


def audit(work, port, name, timeout="2s", codes=(0, 1)):
    """Run the two probes; exit 3 is an undecided audit, what a hostile server must cause."""
    cfg = os.path.join(work, "%s.yaml" % name)
    out = os.path.join(work, "%s.json" % name)
    open(cfg, "w").write("""target:
  base_url: https://127.0.0.1:{port}
  tls: {{ ca_file: {ca} }}
  timeout: {timeout}
  endpoints: {{ home: / }}
audit: {{ only: [S-TLS-VERSIONS, S-TLS-CIPHERS], probe_timeout: 20s, deadline: 40s }}
reports: {{ json: {out} }}
""".format(port=port, ca=os.path.join(tr.certs(), "ca.pem"), out=out, timeout=timeout))
    t0 = time.monotonic()
    r = tr.run(cfg, command="audit")
    elapsed = time.monotonic() - t0
    check(r.returncode in codes, "%s: the audit ran (exit %d): %s" % (name, r.returncode,
                                                                        r.stderr))
    doc = json.load(open(out)) if os.path.exists(out) else {"checks": []}
    return tr.checks_by_id(doc), elapsed


def evidence(check_doc, what):
    """The detail of the evidence whose request ends with '(what)'."""
    for e in check_doc.get("evidence", []):
        if (e.get("request") or "").endswith("(%s)" % what):
            return e.get("detail") or ""
    return None


def scanned(checks, ids):
    """Per version, the suite ids S-TLS-CIPHERS reports accepted, and the order it saw."""
    found, order = {}, {}
    for v in ORDER:
        d = evidence(checks["S-TLS-CIPHERS"], "%s suites" % VERSIONS[v]) or ""
        m = re.match(r"accepted \(([^)]*)\): ([^;]*);", d)
        if m:
            order[v] = m.group(1)
            found[v] = [ids.get(n, n) for n in m.group(2).split()]
    return found, order


def sslscan(port, ids):
    """Per version, the ids sslscan accepts; with SSLv2/SSLv3 enabled or not."""
    out = subprocess.run(["sslscan", "--no-colour", "--no-heartbleed", "--no-renegotiation",
                          "--no-compression", "--no-fallback", "--no-groups",
                          "--no-check-certificate", "127.0.0.1:%d" % port],
                         capture_output=True, text=True, timeout=60).stdout
    found = {}
    for v, name in re.findall(r"^(?:Accepted|Preferred)\s+TLSv(1\.[012])\s+\d+ bits\s+(\S+)",
                              out, re.M):
        found.setdefault("TLS" + v, set()).add(ids.get(name, name))
    old = dict(re.findall(r"^(SSLv[23])\s+(enabled|disabled)", out, re.M))
    return found, old


def test_gnutls(work, name, priority, ids, expect_versions, expect_order):
    proc, port = start_gnutls(work, priority)
    try:
        checks, elapsed = audit(work, port, name)
        versions, ciphers = checks.get("S-TLS-VERSIONS", {}), checks.get("S-TLS-CIPHERS", {})
        expected = gnutls_expected(priority)
        found, order = scanned(checks, ids)
        check(set(found) == set(expected), "%s: versions with suites %s, gnutls-cli lists %s"
              % (name, sorted(found), sorted(expected)))
        for v in expected:
            got = found.get(v, [])
            check(len(got) == len(set(got)), "%s %s: no suite twice: %s" % (name, v, got))
            check(set(got) == expected[v], "%s %s: scanner %s, gnutls-cli %s; missing %s, extra %s"
                  % (name, v, sorted(map(str, got)), sorted(expected[v]),
                     sorted(expected[v] - set(got)), sorted(set(got) - expected[v])))
            check(order.get(v) == expect_order, "%s %s: %s, expected %s" % (name, v, order.get(v),
                                                                        expect_order))
        for old in ("SSL 2.0", "SSL 3.0"):
            check((evidence(versions, old + " only") or "").startswith("refused"),
                  "%s: %s refused: %s" % (name, old, evidence(versions, old + " only")))
        scan = evidence(ciphers, "handshake scanner") or ""
        m = re.match(r"(\d+) connections, (\d+) ms, at most (\d+) at once", scan)
        check(m is not None, "%s: connections and time in the evidence: %s" % (name, scan))
        n = sum(len(s) for s in expected.values())
        if m:
            # One per suite; the list and its reverse per version tried (SSL 3.0 to TLS 1.2);
            # per version offered, a refusal ending each part the list was split into (up to
            # IN_FLIGHT), an order check, and the two first picks found again when the server
            # picks by its own order.
            bound = n + 2 * 4 + len(expected) * (IN_FLIGHT + 1 + 2)
            check(int(m.group(1)) <= bound, "%s: %s connections, at most %d" % (name, m.group(1),
                                                                               bound))
            check(1 <= int(m.group(3)) <= IN_FLIGHT, "%s: %s hellos at once, at most %d"
                  % (name, m.group(3), IN_FLIGHT))
        print("%s: %s; audit %.2f s" % (name, scan, elapsed), file=sys.stderr)
        if expect_versions:
            check(versions.get("status") == "fail" and
                  "accepts TLS 1.0 and TLS 1.1" in versions.get("reason", ""),
                  "%s: S-TLS-VERSIONS fails on TLS 1.0/1.1: %s" % (name, versions))
            reason = ciphers.get("reason", "")
            check(ciphers.get("status") == "fail", "%s: S-TLS-CIPHERS fails" % name)
            for weak in ("RC4-SHA (RC4)", "DES-CBC3-SHA (3DES)", "NULL-SHA (NULL)",
                         "ADH-AES128-SHA (anonymous)", "NULL-MD5 (NULL MD5)"):
                check(weak in reason, "%s: '%s' named in '%s'" % (name, weak, reason))
        else:
            check(versions.get("status") == "pass", "%s: S-TLS-VERSIONS passes: %s" % (name,
                                                                                   versions))
            check(ciphers.get("status") == "pass", "%s: S-TLS-CIPHERS passes: %s" % (name,
                                                                                 ciphers))
        if shutil.which("sslscan"):
            t0 = time.monotonic()
            theirs, old = sslscan(port, ids)
            print("%s: sslscan %.2f s" % (name, time.monotonic() - t0), file=sys.stderr)
            for v in ORDER:
                check(set(found.get(v, [])) == theirs.get(v, set()),
                      "%s %s: scanner %s, sslscan %s" % (name, v, found.get(v), theirs.get(v)))
            check(old == {"SSLv2": "disabled", "SSLv3": "disabled"},
                  "%s: sslscan sees no SSL: %s" % (name, old))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def old_ssl_answer(hello):
    """A server of SSL 2.0 and SSL 3.0 only, as far as the first answer goes: an SSL 2.0
    SERVER-HELLO (RC4-128 and 3DES cipher kinds, no certificate) to an SSLv2 CLIENT-HELLO, an
    SSL 3.0 ServerHello choosing RC4-SHA to an SSL 3.0 ClientHello, a protocol_version alert to
    anything else."""
    if hello[:1] and hello[0] & 0x80 and hello[2:3] == b"\x01":
        body = bytes([4, 0, 1, 0, 2, 0, 0, 0, 6, 0, 16, 1, 0, 0x80, 7, 0, 0xc0]) + bytes(16)
        return bytes([0x80 | len(body) >> 8, len(body) & 0xff]) + body
    if hello[:1] == b"\x16" and hello[9:11] == b"\x03\x00":
        sh = b"\x03\x00" + os.urandom(32) + b"\x00\x00\x05\x00"
        hs = b"\x02\x00" + len(sh).to_bytes(2, "big") + sh
        return b"\x16\x03\x00" + len(hs).to_bytes(2, "big") + hs
    return b"\x15\x03\x01\x00\x02\x02\x46"


# The suites the middle-picking server takes (TLS 1.2 only): ECDHE-RSA and RSA, GCM and CBC.
MIDDLE_SUITES = [0xC02F, 0xC030, 0x009C, 0x009D, 0xC013, 0xC014]


def middle_answer(hello):
    """A TLS 1.2 server with a rule of its own: of the suites offered that it takes (in the
    client's order) it picks the middle one, neither the client's first nor its last; a
    protocol_version alert to any other version or to no suite it takes."""
    alert = b"\x15\x03\x03\x00\x02\x02\x46"
    if hello[:1] != b"\x16" or len(hello) < 44 or hello[9:11] != b"\x03\x03":
        return alert
    at = 43 + 1 + hello[43]  # session id
    n = int.from_bytes(hello[at:at + 2], "big")
    offered = [int.from_bytes(hello[i:i + 2], "big") for i in range(at + 2, at + 2 + n, 2)]
    taken = [x for x in offered if x in MIDDLE_SUITES]
    if not taken:
        return alert
    pick = taken[len(taken) // 2]
    sh = b"\x03\x03" + os.urandom(32) + b"\x00" + pick.to_bytes(2, "big") + b"\x00"
    hs = b"\x02\x00" + len(sh).to_bytes(2, "big") + sh
    return b"\x16\x03\x03" + len(hs).to_bytes(2, "big") + hs


class Hostile:
    """Answers every connection on 127.0.0.1 the same hostile way until stopped."""

    def __init__(self, mode):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn):
        conn.settimeout(0.2)
        try:
            try:
                hello = conn.recv(8192)
            except OSError:
                hello = b""
            if self.reply(conn, hello):
                self.linger(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def reply(self, conn, hello):
        """The hostile answer to hello; False closes the connection at once."""
        if self.mode == "garbage":
            conn.sendall(os.urandom(64) + b"HTTP/1.1 400 Bad Request\r\n\r\n")
        elif self.mode == "huge":
            conn.sendall(b"\x16\x03\x03\xff\xff" + b"\x00" * 100)
        elif self.mode == "alert":
            conn.sendall(b"\x15\x03\x01\x00\x02\x02\x28")
        elif self.mode == "oldssl":
            conn.sendall(old_ssl_answer(hello))
        elif self.mode == "middle":
            conn.sendall(middle_answer(hello))
        elif self.mode == "endless":
            while not self.stopped.is_set():
                conn.sendall(b"\x16\x03\x03\x00\x00" * 200)
                time.sleep(0.005)
        # "silent": nothing; the connection stays open until the client gives up.
        return True

    def linger(self, conn):
        """Keeps the connection open (10 s at most) until the client closes it."""
        end = time.monotonic() + 10
        while not self.stopped.is_set() and time.monotonic() < end:
            try:
                if not conn.recv(4096):
                    break
            except socket.timeout:
                continue

    def stop(self):
        self.stopped.set()
        self.sock.close()


def test_hostile(work):
    classes = {"garbage": "not TLS (garbage)", "huge": "oversized record or message",
               "alert": "alert handshake failure (40)", "endless": "oversized record or message",
               "silent": "timed out"}
    for mode, cls in classes.items():
        srv = Hostile(mode)
        try:
            checks, elapsed = audit(work, srv.port, "hostile-" + mode, timeout="1s",
                                    codes=(3,))
        finally:
            srv.stop()
        versions, ciphers = checks.get("S-TLS-VERSIONS", {}), checks.get("S-TLS-CIPHERS", {})
        check(versions.get("status") == "error" and ciphers.get("status") == "error",
              "%s: both probes end in error: %s / %s" % (mode, versions.get("status"),
                                                         ciphers.get("status")))
        for v in ("SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2"):
            got = evidence(ciphers, "%s suites" % v)
            check(got == "not offered: " + cls, "%s: %s suites '%s', expected the class '%s'"
                  % (mode, v, got, cls))
        check(evidence(versions, "SSL 3.0 only") == "refused: " + cls,
              "%s: SSL 3.0 refused with the class: %s" % (mode, evidence(versions,
                                                                          "SSL 3.0 only")))
        # Silent: every connection waits its 1 s; the two probes run side by side.
        check(elapsed < 15, "%s: the audit ended in %.1f s" % (mode, elapsed))
        print("hostile %s: %.2f s" % (mode, elapsed), file=sys.stderr)


def test_old_ssl(work):
    """SSL 2.0 and SSL 3.0 found by the scanner, failing both probes with what was seen."""
    srv = Hostile("oldssl")
    try:
        checks, _ = audit(work, srv.port, "oldssl", timeout="1s")
    finally:
        srv.stop()
    versions, ciphers = checks.get("S-TLS-VERSIONS", {}), checks.get("S-TLS-CIPHERS", {})
    check(versions.get("status") == "fail" and
          versions.get("reason", "").startswith("accepts SSL 2.0 and SSL 3.0: SSL is broken"),
          "oldssl: S-TLS-VERSIONS fails on SSL 2.0 and 3.0: %s" % versions)
    check(evidence(versions, "SSL 2.0 only") == "accepted, 2 cipher kinds: "
          "SSL_CK_RC4_128_WITH_MD5 SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
          "oldssl: SSL 2.0 kinds: %s" % evidence(versions, "SSL 2.0 only"))
    check(evidence(versions, "SSL 3.0 only") == "accepted, cipher RC4-SHA",
          "oldssl: SSL 3.0 cipher: %s" % evidence(versions, "SSL 3.0 only"))
    check((evidence(ciphers, "SSL 3.0 suites") or "").startswith("accepted (order not known): "
                                                                 "RC4-SHA;"),
          "oldssl: SSL 3.0 suites: %s" % evidence(ciphers, "SSL 3.0 suites"))
    check(ciphers.get("status") == "fail" and "RC4-SHA (RC4)" in ciphers.get("reason", ""),
          "oldssl: S-TLS-CIPHERS fails on RC4-SHA: %s" % ciphers)


def test_middle(work, ids):
    """A server that follows neither its own order nor the client's: the parts the list is
    split into find its suites, the order check finds no rule, and the suites are found again
    one hello after another: each exactly once, the order not known."""
    srv = Hostile("middle")
    try:
        checks, _ = audit(work, srv.port, "middle", timeout="1s")
    finally:
        srv.stop()
    found, order = scanned(checks, ids)
    got = found.get("TLS1.2", [])
    check(sorted(got) == sorted(MIDDLE_SUITES), "middle: TLS 1.2 suites %s, expected %s"
          % (got, MIDDLE_SUITES))
    check(order.get("TLS1.2") == "order not known", "middle: %s" % order.get("TLS1.2"))
    for v in ("SSL 3.0", "TLS 1.0", "TLS 1.1"):
        got = evidence(checks.get("S-TLS-CIPHERS", {}), "%s suites" % v)
        check(got == "not offered: alert protocol version (70)", "middle: %s: %s" % (v, got))
    print("middle: %s" % evidence(checks.get("S-TLS-CIPHERS", {}), "handshake scanner"),
          file=sys.stderr)


def main():
    if not shutil.which("gnutls-serv") or not shutil.which("gnutls-cli"):
        print("gnutls-serv not installed (Debian gnutls-bin): skipped", file=sys.stderr)
        return tr.SKIP
    work = tempfile.mkdtemp(prefix="sc-tlsscan-", dir=os.path.join(tr.BUILD, "tests", "probes"))
    ids = suite_table()
    test_gnutls(work, "legacy", LEGACY, ids, True, "client's order")
    test_gnutls(work, "modern", MODERN, ids, False, "server's order")
    test_hostile(work)
    test_old_ssl(work)
    test_middle(work, ids)
    shutil.rmtree(work, ignore_errors=True)
    if tr.failures:
        print("%d failures" % len(tr.failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
