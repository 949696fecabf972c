#!/usr/bin/env python3
"""storecheck run (and audit, which writes the same reports without a load) end to end against
the reference store and a hostile test server.

usage: test_run.py good|broken|fault|usage|xss|audit|degrade
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest). When xmllint
or chromium is missing, the other checks still run and must pass; the test then exits 77
(skip) instead of 0."""
import http.server
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
import urllib.request

SRC = os.environ["STORECHECK_SOURCE_DIR"]
BUILD = os.environ["STORECHECK_BUILD_DIR"]
BIN = os.environ["STORECHECK_BIN"]
REFSTORE = os.path.join(BUILD, "tests", "refstore", "storecheck-refstore")
SCHEMA = os.path.join(SRC, "reports", "schema", "report.schema.json")
XSD = os.path.join(SRC, "tests", "reports", "junit.xsd")
SARIF_SCHEMA = os.path.join(SRC, "tests", "reports", "sarif-schema-2.1.0.json")
SECRETS = {"SC_TEST_TOKEN": "tok-7f3a9c1e5d", "SC_TEST_KEY": "key-b81c04e2aa",
           "SC_WEBHOOK_SECRET": "whsec-f00dfeed42"}
SKIP = 77
failures = []
missing_tools = []  # a part that needs a missing tool makes the test a skip, not a pass


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def free_port():
    """A loopback port nothing listens on (bound, then released)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def certs():
    """The test PKI, made once for every test that runs at the same time: each maker writes a
    folder of its own and renames it into place; the first rename wins."""
    d = os.path.join(BUILD, "tests", "reports", "certs")
    if not os.path.exists(os.path.join(d, "server.pem")):
        made = tempfile.mkdtemp(prefix="certs-", dir=os.path.dirname(d))
        os.chmod(made, 0o755)  # as mkdir makes it: servers' unprivileged workers read it
        subprocess.run([os.path.join(SRC, "tests", "certs", "make-certs.sh"), made], check=True,
                       stdout=subprocess.DEVNULL)
        try:
            os.rename(made, d)
        except OSError:
            shutil.rmtree(made, ignore_errors=True)
    return d


class Refstore:
    def __init__(self, work, broken=None):
        c = certs()
        ready = os.path.join(work, "ready-%d" % time.monotonic_ns())
        args = [REFSTORE, "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
                "--cert", os.path.join(c, "server.pem"), "--key", os.path.join(c, "server.key"),
                "--admin", "127.0.0.1:0", "--quiet", "--ready-file", ready]
        if broken:
            args += ["--broken", broken]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(ready) and open(ready).read().strip():
                break
            time.sleep(0.1)
        line = open(ready).read()
        self.ports = dict(re.findall(r"(\w+)=127\.0\.0\.1:(\d+)", line))
        self.ca = os.path.join(c, "ca.pem")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def config(store, work, only, extra_load="", accept=None, skip="", rate="100"):
    p = store.ports
    text = """target:
  base_url: https://127.0.0.1:{https}
  http_url: http://127.0.0.1:{http}
  tls: {{ ca_file: {ca} }}
  timeout: 2s
  headers: {{ Authorization: "Bearer ${{SC_TEST_TOKEN}}", X-Api-Key: "${{SC_TEST_KEY}}" }}
  endpoints: {{ home: /, catalog: /api/v1/products, product: "/api/v1/products/{{{{id}}}}",
               checkout: /api/v1/checkout, health: /healthz, readiness: /readyz,
               login: /api/v1/login }}
  webhooks: {{ subscribe: /api/v1/webhooks, secret: "${{SC_WEBHOOK_SECRET}}" }}
  faults:
    orders_down:
      start: {{ method: POST, url: "http://127.0.0.1:{admin}/faults/orders_down" }}
      stop: {{ method: DELETE, url: "http://127.0.0.1:{admin}/faults/orders_down" }}
