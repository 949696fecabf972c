#!/usr/bin/env python3
"""storecheck's Security score orders stores the way the MDN HTTP Observatory does.

Each file in configs/ is the header part of one nginx server (HTTPS on loopback, plain HTTP on
the same port redirected to HTTPS, the same TLS setup for all): from no header at all to a strict
CSP with HSTS preload, COOP/CORP and a __Host- cookie, with the Observatory's usual deductions in
between. One nginx serves them all, each on its own port. For each, `storecheck audit --only S`
gives the Security score, and the Observatory's own scan function (observatory.mjs) its score.
The Spearman rank correlation of the two over all configurations but EXCLUDED must be at least
0.9. EXCLUDED are where storecheck is deliberately stricter for a store than the Observatory
(docs/scoring.md lists them with why): there storecheck must score lower than on 17-strict, by
the check named, while the Observatory gives both the same score.

Run by run.sh (which installs the Observatory). Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR,
STORECHECK_BUILD_DIR (set by CTest), OBSERVATORY_MODULES (run.sh), and nginx: without nginx the
test exits 77 (skip)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "reports"))
sys.path.insert(0, os.path.join(os.environ["STORECHECK_SOURCE_DIR"], "tests", "probes"))
import test_run as tr  # noqa: E402  running storecheck, free ports, certificates
from test_stack_fronts import run_nginx, wait_port  # noqa: E402

check = tr.check
HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLD = 0.9
# Configuration -> the check by which storecheck is stricter there than the Observatory.
EXCLUDED = {"18-strict-checkout-no-sri": "S-SRI", "19-strict-cart-cookie": "S-COOKIE-FLAGS"}
STRICT = "17-strict"

PAGES = {
    "index.html": "<!doctype html><html><head><title>Shop</title></head>"
                  "<body><h1>Shop</h1><a href=\"/checkout\">Checkout</a></body></html>\n",
    "checkout.html": "<!doctype html><html><head><title>Checkout</title></head>"
                     "<body><form method=\"post\" action=\"/checkout\"></form></body></html>\n",
    # A payment provider's script without integrity (pay.example.com is never contacted).
    "checkout-cdn.html": "<!doctype html><html><head><title>Checkout</title>"
                         "<script src=\"https://pay.example.com/pay.js\"></script></head>"
                         "<body><form method=\"post\" action=\"/checkout\"></form></body></html>\n",
}


def server_block(name, port, certs, site):
    """The server for configs/NAME.conf: what every configuration shares, then its headers."""
    return """  server {{
    listen 127.0.0.1:{port} ssl;
    server_name localhost;
    ssl_certificate {c}/server.pem;
    ssl_certificate_key {c}/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
    server_tokens off;
    # Plain HTTP sent to this port is redirected to HTTPS on it: both references find the
    # http:// and https:// URLs of one host:port.
    error_page 497 =301 https://$host:$server_port$request_uri;
    root {site};
    set $checkout_page checkout.html;
    set $cart_cookie "";
    add_header Set-Cookie $cart_cookie;
    include {conf};
    location = /checkout {{ try_files /$checkout_page =404; }}
    location = /cart {{ default_type application/json; return 201 '{{"id":"c1"}}'; }}
  }}""".format(port=port, c=certs, site=site, conf=os.path.join(HERE, "configs", name + ".conf"))


def storecheck_config(work, name, port, ca):
    path = os.path.join(work, name + ".yaml")
    open(path, "w").write("""target:
  base_url: https://127.0.0.1:{port}
  http_url: http://127.0.0.1:{port}
  tls: {{ ca_file: {ca} }}
  timeout: 3s
  endpoints: {{ home: /, checkout_page: /checkout, cart: /cart }}
audit:
  probe_timeout: 10s
  deadline: 60s
