#!/usr/bin/env python3
"""The worked configs of docs/stores.md, run as the doc runs them.

- Every config in examples/stores/ passes `storecheck validate` (the environment variables it
  needs without a default set to dummy loopback values); a profile there is validated through
  the config that names it as load.profile.
- examples/stores/api-only.yaml audits the reference store as an API-only, token-session store
  (--api-only --headless) and runs its scenarios for a few seconds: its thresholds hold.
- examples/stores/behind-cdn.yaml audits the reference store behind Debian's varnishd (with
  examples/stores/behind-cdn.vcl) and nginx (behind-cdn-nginx.conf), then behind the same
  Varnish with wrong-cart-cache.vcl, which caches the shopper's pages.

Only the store's address changes: SHOP_URL (and ALLOW_ORDERS=true, the test store taking
orders). Each verdict below is one the doc claims, with its reason text, which the doc must
quote; the VCL and nginx files must appear in the doc as they are.

usage: test_example_stores.py
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest). Without
varnishd or nginx the behind-the-cache part is not run and the test exits 77 (skip) after the
rest passed."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "probes"))
import test_stack_fronts as fronts  # noqa: E402  nginx and varnishd on loopback
tr = fronts.tr  # the reference store's binary, free ports, check()
check = tr.check

EXAMPLES = os.path.join(tr.SRC, "examples", "stores")
DOC = open(os.path.join(tr.SRC, "docs", "stores.md")).read()
WRONG_VCL = os.path.join(tr.SRC, "tests", "stores", "wrong-cart-cache.vcl")

# (probe, status, a text its reason holds): what docs/stores.md says the audit finds.
API_ONLY = [
    ("S-COOKIE-FLAGS", "pass", "from home, the shopper session, cart and add-to-cart are "
                               "HttpOnly and SameSite"),
    # Only the cart is judged: the store has no account or checkout page.
    ("T-PRIVATE-CACHE", "pass", "cart responses are private or no-store"),
    ("T-SESSION-ISOLATION", "pass", "two sessions never saw each other's cookies or cart "
                                    "(3 identifiers of the first compared)"),
    ("R-IDEMPOTENCY", "pass", "one order per key (sequential and 5 concurrent)"),
    ("T-STATIC-CACHE", "pass", "the product answer is cacheable for 60 s with ETag"),
    ("T-CONDITIONAL-GET", "pass", "If-None-Match answered 304 Not Modified"),
    ("T-CACHE-HIT", "skip", "no cache or CDN seems to be in front"),
    ("S-CSP", "skip", "no HTML page in the config"),
    ("S-REFERRER-POLICY", "skip", "no HTML page in the config"),
    ("S-PERMISSIONS-POLICY", "skip", "no HTML page in the config"),
    ("S-SRI", "skip", "no checkout page to read"),
    ("O-HEALTH", "pass", "health and readiness answer 200"),
    ("O-METRICS", "pass", "Prometheus text"),
    ("O-METRICS-PUBLIC", "warn", "metrics are public"),
    ("E-OPENAPI", "pass", "lists all 7 configured API paths"),
    ("E-PAGINATION", "pass", "per_page=100000 capped at 100 items"),
    ("T-RATE-LIMIT", "pass", "throttled with 429"),
    ("S-HTTPS-REDIRECT", "fail", "target.base_url is plain http"),
]
# The session's step, in the evidence of each probe that acted as the shopper.
SHOPPER_PROBES = ["S-COOKIE-FLAGS", "T-PRIVATE-CACHE", "T-SESSION-ISOLATION", "R-IDEMPOTENCY"]

BEHIND_GOOD = [
    ("T-CACHE-HIT", "pass", "the cache in front served the static asset on a repeat fetch"),
    ("T-STATIC-CACHE", "pass", "max-age 31536000 s, immutable, with ETag"),
    ("T-PRIVATE-CACHE", "pass", "cart, account and checkout responses are private or no-store"),
    ("T-SESSION-ISOLATION", "pass", "two sessions never saw each other's cookies or cart"),
    ("T-CONDITIONAL-GET", "pass", "If-None-Match answered 304 Not Modified"),
    ("S-VERSION-LEAK", "fail", "header(s) give software versions"),
    ("E-PROBLEM-JSON", "fail", "(405: Content-Type: text/html, not application/problem+json)"),
    ("O-BODY-LIMIT", "pass", "a 2 MiB body is refused with 413"),
    ("S-HTTPS-REDIRECT", "fail", "target.base_url is plain http"),
]
BEHIND_WRONG = [
    ("T-CACHE-HIT", "pass", "the cache in front served the static asset on a repeat fetch"),
    ("T-PRIVATE-CACHE", "fail", "served from a shared cache (X-Varnish: "),
    ("T-SESSION-ISOLATION", "fail", "a second shopper got the first shopper's session cookie "
                                    "from a cache (X-Varnish: "),
]
STACK_LINE = "Stack: Varnish (cache) -> nginx (server);"


def run(args, env=None, timeout=120):
    return subprocess.run([tr.BIN] + args, env=dict(os.environ, **(env or {})),
                          capture_output=True, text=True, timeout=timeout)


def validate_examples():
    """Every config of examples/stores validates; every profile there is some config's."""
    profiles_named = set()
    for path in sorted(glob.glob(os.path.join(EXAMPLES, "*.yaml"))):
        text = open(path).read()
        name = os.path.basename(path)
        if re.search(r"^model:", text, re.M):
            continue  # a profile: checked below, through its config
        profiles_named.update(re.findall(r"^\s+profile:\s*(\S+\.yaml)", text, re.M))
        env = {}
        for var in set(re.findall(r"\$\{(\w+)\}", text)):
            env[var] = "http://127.0.0.1:9" if var.endswith("_URL") else "storecheck-dummy"
        r = run(["validate", path], env)
        check(r.returncode == 0 and ": OK:" in r.stdout,
              "%s validates (exit %d): %s%s" % (name, r.returncode, r.stdout, r.stderr))
    for path in sorted(glob.glob(os.path.join(EXAMPLES, "*.yaml"))):
        if re.search(r"^model:", open(path).read(), re.M):
            check(os.path.basename(path) in profiles_named,
                  "profile %s is the load.profile of a config, so validate checks it" % path)