audit:
  probe_timeout: 5s
  deadline: 15s
  only: [{only}]
  skip: [{skip}]
{accept}load:
  {rate}
  threads: 1
{extra_load}  thresholds: ["p99 < 1s", "error_rate < 1%"]
reports: {{ json: {w}/out.json, html: {w}/out.html, junit: {w}/out.xml, markdown: {w}/out.md,
           sarif: {w}/out.sarif }}
""".format(https=p["https"], http=p["http"], admin=p["admin"], ca=store.ca, only=only,
           w=work, extra_load=extra_load, skip=skip,
           rate="rate: %s" % rate if rate else "profile: smoke",
           accept="  accept: %s\n" % accept if accept else "")
    path = os.path.join(work, "storecheck.yaml")
    open(path, "w").write(text)
    return path


def run(cfg, timeout=60, command="run", args=()):
    env = dict(os.environ, **SECRETS)
    return subprocess.run([BIN, command, cfg] + list(args), env=env, capture_output=True,
                          text=True, timeout=timeout)


def check_junit(path):
    """Validate against the JUnit XSD (skipped without xmllint: CI installs libxml2-utils)."""
    if not shutil.which("xmllint"):
        print("xmllint not installed: the JUnit XSD check is skipped", file=sys.stderr)
        missing_tools.append("xmllint")
        return
    r = subprocess.run(["xmllint", "--noout", "--schema", XSD, path], capture_output=True,
                       text=True)
    check(r.returncode == 0, "%s validates against the JUnit XSD: %s" % (path, r.stderr))


def check_sarif_schema(path):
    """Validate against the SARIF 2.1.0 schema (skipped without python3-jsonschema)."""
    try:
        from sarif_schema_check import schema_errors
    except ImportError:
        print("python3-jsonschema not installed: the SARIF schema check is skipped",
              file=sys.stderr)
        missing_tools.append("jsonschema")
        return
    errors = schema_errors(SARIF_SCHEMA, json.load(open(path)))
    check(not errors, "%s validates against the SARIF 2.1.0 schema: %s" % (path, errors[:5]))


# The formats of a run's reports: the key of the config's reports section (and the option of
# storecheck report), and the extension of the copy re-rendered from the JSON.
REPORT_FORMATS = {"json": "json", "html": "html", "junit": "xml", "markdown": "md",
                  "sarif": "sarif"}


def report_paths(cfg):
    """{format: path} of the reports the config's reports section names (a flow mapping)."""
    m = re.search(r"^reports:\s*\{([^}]*)\}", open(cfg).read(), re.M)
    check(m is not None, "%s has a reports section" % cfg)
    pairs = [item.split(":", 1) for item in m.group(1).split(",")] if m else []
    paths = {k.strip(): v.strip() for k, v in pairs}
    check(set(paths) <= set(REPORT_FORMATS), "%s names the formats of a run: %s" % (cfg, paths))
    check("json" in paths, "%s names a JSON report (the others are rendered from it)" % cfg)
    return paths


def check_reports(work, cfg=None):
    """The reports the config (cfg, else work/storecheck.yaml) names: the JSON against the
    schema, no secret in any, each rendered again from the JSON exactly into work, the JUnit
    against the XSD, the SARIF against its schema. The JSON document."""
    paths = report_paths(cfg or os.path.join(work, "storecheck.yaml"))
    r = subprocess.run([sys.executable, os.path.join(SRC, "tests", "reports", "schema_check.py"),
                        SCHEMA, paths["json"]], capture_output=True, text=True)
    check(r.returncode == 0, "the JSON report follows the schema: " + r.stdout)
    for f in paths.values():
        text = open(f).read()
        for name, value in SECRETS.items():
            check(value not in text, "secret %s absent from %s" % (name, f))
    again = {k: os.path.join(work, "again." + REPORT_FORMATS[k]) for k in paths}
    args = [a for k in again for a in ("--" + k, again[k])]
    r = subprocess.run([BIN, "report", paths["json"]] + args, capture_output=True, text=True)
    check(r.returncode == 0, "storecheck report exits 0: " + r.stderr)
    for k in paths:
        check(open(paths[k]).read() == open(again[k]).read(),
              "%s re-renders exactly from the JSON" % again[k])
    if "junit" in paths:
        check_junit(paths["junit"])
    if "sarif" in paths:
        check_sarif_schema(paths["sarif"])
    return json.load(open(paths["json"]))


