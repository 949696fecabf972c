#!/usr/bin/env python3
"""storecheck run with load.http: 2 against nginx speaking HTTP/2 over TLS in front of the
reference store: the load phase runs over h2 (nginx logs its requests as HTTP/2.0), and
the reports say so: the load asked for 2 and its connections spoke h2, each under-load check
names h2 (JSON), and the console, the HTML and the Markdown say "over h2".

usage: test_run_h2.py
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest), and nginx on
PATH: without it the test exits 77 (skip)."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "probes"))
import test_run as tr  # noqa: E402  the reference store, running storecheck, report checks
import test_stack_fronts as fronts  # noqa: E402  nginx in front of the store

check = tr.check
UNDER_LOAD = ("O-HEALTH-UNDER-LOAD", "O-ERRORS-UNDER-LOAD")
# The steady profile's mix, each a page the store answers.
SCENARIOS = """  scenarios:
    browse: [ { name: home, path: / } ]
    search: [ { name: products, path: /api/v1/products } ]
    cart: [ { name: health, path: /healthz } ]
    checkout: [ { name: ready, path: /readyz } ]
"""


def start_nginx_h2(work, upstream):
    """nginx 1.22 terminating TLS with HTTP/2 (ALPN h2) and proxying the store's HTTPS
    listener. The process and its port."""
    port = tr.free_port()
    c = tr.certs()
    proc = fronts.run_nginx(work, """  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {c}/server.pem;
    ssl_certificate_key {c}/server.key;
    location / {{ proxy_pass https://127.0.0.1:{up}; proxy_set_header Host $host; }}
  }}""".format(port=port, up=upstream, c=c))
    fronts.wait_port(port, proc, "nginx")
    return proc, port


def write_config(work, port, ca, scenarios):
    path = os.path.join(work, "storecheck.yaml")
    open(path, "w").write("""target:
  base_url: https://127.0.0.1:{port}
  tls: {{ ca_file: {ca} }}
  timeout: 2s
  endpoints: {{ home: /, catalog: /api/v1/products, health: /healthz, readiness: /readyz }}
audit: {{ only: [S-NOSNIFF], probe_timeout: 5s, deadline: 15s }}
load:
  rate: 40
  duration: 4s
  threads: 1
  connections: 2
  http: 2
{scenarios}reports: {{ json: {w}/out.json, html: {w}/out.html, junit: {w}/out.xml, markdown: {w}/out.md,
           sarif: {w}/out.sarif }}
""".format(port=port, ca=ca, w=work, scenarios=scenarios))
    return path


def run_over_h2(work, port, ca, what, scenarios=""):
    """storecheck run against nginx with load.http: 2 (scenarios: load.scenarios, or URLs)."""
    open(os.path.join(work, "access.log"), "w").close()  # nginx appends: this run's alone
    for f in os.listdir(work):
        if f.startswith(("out.", "again.")):
            os.remove(os.path.join(work, f))

    def ok(cond, msg):
        check(cond, "%s: %s" % (what, msg))

    r = tr.run(write_config(work, port, ca, scenarios), timeout=80)
    ok(r.returncode in (0, 1), "the run ran (exit %d): %s %s" %
       (r.returncode, r.stdout, r.stderr))
    doc = tr.check_reports(work)
    load = doc.get("load") or {}
    spoke = load.get("totals", {}).get("protocols", {})
    ok(load.get("run", {}).get("http") == "2", "the load asked for HTTP 2: %s" %
       load.get("run"))
    ok(spoke.get("h2", 0) > 0 and spoke.get("http/1.1", 0) == 0,
       "every connection of the load spoke h2: %s" % spoke)
    ok(load.get("totals", {}).get("responses", 0) > 0, "the load got answers")
    by = tr.checks_by_id(doc)
    for cid in UNDER_LOAD:
        c = by.get(cid, {})
        ok(c.get("phase") == "under_load" and c.get("load_protocols") == ["h2"],
           "%s ran beside a load over h2: %s" % (cid, c))
    ok("Load over h2 (HTTP 2 asked)" in r.stdout, "the console says h2: " + r.stdout)
    html = open(os.path.join(work, "out.html")).read()
    ok("under load over h2" in html, "the HTML's under-load checks say h2")
    ok("Connections by protocol: h2 " in html, "the HTML's load summary says h2")
    md = open(os.path.join(work, "out.md")).read()
    ok("over h2 (HTTP 2 asked)" in md, "the Markdown says h2: " + md)
    # The probes ask over HTTP/1.1; every answer the load got came over HTTP/2.
    h2 = [line for line in open(os.path.join(work, "access.log")).read().splitlines()
          if line.endswith(" HTTP/2.0")]
    ok(len(h2) >= load.get("totals", {}).get("responses", 1),
       "nginx saw the load's requests over HTTP/2: %d for %s responses" %
       (len(h2), load.get("totals", {}).get("responses")))


def main():
    if not shutil.which("nginx"):
        print("nginx not installed: skipped", file=sys.stderr)
        return tr.SKIP
    work = tempfile.mkdtemp(prefix="sc-run-h2-", dir=os.path.join(tr.BUILD, "tests", "reports"))
    store = tr.Refstore(work)
    nginx = None
    try:
        nginx, port = start_nginx_h2(work, int(store.ports["https"]))
        run_over_h2(work, port, store.ca, "URLs")
        run_over_h2(work, port, store.ca, "scenarios", SCENARIOS)
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)
        store.stop()
    return tr.finish(work)


if __name__ == "__main__":
    sys.exit(main())