def start_refstore(work, *flags):
    """The reference store on a free plain-HTTP port (no TLS: plain HTTP serves the store).
    Its process and port."""
    ready = os.path.join(work, "ready-%d" % time.monotonic_ns())
    proc = subprocess.Popen([tr.REFSTORE, "--listen", "127.0.0.1:0", "--quiet", "--ready-file",
                             ready] + list(flags), stdout=subprocess.DEVNULL)
    end = time.monotonic() + 10
    while time.monotonic() < end and not (os.path.exists(ready) and open(ready).read().strip()):
        time.sleep(0.05)
    port = re.search(r"http=127\.0\.0\.1:(\d+)", open(ready).read()).group(1)
    return proc, int(port)


def stop(proc):
    proc.terminate()
    proc.wait(timeout=10)


def audit(work, config, port, name):
    """Audit with the example config at 127.0.0.1:port; the JSON report and the console."""
    out = os.path.join(work, name)
    r = run(["--no-color", "audit", config, "--json", out + ".json", "--html", out + ".html",
             "--junit", out + ".xml", "--markdown", out + ".md"],
            {"SHOP_URL": "http://127.0.0.1:%d" % port, "ALLOW_ORDERS": "true"})
    check(r.returncode == 1, "%s: the audit gates on plain HTTP (exit %d): %s" %
          (name, r.returncode, r.stderr))
    doc = json.load(open(out + ".json"))
    check(doc["target"] == "http://127.0.0.1:%d" % port,
          "%s: the report names the store's address: %s" % (name, doc["target"]))
    return {c["id"]: c for c in doc["checks"]}, doc, r.stdout


def expect(name, checks, wanted):
    """Each (probe, status, reason text) holds, and the doc quotes each reason text."""
    for probe, status, reason in wanted:
        got = checks.get(probe, {})
        check(got.get("status") == status and reason in (got.get("reason") or ""),
              "%s: %s %s '%s': %s %s" % (name, probe, status, reason, got.get("status"),
                                         got.get("reason")))
        check(reason in DOC, "docs/stores.md quotes %s's reason '%s'" % (probe, reason))