def checks_by_id(doc):
    return {c["id"]: c for c in doc["checks"]}


def test_good(work):
    store = Refstore(work)
    try:
        cfg = config(store, work, "S-HSTS, S-CSP, S-NOSNIFF, S-EXPOSED-VCS, S-TLS-CERT, "
                     "T-COMPRESSION",
                     "  duration: 5s\n  fault: { name: orders_down, at: 1s, duration: 2s }\n")
        r = run(cfg)
        check(r.returncode == 0, "the good store passes (exit %d): %s %s" %
              (r.returncode, r.stdout, r.stderr))
        doc = check_reports(work)
        by = checks_by_id(doc)
        for cid in ("O-HEALTH-UNDER-LOAD", "O-ERRORS-UNDER-LOAD", "T-RATE-LIMIT-UNDER-LOAD",
                    "R-FAULT-UNDER-LOAD", "R-LOAD-DURING-FAULT"):
            check(by.get(cid, {}).get("status") == "pass" and
                  by[cid]["phase"] == "under_load", cid + " passes under load")
        check(doc["verdict"]["result"] == "passed" and not doc["verdict"]["reasons"],
              "verdict passed without reasons")
        check(doc["fault"]["started_ms"] is not None and doc["fault"]["stopped_ms"] is not None,
              "the fault was injected and undone")
        check(doc["scores"]["groups"][0]["grade"] == "A+", "Security grade A+")
        check(len(doc["load"]["seconds"]) >= 4, "the per-second series is in the report")
        check(all(t["verdict"] == "pass" for t in doc["thresholds"]), "thresholds pass")
        faults = urllib.request.urlopen("http://127.0.0.1:%s/faults" % store.ports["admin"])
        check("orders_down" not in faults.read().decode(), "the fault is off after the run")
    finally:
        store.stop()


def test_broken(work):
    store = Refstore(work, "leak-git,no-hsts,weak-headers")
    accept = os.path.join(work, "accepted.yaml")
    open(accept, "w").write(
        "accepted:\n"
        "  - { probe: S-CSP, target: '*', reason: 'CSP is set by the CDN <b>', "
        "expires: 2099-12-31 }\n"
        "  - { probe: S-EXPOSED-VCS, target: '*', reason: 'was to be removed', "
        "expires: 2020-01-01 }\n")
    try:
        cfg = config(store, work, "S-HSTS, S-CSP, S-EXPOSED-VCS, T-COMPRESSION",
                     "  duration: 3s\n", accept, rate=None)
        r = run(cfg)
        check(r.returncode == 1, "the broken store fails the gate (exit %d): %s %s" %
              (r.returncode, r.stdout, r.stderr))
        tail = r.stdout.split("verdict:")[-1]
        check("S-HSTS (high) failed" in tail, "reason names S-HSTS: " + tail)
        check("S-EXPOSED-VCS (critical) failed" in tail and "acceptance expired on 2020-01-01"
              in tail, "reason names S-EXPOSED-VCS with its expired acceptance: " + tail)
        check("S-CSP" not in tail, "the accepted S-CSP finding does not fail the gate")
        doc = check_reports(work)
        by = checks_by_id(doc)
        check(by["S-CSP"]["status"] == "fail" and by["S-CSP"]["accepted"]["reason"] ==
              "CSP is set by the CDN <b>" and not by["S-CSP"]["gated"],
              "S-CSP is listed, accepted, with its reason")
        sec = doc["scores"]["groups"][0]
        check(sec["grade"] == "F" and ".git" in (sec["cap"] or ""), "Security capped at F")
        run_ = doc["load"]["run"]
        check(run_["model"] == "open" and abs(run_["stages"][0]["target"] - 5 / 1.5) < 0.01 and
              "users / mean think time" in doc["load_note"],
              "the smoke profile's 5 users with 1-2 s think time run at 3.33 requests/s: %s" %
              run_)
        html = open(os.path.join(work, "out.html")).read()
        check("CSP is set by the CDN &lt;b&gt;" in html, "the acceptance reason is in the HTML")
        junit = open(os.path.join(work, "out.xml")).read()
        check('<skipped message="accepted until 2099-12-31' in junit, "JUnit marks accepted")
    finally:
        store.stop()