reports: {{ json: {w}/{name}.json }}
""".format(port=port, ca=ca, w=work, name=name))
    return path


def storecheck_score(work, name, port, ca):
    """The Security group's score and the report's checks by id, or (None, {})."""
    cfg = storecheck_config(work, name, port, ca)
    r = tr.run(cfg, timeout=120, command="audit", args=["--only", "S"])
    report = os.path.join(work, name + ".json")
    if not check(os.path.exists(report), "%s: storecheck audit wrote its report (exit %d): %s"
                 % (name, r.returncode, r.stderr[-2000:])):
        return None, {}
    doc = json.load(open(report))
    sec = [g for g in doc["scores"]["groups"] if g["group"] == "S"]
    score = sec[0].get("score") if sec else None
    check(score is not None, "%s: the Security group has a score: %s" % (name, sec))
    return score, tr.checks_by_id(doc)


def observatory_score(name, port, ca):
    env = dict(os.environ, NODE_EXTRA_CA_CERTS=ca)
    r = subprocess.run(["node", os.path.join(HERE, "observatory.mjs"), "127.0.0.1:%d" % port],
                       env=env, capture_output=True, text=True, timeout=120)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        doc = {"error": "no JSON: " + r.stdout[-500:] + r.stderr[-1500:]}
    check("error" not in doc, "%s: the Observatory scanned it: %s" % (name, doc.get("error")))
    return doc


def ranks(values):
    """1-based ranks, ties sharing the mean of their places (as Spearman's rho asks)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs, ys):
    """Pearson's correlation of the ranks (exact with ties)."""
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


def main():
    if not shutil.which("nginx"):
        print("SKIP: nginx is not installed", file=sys.stderr)
        return tr.SKIP
    names = sorted(f[:-5] for f in os.listdir(os.path.join(HERE, "configs")) if f.endswith(".conf"))
    check(STRICT in names and all(n in names for n in EXCLUDED), "configs/ has %s and %s"
          % (STRICT, ", ".join(EXCLUDED)))
    scoring = open(os.path.join(tr.SRC, "docs", "scoring.md")).read()
    for n in EXCLUDED:
        check("`%s`" % n in scoring, "docs/scoring.md says why %s is excluded" % n)
    certs = tr.certs()
    ca = os.path.join(certs, "ca.pem")
    work = tempfile.mkdtemp(prefix="sc-grades-")
    os.chmod(work, 0o755)  # nginx's workers (nobody, when the test runs as root) read the site
    site = os.path.join(work, "site")
    os.mkdir(site)
    for f, text in PAGES.items():
        open(os.path.join(site, f), "w").write(text)
    ports = {n: tr.free_port() for n in names}
    nginx = run_nginx(work, "\n".join(server_block(n, ports[n], certs, site) for n in names))
    try:
        if not all(wait_port(ports[n], nginx, "nginx (%s)" % n) for n in names):
            return 1
        with ThreadPoolExecutor(max_workers=4) as pool:
            obs = dict(zip(names, pool.map(lambda n: observatory_score(n, ports[n], ca), names)))
        ours = {n: storecheck_score(work, n, ports[n], ca) for n in names}
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    print("%-28s %10s %12s  %s" % ("configuration", "storecheck", "Observatory", ""))
    for n in names:
        failed = sorted(i for i, c in ours[n][1].items() if c["status"] in ("fail", "warn"))
        print("%-28s %10s %12s  %s" % (n, ours[n][0], obs[n].get("score"), " ".join(failed)))
    ranked = [n for n in names if n not in EXCLUDED
              and ours[n][0] is not None and obs[n].get("score") is not None]
    check(len(ranked) == len(names) - len(EXCLUDED), "every configuration was scored by both")
    rho = spearman([ours[n][0] for n in ranked], [obs[n]["score"] for n in ranked])
    print("Spearman rank correlation over %d configurations: %.3f" % (len(ranked), rho))
    check(rho >= THRESHOLD, "Spearman %.3f >= %.1f" % (rho, THRESHOLD))
    # Where storecheck is stricter on purpose, that check alone makes the difference.
    for n, probe in EXCLUDED.items():
        s, checks = ours[n]
        st = checks.get(probe, {}).get("status")
        check(st == "fail", "%s: %s fails (%s)" % (n, probe, st))
        check(s is not None and ours[STRICT][0] is not None and s < ours[STRICT][0],
              "%s: storecheck scores it below %s (%s < %s)" % (n, STRICT, s, ours[STRICT][0]))
        check(obs[n].get("score") == obs[STRICT].get("score"),
              "%s: the Observatory scores it as %s (%s == %s)"
              % (n, STRICT, obs[n].get("score"), obs[STRICT].get("score")))
    if tr.failures:
        print("%d failure(s)" % len(tr.failures), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
