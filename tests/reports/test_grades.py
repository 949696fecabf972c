#!/usr/bin/env python3
"""Grades and gate reports end to end: JUnit failures are exactly the gate's reasons (and the
console lists the failed and warned checks and the thresholds), an audit of a store answering
garbage is undecided (exit 3, grades incomplete), and a store on plain HTTP grades no better
than on HTTPS, and a certificate no client accepts holds the grades at F.

usage: test_grades.py junit|undecided|plain_http|bad_cert
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest)."""
import json
import os
import re
import socket
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run as tr  # noqa: E402  the reference store, configs and report checks

check = tr.check


def testcases(xml):
    """(testcase name, its body) for every testcase of a JUnit file."""
    return re.findall(r'<testcase [^>]*name="([^"]*)"[^>]*>(.*?)</testcase>', xml, re.S)


def test_junit(work):
    store = tr.Refstore(work, "no-hsts,weak-headers,server-version")
    try:
        cfg = tr.config(store, work, "S-HSTS, S-CSP, S-VERSION-LEAK, S-NOSNIFF, T-COMPRESSION",
                        "  duration: 2s\n", rate="50")
        r = tr.run(cfg)
        check(r.returncode == 1, "S-HSTS fails the gate (exit %d): %s %s" %
              (r.returncode, r.stdout, r.stderr))
        doc = tr.check_reports(work)
        reasons = doc["verdict"]["reasons"]
        xml = open(os.path.join(work, "out.xml")).read()
        failed = [name for name, body in testcases(xml) if "<failure" in body]
        check(len(failed) == len(reasons) and xml.count("<failure") == len(reasons),
              "one <failure> per gate reason: %s vs %s" % (failed, reasons))
        for name in failed:
            key = name.split(":")[0]
            check(any(key in reason for reason in reasons), "%s is a gate reason" % name)
        below = [c for c in doc["checks"] if c["status"] in ("fail", "warn") and not c["gated"]]
        check(below, "the store has findings that do not gate: %s" % doc["checks"])
        for c in below:
            body = dict(testcases(xml)).get("%s: %s" % (c["id"], c["title"]), "")
            check("<skipped message=" in body and "does not fail the gate" in body,
                  "%s (%s, not gated) is skipped with why: %s" % (c["id"], c["status"], body))
        check("> | " not in xml and '"> |' not in xml, "no failure text starts with ' | '")
        # The console's end-of-run summary: each finding on one line, the thresholds table.
        out = r.stdout
        check(re.search(r"^  FAIL S-HSTS \(high\) \[gate\]: ", out, re.M),
              "the summary lists S-HSTS as failing the gate: " + out)
        for c in below:
            check(re.search(r"^  %s %s \(%s\): " % (c["status"].upper(), c["id"], c["severity"]),
                            out, re.M), "the summary lists %s: %s" % (c["id"], out))
        for t in doc["thresholds"]:
            check(re.search(r"^  (pass|FAIL|none) %s +%s" % (re.escape(t["expr"]),
                                                             re.escape(t["line"])), out, re.M),
                  "the summary's thresholds table has %s: %s" % (t["expr"], out))
        check(out.index("Thresholds:") < out.index("verdict:"), "the verdict comes last")
        check(doc["load_note"].endswith("; no load.scenarios configured"),
              "the load note says what drove the load, and nothing to come: " + doc["load_note"])
    finally:
        store.stop()


class Garbage(threading.Thread):
    """Answers every connection with bytes that are no HTTP response, then closes."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.stopping = False

    def run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                conn.settimeout(1)
                conn.recv(4096)
                conn.sendall(b"\x00\x01garbage \xff\xfe not http\r\n\r\n")
            except OSError:
                pass
            conn.close()

    def stop(self):
        self.stopping = True
        self.join(timeout=5)
        self.sock.close()


def test_undecided(work):
    srv = Garbage()
    srv.start()
    try:
        base = "http://127.0.0.1:%d" % srv.port
        cfg = os.path.join(work, "storecheck.yaml")
        open(cfg, "w").write("""target:
  base_url: {base}
  timeout: 2s
  endpoints: {{ home: /, catalog: /api/v1/products, product: "/api/v1/products/{{{{id}}}}",
               checkout: /api/v1/checkout, health: /healthz, readiness: /readyz,
               login: /api/v1/login }}
audit:
  probe_timeout: 4s
  deadline: 40s
reports: {{ json: {w}/out.json, html: {w}/out.html, junit: {w}/out.xml, markdown: {w}/out.md,
           sarif: {w}/out.sarif }}