def test_fault(work):
    store = Refstore(work, "orders-down-hang")
    try:
        cfg = config(store, work, "S-HSTS",
                     "  duration: 6s\n  fault: { name: orders_down, at: 1s, duration: 4s }\n",
                     skip="T-RATE-LIMIT-UNDER-LOAD")
        r = run(cfg)
        check(r.returncode == 1, "a checkout that hangs while orders are down fails the gate "
              "(exit %d): %s %s" % (r.returncode, r.stdout, r.stderr))
        tail = r.stdout.split("verdict:")[-1]
        check("R-FAULT-UNDER-LOAD (high) failed under load: checkout did not answer" in tail,
              "the reason names the hanging checkout: " + tail)
        doc = check_reports(work)
        by = checks_by_id(doc)
        check(by["R-LOAD-DURING-FAULT"]["status"] == "pass",
              "browsing kept being served while checkout hung")
        check(by["O-HEALTH-UNDER-LOAD"]["status"] == "pass", "health stayed fast")
        check("T-RATE-LIMIT-UNDER-LOAD" not in by and "S-HSTS" in by,
              "audit.skip leaves out an under-load check, the baseline still runs")

        store.ports["admin"] = str(free_port())  # the fault hook answers nowhere
        cfg = config(store, work, "S-HSTS",
                     "  duration: 2s\n  fault: { name: orders_down, at: 1s, duration: 1s }\n")
        r = run(cfg)
        check(r.returncode == 3, "a fault that cannot be injected leaves the run incomplete "
              "(exit %d): %s" % (r.returncode, r.stdout))
        by = checks_by_id(json.load(open(os.path.join(work, "out.json"))))
        check(by["R-LOAD-DURING-FAULT"]["status"] == "error" and
              "could not be injected" in by["R-LOAD-DURING-FAULT"]["reason"],
              "R-LOAD-DURING-FAULT says the fault could not be injected")
    finally:
        store.stop()


