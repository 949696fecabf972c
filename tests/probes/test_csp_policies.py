#!/usr/bin/env python3
"""Pages that enforce several Content-Security-Policies, served by a real nginx (add_header
twice, or one field with a comma-separated list): S-CSP, S-X-FRAME-OPTIONS and S-SRI must judge
every policy the browser enforces, not the first field alone.

- split: scripts restricted by one policy, plugins, base, forms and framing by the other, and a
  permissive first policy: every hole is closed by one of them, so all pass.
- both-weak: both policies allow 'unsafe-inline': S-CSP fails and says it held in both.
- sri: the payment script carries integrity and is in the first policy's script sources but not
  the second's, which the browser enforces too: S-SRI fails, naming the script as outside the CSP.
- listed: one field "frame-ancestors *, frame-ancestors 'self'": the second policy restricts
  framing, so S-X-FRAME-OPTIONS passes.

Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest) and nginx:
without nginx the test exits 77 (skip)."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run as tr  # noqa: E402  running storecheck, free ports
from test_stack_fronts import run_nginx, wait_port  # noqa: E402

check = tr.check
STRICT_REST = "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
# sha384 of nothing in particular: a well-formed integrity value (the script is never fetched).
INTEGRITY = "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"

SITES = {
    "split": ['add_header Content-Security-Policy "script-src * \'unsafe-inline\'";',
              'add_header Content-Security-Policy "script-src \'self\'";',
              'add_header Content-Security-Policy "%s";' % STRICT_REST],
    "both-weak": ['add_header Content-Security-Policy "script-src \'self\' \'unsafe-inline\'; %s";'
                  % STRICT_REST,
                  'add_header Content-Security-Policy "default-src \'self\' \'unsafe-inline\'";'],
    "sri": ['add_header Content-Security-Policy "script-src \'self\' https://pay.example.com; %s";'
            % STRICT_REST,
            'add_header Content-Security-Policy "script-src \'self\'";'],
    "listed": ['add_header Content-Security-Policy '
               '"script-src \'self\'; %s, frame-ancestors *, frame-ancestors \'self\'";'
               % STRICT_REST.replace("; frame-ancestors 'none'", "")],
}

CHECKOUT = ("<!doctype html><html><head><title>Checkout</title>"
            "<script src=\"https://pay.example.com/pay.js\" integrity=\"%s\" "
            "crossorigin=\"anonymous\"></script></head>"
            "<body><form method=\"post\" action=\"/checkout\"></form></body></html>\n" % INTEGRITY)
HOME = ("<!doctype html><html><head><title>Shop</title></head>"
        "<body><a href=\"/checkout\">Checkout</a></body></html>\n")


def audit(work, name, port):
    cfg = os.path.join(work, name + ".yaml")
    report = os.path.join(work, name + ".json")
    open(cfg, "w").write("""target:
  base_url: http://127.0.0.1:{port}
  timeout: 3s
  endpoints: {{ home: /, checkout_page: /checkout }}
audit:
  probe_timeout: 10s
reports: {{ json: {report} }}
""".format(port=port, report=report))
    r = tr.run(cfg, timeout=60, command="audit",
               args=["--only", "S-CSP,S-X-FRAME-OPTIONS,S-SRI"])
    if not check(os.path.exists(report), "%s: audit wrote its report (exit %d): %s"
                 % (name, r.returncode, r.stderr[-2000:])):
        return {}
    return tr.checks_by_id(json.load(open(report)))


def expect(name, checks, want):
    for cid, (status, words) in want.items():
        got = checks.get(cid, {})
        check(got.get("status") == status and words in got.get("reason", ""),
              "%s: %s is %s with %r: %s %r" % (name, cid, status, words, got.get("status"),
                                               got.get("reason")))


def main():
    if not shutil.which("nginx"):
        print("nginx not installed: skipped", file=sys.stderr)
        return tr.SKIP
    work = tempfile.mkdtemp(prefix="sc-csp-", dir=os.path.join(tr.BUILD, "tests", "probes"))
    os.chmod(work, 0o755)  # nginx's workers read the site as an unprivileged user
    site = os.path.join(work, "site")
    os.makedirs(site)
    open(os.path.join(site, "index.html"), "w").write(HOME)
    open(os.path.join(site, "checkout.html"), "w").write(CHECKOUT)
    ports = {name: tr.free_port() for name in SITES}
    servers = "\n".join("""  server {{
    listen 127.0.0.1:{port};
    root {site};
    {headers}
    location = /checkout {{ try_files /checkout.html =404; }}
  }}""".format(port=ports[name], site=site, headers="\n    ".join(headers))
                        for name, headers in SITES.items())
    nginx = run_nginx(work, servers)
    try:
        for port in ports.values():
            wait_port(port, nginx, "nginx")
        expect("split", audit(work, "split", ports["split"]), {
            "S-CSP": ("pass", "(3 policies together)"),
            "S-X-FRAME-OPTIONS": ("pass", "CSP frame-ancestors 'none'"),
            "S-SRI": ("fail", "outside the CSP"),  # 'self' only, in the second policy
        })
        expect("both-weak", audit(work, "both-weak", ports["both-weak"]), {
            "S-CSP": ("fail", "'unsafe-inline' without a nonce or hash: injected scripts run "
                              "(in every one of the 2 policies)"),
        })
        expect("sri", audit(work, "sri", ports["sri"]), {
            "S-CSP": ("pass", "(2 policies together)"),
            "S-SRI": ("fail", "https://pay.example.com/pay.js is outside the CSP's script "
                              "sources"),
        })
        expect("listed", audit(work, "listed", ports["listed"]), {
            "S-CSP": ("pass", "(3 policies together)"),
            "S-X-FRAME-OPTIONS": ("pass", "CSP frame-ancestors 'self'"),
        })
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    return tr.finish(work)


if __name__ == "__main__":
    sys.exit(main())