""".format(base=base, w=work))
        r = tr.run(cfg, timeout=80, command="audit")
        check(r.returncode == 3, "an audit of a store answering garbage is exit 3 (exit %d): %s"
              % (r.returncode, r.stdout[-3000:]))
        doc = tr.check_reports(work)
        statuses = [c["status"] for c in doc["checks"]]
        errored = statuses.count("error")
        decided = sum(statuses.count(s) for s in ("pass", "warn", "fail"))
        check(errored > decided, "most checks could not decide: %d errors, %d decided" %
              (errored, decided))
        v = doc["verdict"]
        check(v["result"] == "incomplete" and v["exit_code"] == 3, "verdict incomplete: %s" % v)
        check(v["reasons"] and v["reasons"][0].startswith(
            "could not decide: %d probes errored" % errored),
              "the first reason says how many could not decide: %s" % v["reasons"][:2])
        scores = doc["scores"]
        for g in scores["groups"]:
            if g.get("undecided"):
                check(g["grade"] in ("incomplete", "F"),
                      "group %s with errors is incomplete, not %s" % (g["group"], g["grade"]))
        check(scores["overall"]["grade"] in ("incomplete", "F"),
              "the overall grade is no letter that reads as a pass: %s" % scores["overall"])
        check("verdict: incomplete (exit 3)" in r.stdout, "the console says incomplete")
    finally:
        srv.stop()


def test_plain_http(work):
    """The same store (old TLS, no HSTS) audited over HTTPS and over plain HTTP."""
    store = tr.Refstore(work, "tls-legacy,no-hsts")
    only = "S-HTTPS-REDIRECT, S-TLS-VERSIONS, S-TLS-CIPHERS, S-TLS-CERT, S-HSTS, T-HTTP2"
    try:
        cfg = tr.config(store, work, only)
        tr.run(cfg, command="audit")
        https = json.load(open(os.path.join(work, "out.json")))
        text = open(cfg).read().replace("base_url: https://127.0.0.1:%s" % store.ports["https"],
                                        "base_url: http://127.0.0.1:%s" % store.ports["http"])
        open(cfg, "w").write(text)
        r = tr.run(cfg, command="audit")
        plain = tr.check_reports(work)
        check(plain["target"].startswith("http://"), "the second audit is on plain HTTP")
        sec_https, sec_plain = https["scores"]["groups"][0], plain["scores"]["groups"][0]
        check(sec_plain["score"] <= sec_https["score"],
              "Security scores no higher on plain HTTP (%s) than on HTTPS (%s)" %
              (sec_plain, sec_https))
        check(sec_plain["grade"] == "F" and "no TLS" in (sec_plain["cap"] or ""),
              "plain HTTP holds Security at F and says why: %s" % sec_plain)
        check(plain["scores"]["overall"]["grade"] == "F",
              "the overall grade follows the cap: %s" % plain["scores"]["overall"])
        by = tr.checks_by_id(plain)
        for cid in ("S-TLS-VERSIONS", "S-TLS-CERT", "S-HSTS", "T-HTTP2"):
            check(by[cid]["status"] == "skip" and by[cid].get("cause") == "no_tls",
                  "%s skips for no TLS and says so: %s" % (cid, by[cid]))
        check("no TLS (plain http) caps Security at F" in r.stdout,
              "the console names the cap: " + r.stdout)
    finally:
        store.stop()


def test_bad_cert(work):
    """A certificate no client accepts (here: not trusted) holds Security and the overall grade
    at F, however the other checks do."""
    store = tr.Refstore(work)
    try:
        cfg = tr.config(store, work, "S-TLS-CERT, S-HSTS, S-NOSNIFF, T-COMPRESSION")
        text = open(cfg).read()
        trusted = "  tls: { ca_file: %s }\n" % store.ca
        check(trusted in text, "the config trusts the test CA")
        open(cfg, "w").write(text.replace(trusted, ""))
        r = tr.run(cfg, command="audit")
        doc = tr.check_reports(work)
        cert = tr.checks_by_id(doc)["S-TLS-CERT"]
        sec, overall = doc["scores"]["groups"][0], doc["scores"]["overall"]
        check(r.returncode == 1 and cert["status"] == "fail",
              "the untrusted certificate fails the gate (exit %d, %s)" % (r.returncode, cert))
        check(sec["grade"] == "F" and "certificate" in (sec["cap"] or ""),
              "Security is F, held down by the certificate: %s" % sec)
        check(overall["grade"] == "F", "the overall grade follows the cap: %s" % overall)
        # The other probes look past the certificate and say so, instead of erroring.
        for c in doc["checks"]:
            if c["id"] == "S-TLS-CERT":
                continue
            check(c["status"] != "error", "%s decided past the certificate: %s" % (c["id"], c))
            check("verification off" in json.dumps(c),
                  "%s says verification was off: %s" % (c["id"], c))
    finally:
        store.stop()


def main():
    tests = {"junit": test_junit, "undecided": test_undecided, "plain_http": test_plain_http,
             "bad_cert": test_bad_cert}
    work = tempfile.mkdtemp(prefix="sc-grades-", dir=os.path.join(tr.BUILD, "tests", "reports"))
    tests[sys.argv[1]](work)
    return tr.finish(work)


if __name__ == "__main__":
    sys.exit(main())