def test_usage(work):
    """Exit codes 2 and 3 are never findings."""
    port = free_port()
    accept = os.path.join(work, "acc.yaml")
    open(accept, "w").write("accepted:\n  - probe: S-NOPE\n    target: '*'\n    reason: x\n"
                            "    expires: 2026-13-01\n")
    cfg = os.path.join(work, "c.yaml")
    base = "target: { base_url: 'http://127.0.0.1:%d', timeout: 1s }\n" % port
    open(cfg, "w").write(base + "audit: { accept: acc.yaml }\n")
    r = run(cfg)
    check(r.returncode == 2, "a bad accepted-findings file is exit 2 (got %d)" % r.returncode)
    check(accept + ":2:12: accepted[0]: unknown probe id 'S-NOPE'" in r.stderr and
          accept + ":5:14: accepted[0]: expires '2026-13-01' is not a date" in r.stderr,
          "accepted-findings errors carry file:line:col: " + r.stderr)
    open(cfg, "w").write(base + "load: { fault: { name: nope, at: 1s, duration: 1s } }\n")
    r = run(cfg)
    check(r.returncode == 2 and "fault 'nope' is not one of target.faults" in r.stderr,
          "an unknown load.fault is exit 2: " + r.stderr)
    open(cfg, "w").write(base + "load:\n  rate: 10\n  thresholds: [\"p99 < 1s\", \"p95x < 1s\"]\n")
    r = run(cfg)
    check(r.returncode == 2 and cfg + ":4:28: load.thresholds[1]: 'p95x < 1s', column 1:"
          in r.stderr, "a bad threshold is exit 2 with its place: " + r.stderr)
    open(cfg, "w").write(base + "load:\n  scenarios: { buy: [ { path: / } ] }\n"
                         "  thresholds: [\"p95(buy) < 1s\"]\n")
    r = run(cfg)
    check(r.returncode == 2 and cfg + ":4:16: load.thresholds[0]: 'p95(buy) < 1s', column 5: "
          "p95(buy): a bare name is ambiguous; write p95(iteration:buy)" in r.stderr,
          "a bare name in a threshold is exit 2 with its place: " + r.stderr)
    open(cfg, "w").write(base + "audit: { only: [O-HEALTH-UNDER-LOAD, S-NOPE] }\n")
    r = run(cfg)
    check(r.returncode == 2 and "audit.only: 'S-NOPE' is neither a check id" in r.stderr,
          "an unknown check in audit.only is exit 2: " + r.stderr)
    open(cfg, "w").write(base + "reports: { json: %s/out.json }\n" % work)
    r = run(cfg)
    check(r.returncode == 3 and "unreachable" in r.stderr, "an unreachable store is exit 3: " +
          r.stderr)
    r = subprocess.run([BIN, "run", cfg, "--fail-on", "severe"], capture_output=True, text=True)
    check(r.returncode == 2, "a bad --fail-on is exit 2")
    r = subprocess.run([BIN, "report", cfg, "--html", os.path.join(work, "x.html")],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "not valid JSON" in r.stderr, "report refuses a non-report: " +
          r.stderr)
    other = os.path.join(work, "other.json")
    open(other, "w").write('{"kind": "storecheck.load", "schema_version": 1}')
    r = subprocess.run([BIN, "diff", other, other], capture_output=True, text=True)
    check(r.returncode == 2 and "not a storecheck run report" in r.stderr,
          "diff refuses a load result: " + r.stderr)
    r = subprocess.run([BIN, "diff", other], capture_output=True, text=True)
    check(r.returncode == 2, "diff needs two files")


def test_audit(work):
    """audit honours audit.accept like run, and writes run's reports with no load."""
    store = Refstore(work, "server-version,no-hsts")
    accept = os.path.join(work, "accepted.yaml")

    def accept_version_leak(expires):
        open(accept, "w").write(
            "accepted:\n  - { probe: S-VERSION-LEAK, target: '*', reason: 'banner set by the "
            "<b>CDN</b>', expires: %s }\n" % expires)
    try:
        cfg = config(store, work, "S-VERSION-LEAK, S-NOSNIFF", "", accept)
        # S-VERSION-LEAK is low: --fail-on low makes it gate unless accepted.
        accept_version_leak("2099-12-31")
        r = run(cfg, command="audit", args=["--fail-on", "low"])
        check(r.returncode == 0, "an accepted finding does not fail the audit (exit %d): %s %s"
              % (r.returncode, r.stdout, r.stderr))
        check("[accepted until 2099-12-31: banner set by the <b>CDN</b>]" in r.stdout,
              "the listing marks S-VERSION-LEAK accepted: " + r.stdout)
        check("Grades: S " in r.stdout and "verdict: passed (exit 0)" in r.stdout,
              "the grades line and the verdict: " + r.stdout)
        doc = check_reports(work)
        leak = checks_by_id(doc)["S-VERSION-LEAK"]
        check(leak["status"] == "fail" and not leak["gated"] and
              leak["accepted"] == {"reason": "banner set by the <b>CDN</b>",
                                   "expires": "2099-12-31", "expired": False},
              "the JSON lists S-VERSION-LEAK failed and accepted: %s" % leak)
        check(doc["load"] is None and doc["thresholds"] == [] and doc["fault"] is None and
              doc["verdict"]["result"] == "passed", "an audit report has no load")
        html = open(os.path.join(work, "out.html")).read()
        check("banner set by the &lt;b&gt;CDN&lt;/b&gt;" in html and "No load ran." in html,
              "the HTML shows the acceptance reason, escaped, and no load")
        junit = open(os.path.join(work, "out.xml")).read()
        check('<skipped message="accepted until 2099-12-31' in junit, "JUnit marks accepted")

        accept_version_leak("2020-01-01")
        r = run(cfg, command="audit", args=["--fail-on", "low"])
        check(r.returncode == 1, "an expired acceptance fails the audit (exit %d): %s %s" %
              (r.returncode, r.stdout, r.stderr))
        tail = r.stdout.split("verdict:")[-1]
        check("S-VERSION-LEAK (low) failed" in tail and "acceptance expired on 2020-01-01" in tail,
              "the reason names S-VERSION-LEAK with its expired acceptance: " + tail)
        by = checks_by_id(check_reports(work))
        check(by["S-VERSION-LEAK"]["gated"] and by["S-VERSION-LEAK"]["accepted"]["expired"],
              "the JSON says the acceptance expired")

        # The options override the config's paths; with a report on stdout, it is alone there.
        html2 = os.path.join(work, "cli.html")
        r = run(cfg, command="audit", args=["--only", "S-HSTS", "--json", "-", "--html", html2])
        check(r.returncode == 1, "S-HSTS fails the audit (exit %d): %s" % (r.returncode, r.stderr))
        doc = json.loads(r.stdout)
        check([c["id"] for c in doc["checks"]] == ["S-HSTS"] and doc["checks"][0]["gated"],
              "--only selects, --json - writes the report to stdout alone")
        check("S-HSTS (high) failed" in r.stderr.split("verdict:")[-1],
              "the summary goes to stderr: " + r.stderr)
        check("Gate failed" in open(html2).read(), "--html writes the HTML report")

        open(accept, "w").write("accepted:\n  - probe: S-NOPE\n    target: '*'\n"
                                "    reason: x\n    expires: 2026-01-01\n")
        r = run(cfg, command="audit")
        check(r.returncode == 2 and accept + ":2:12: accepted[0]: unknown probe id 'S-NOPE'"
              in r.stderr, "a bad accepted-findings file is exit 2 with its place: " + r.stderr)
    finally:
        store.stop()