def api_only(work):
    config = os.path.join(EXAMPLES, "api-only.yaml")
    store, port = start_refstore(work, "--api-only", "--headless")
    try:
        checks, _, _ = audit(work, config, port, "api-only")
        expect("api-only", checks, API_ONLY)
        for probe in SHOPPER_PROBES:
            ev = checks.get(probe, {}).get("evidence", [])
            check(any(e["detail"] == "shopper session (audit.session) step 'session'" and
                      e["request"].endswith("/api/v1/session") for e in ev),
                  "api-only: %s acted as the session's shopper: %s" % (probe, ev[:2]))
        secrets = [e["detail"] for c in checks.values() for e in c["evidence"]
                   if "sid=" in (e["detail"] or "")]
        check(secrets and all("sid=[value hidden]" in s for s in secrets),
              "api-only: the session cookie is never shown: %s" % secrets)

        result = os.path.join(work, "api-only-load.json")
        r = run(["--no-color", "load", config, "--duration", "5s", "--json", result],
                {"SHOP_URL": "http://127.0.0.1:%d" % port})
        check(r.returncode == 0, "api-only: the scenarios hold their thresholds (exit %d): %s %s"
              % (r.returncode, r.stdout[-3000:], r.stderr))
        text = r.stdout
        for t in ("p95(iteration:checkout)", "p95(scenario:browse)", "p95(step:order)",
                  "error_rate"):
            check(re.search(r"pass\s+%s" % re.escape(t), text),
                  "api-only: threshold %s judged and passed: %s" % (t, text[-1500:]))
        check(re.search(r"^\s+checkout\s+[1-9]\d*\s+[1-9]\d*\s+0\s", text, re.M),
              "api-only: checkouts ran and completed, none failed: %s" % text[-2500:])
    finally:
        stop(store)


def behind_cdn(work):
    if not shutil.which("nginx") or not shutil.which("varnishd"):
        print("nginx or varnishd not installed: the store behind a cache is not tested",
              file=sys.stderr)
        return False
    config = os.path.join(EXAMPLES, "behind-cdn.yaml")
    good_vcl = os.path.join(EXAMPLES, "behind-cdn.vcl")
    nginx_conf = os.path.join(EXAMPLES, "behind-cdn-nginx.conf")
    for path in (good_vcl, nginx_conf, WRONG_VCL):
        check(open(path).read().strip() in DOC, "docs/stores.md shows %s as it is" % path)
    procs = []
    store, store_port = start_refstore(work)
    procs.append(store)
    try:
        nginx_port = tr.free_port()
        server = open(nginx_conf).read().replace("127.0.0.1:8080", "127.0.0.1:%d" % nginx_port)
        server = server.replace("127.0.0.1:8081", "127.0.0.1:%d" % store_port)
        nginx = fronts.run_nginx(work, server)
        procs.append(nginx)
        fronts.wait_port(nginx_port, nginx, "nginx")

        for vcl, name, wanted in ((good_vcl, "behind-cdn", BEHIND_GOOD),
                                  (WRONG_VCL, "wrong-cart-cache", BEHIND_WRONG)):
            local = os.path.join(work, name + ".vcl")
            open(local, "w").write(open(vcl).read().replace(
                '.port = "8080";', '.port = "%d";' % nginx_port))
            varnish, port = fronts.start_varnish(work, ["-f", local])
            try:
                checks, doc, console = audit(work, config, port, name)
            finally:
                stop(varnish)
            expect(name, checks, wanted)
            check(STACK_LINE in console, "%s: the console names the stack: %s" %
                  (name, console[-800:]))
            check([c["key"] for c in doc["stack"]["components"]] == ["varnish", "nginx"],
                  "%s: Varnish and nginx recognised: %s" % (name, doc["stack"]))
            fixes = {c: [f["fix"] for f in checks[c].get("stack_remediation", [])]
                     for c in checks}
            check(fixes["S-VERSION-LEAK"][:1] == ["unset resp.http.Via; unset resp.http.X-Varnish;"
                                                  " unset resp.http.X-Powered-By; in sub "
                                                  "vcl_deliver"],
                  "%s: Varnish's fix first for S-VERSION-LEAK: %s" % (name,
                                                                      fixes["S-VERSION-LEAK"]))
            if name == "wrong-cart-cache":
                for probe in ("T-PRIVATE-CACHE", "T-SESSION-ISOLATION"):
                    check(fixes[probe] and "a custom vcl_backend_response must not return "
                          "before it does" in fixes[probe][0],
                          "%s: Varnish's fix for %s: %s" % (name, probe, fixes[probe]))
        check("a custom vcl_backend_response must not return before it does" in DOC,
              "docs/stores.md quotes Varnish's fix")
        check(STACK_LINE in DOC, "docs/stores.md quotes the stack line")
    finally:
        for p in reversed(procs):
            stop(p)
    return True


def main():
    work = tempfile.mkdtemp(prefix="sc-stores-", dir=os.path.join(tr.BUILD, "tests"))
    validate_examples()
    api_only(work)
    cdn = behind_cdn(work)
    if tr.failures:
        print("%d check(s) failed; files kept in %s" % (len(tr.failures), work), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0 if cdn else tr.SKIP


if __name__ == "__main__":
    sys.exit(main())