class Hostile(http.server.BaseHTTPRequestHandler):
    """Every answer carries a script in a header and in a product name; its exposed .env file
    carries one in its text (which the exposure probe quotes as evidence)."""
    SCRIPT = "<script>document.body.setAttribute('data-xss','1')</script>"
    BODY_SCRIPT = "<script>document.write(1111*7)</script>"

    def do_GET(self):
        if self.path == "/.env":
            body = ("APP_NAME=shop\n# %s\nDB_PASSWORD=x\n" % self.BODY_SCRIPT).encode()
        else:
            body = ('{"items":[{"id":1,"name":"%s"}]}' % self.SCRIPT).encode()
        self.send_response(200)
        self.send_header("Server", "evil/1.0 " + self.SCRIPT)
        self.send_header("X-Powered-By", self.SCRIPT)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


def headless_chromium():
    """The command line of a headless chromium that fetches nothing on its own, or None when
    chromium is missing (the part then ends as a skip)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium not installed: the headless render is skipped", file=sys.stderr)
        missing_tools.append("chromium")
        return None
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync", "--disable-quic"]


def screenshots(base, work, html_path, shots):
    """Save the page as seen by chromium (command line base) at each {path: "width,height"};
    the paths of those not written (or empty)."""
    missing = []
    for shot, size in shots.items():
        if os.path.exists(shot):
            os.unlink(shot)
        prof = tempfile.mkdtemp(dir=work)
        subprocess.run(base + ["--user-data-dir=" + prof, "--window-size=" + size,
                               "--screenshot=" + shot, "file://" + html_path],
                       capture_output=True, timeout=60)
        if not (os.path.exists(shot) and os.path.getsize(shot) > 10000):
            missing.append(shot)
    return missing


def test_xss(work):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    cfg = os.path.join(work, "storecheck.yaml")
    open(cfg, "w").write(
        "target:\n  base_url: http://127.0.0.1:%d\n  timeout: 2s\n"
        "  headers: { X-Note: \"<script>alert(1)</script>\" }\n"
        "  endpoints: { home: /, catalog: /api/v1/products }\n"
        "audit: { only: [S-VERSION-LEAK, S-NOSNIFF, S-EXPOSED-ENV], probe_timeout: 5s,"
        " fail_on: low }\n"
        "load: { rate: 50, duration: 1s, threads: 1 }\n"
        "reports: { json: %s/out.json, html: %s/out.html, junit: %s/out.xml,"
        " markdown: %s/out.md }\n" % (port, work, work, work, work))
    r = run(cfg)
    srv.shutdown()
    check(r.returncode == 1, "the hostile server fails the gate (exit %d): %s" %
          (r.returncode, r.stderr))
    html = open(os.path.join(work, "out.html")).read()
    check("data-xss" in html and "&lt;script&gt;" in html,
          "the server's script text in a header is shown, escaped")
    check("&lt;script&gt;document.write(1111*7)&lt;/script&gt;" in html,
          "the script text of the exposed file's body is shown, escaped")
    check("<script" not in html.lower(), "no raw <script> in the HTML")
    md = open(os.path.join(work, "out.md")).read()
    check("<script" not in md.lower(), "no raw <script> in the Markdown")
    check_reports(work)
    base = headless_chromium()
    if not base:
        return
    # Without the page's CSP, so only escaping keeps the script from running.
    bare = os.path.join(work, "bare.html")
    open(bare, "w").write(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "",
                                 html))
    check("Content-Security-Policy" not in open(bare).read(), "the CSP was stripped")
    shot = os.path.join(BUILD, "tests", "reports", "report-screenshot.png")
    base += ["--window-size=1280,2000"]
    prof = tempfile.mkdtemp(dir=work)
    dom = subprocess.run(base + ["--user-data-dir=" + prof, "--dump-dom", "file://" + bare],
                         capture_output=True, text=True, timeout=60).stdout
    check("Gate failed" in dom, "chromium rendered the verdict")
    check('data-xss="1"' not in dom, "the server's script did not run")
    check("7777" not in dom and "document.write(1111*7)" in dom,
          "the script from the body did not run")
    prof = tempfile.mkdtemp(dir=work)
    subprocess.run(base + ["--user-data-dir=" + prof, "--screenshot=" + shot,
                           "file://" + os.path.join(work, "out.html")],
                   capture_output=True, timeout=60)
    check(os.path.getsize(shot) > 10000, "a screenshot was saved: " + shot)


# Shoppers through an orders outage, under the shipped steady profile (its mix names these four
# scenarios): checkout expects 201, or 503 while orders are down.
DEGRADE_LOAD = """  profile: steady
  duration: 6s
  fault: { name: orders_down, at: 1s, duration: 3s }
  scenarios:
    browse:
      - { name: product, path: /api/v1/products/7, expect: [200] }
    search:
      - { name: search, path: "/api/v1/search?q=lamp", expect: [200] }
    cart:
      - { name: cart, method: POST, path: /api/v1/carts, json: {}, expect: [201] }
    checkout:
      - { name: new_cart, method: POST, path: /api/v1/carts, json: {}, expect: [201],
          extract: { cart_id: "$.id" } }
      - { name: order, method: POST, path: /api/v1/checkout,
          headers: { Idempotency-Key: "{{uuid}}" }, json: { cart_id: "{{cart_id}}" },
          expect: [201, 503] }
"""


def during_fault(doc):
    """Each step's per-second counts summed over the whole seconds the fault was on (as
    R-LOAD-DURING-FAULT takes them)."""
    f = doc.get("fault") or {}
    if f.get("started_ms") is None or f.get("stopped_ms") is None:
        return {}
    on, off = f["started_ms"] // 1000 + 1, f["stopped_ms"] // 1000
    sums = {}
    for row in doc["load"]["seconds"]:
        if not on <= row["second"] < off:
            continue
        for st in row.get("steps", []):
            t = sums.setdefault(st["name"], {})
            for k in ("responses", "status_5xx", "status_503", "errors"):
                t[k] = t.get(k, 0) + st[k]
    return sums


def test_degrade(work):
    """An orders outage under scenario load: honest 503s pass, 500s fail."""
    for broken, status, words in (("", "pass", "honest 503s"),
                                  ("orders-down-500", "fail", "other than 503")):
        store = Refstore(work, broken)
        try:
            cfg = config(store, work, "S-HSTS", DEGRADE_LOAD, rate="40",
                         skip="T-RATE-LIMIT-UNDER-LOAD")
            r = run(cfg)
            out = os.path.join(work, "out.json")
            if not check(os.path.exists(out), "a report was written: %s %s" %
                         (r.stdout, r.stderr)):
                continue
            by = checks_by_id(json.load(open(out)))
            c = by.get("R-LOAD-DURING-FAULT", {})
            honest = re.search(r"(\d+) honest 503s", c.get("reason", ""))
            check(broken or (honest and int(honest.group(1)) > 0),
                  "checkout met the outage and answered 503: %s" % c.get("reason"))
            check(c.get("status") == status and words in c.get("reason", ""),
                  "store '%s' under an orders outage: R-LOAD-DURING-FAULT %s (%s): %s" %
                  (broken or "good", status, words, c))
            steps = {s["name"]: s for s in json.load(open(out))["load"].get("steps", [])}
            check("order" in steps and "product" in steps,
                  "per-step metrics show what shoppers saw: %s" % sorted(steps))
            during = during_fault(json.load(open(out)))
            order, product = during.get("order", {}), during.get("product", {})
            check(order.get("status_503", 0) > 0 if not broken else
                  order.get("status_5xx", 0) > order.get("status_503", 0),
                  "the order step's per-second rows show its %s inside the fault window: %s" %
                  ("500s" if broken else "503s", order))
            check(product.get("responses", 0) > 0 and product.get("status_5xx") == 0 and
                  product.get("errors") == 0,
                  "product kept answering without 5xx during the fault: %s" % product)
            lines = [e.get("detail", "") for e in c.get("evidence", [])]
            check(any(l.startswith("during the fault, step order of checkout:") for l in lines)
                  and any(l.startswith("during the fault, step product of browse:") and
                          "no 5xx" in l for l in lines),
                  "R-LOAD-DURING-FAULT tells per step what shoppers met: %s" % lines)
            html = open(os.path.join(work, "out.html")).read()
            check("<h3>Steps</h3>" in html and "<td>order</td>" in html and
                  "<h3>Scenarios</h3>" in html and "<td>checkout</td>" in html,
                  "the HTML report has the scenario and step tables")
            check("<title>Step order of checkout per second</title>" in html and
                  "<title>Step product of browse per second</title>" in html and
                  "fault injected" in html.split("<h3>Steps</h3>", 1)[-1],
                  "the HTML report charts each step per second with the fault shaded")
        finally:
            store.stop()


def finish(work):
    """The exit code of a test script whose checks have run: 1 when one failed (work is kept to
    look at), else 0 with work removed."""
    if failures:
        print("%d check(s) failed; files kept in %s" % (len(failures), work), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


def with_refstore(test):
    """test(work, store) as a part: the reference store started in work, stopped after."""
    def part(work):
        store = Refstore(work)
        try:
            test(work, store)
        finally:
            store.stop()
    return part


def run_part(tests, prefix):
    """Run the part named on the command line in a fresh folder; the exit code: 1 when a
    check failed (the folder is kept), 77 when a tool was missing, else 0."""
    work = tempfile.mkdtemp(prefix=prefix, dir=os.path.join(BUILD, "tests", "reports"))
    tests[sys.argv[1]](work)
    return finish(work)


def finish(work):
    """The exit code once the checks ran: 1 when one failed (the folder work is kept), 77 when
    a tool was missing, else 0 (work removed)."""
    if failures:
        print("%d check(s) failed; files kept in %s" % (len(failures), work), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return SKIP if missing_tools else 0


def main():
    tests = {"good": test_good, "broken": test_broken, "fault": test_fault, "usage": test_usage, "xss": test_xss,
             "audit": test_audit,
             "degrade": test_degrade}
    return run_part(tests, "sc-run-")


if __name__ == "__main__":
    sys.exit(main())
