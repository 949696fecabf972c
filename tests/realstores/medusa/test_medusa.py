#!/usr/bin/env python3
"""storecheck against a real Medusa 2 store, installed from npm and seeded by store.sh.

usage: test_medusa.py audit|checkout
  audit     storecheck audit with examples/stores/medusa.yaml: every probe ends as TRUTHS says
  checkout  storecheck load runs the checkout scenario: the orders in Medusa's own database are
            exactly the iterations storecheck completed; then the declined-card variant: every
            iteration failed, with Medusa's error type as the reason, and no new order; then
            R-IDEMPOTENCY with audit.allow_orders on: idempotent by the cart, an order a cart
Needs STORECHECK_BIN and STORECHECK_SOURCE_DIR (set by CTest). Exits 77 (skip) only when the
npm registry cannot be reached and no install is cached."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

SRC = os.environ["STORECHECK_SOURCE_DIR"]
BIN = os.environ["STORECHECK_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
STORE_SH = os.path.join(HERE, "store.sh")
CONFIG = os.path.join(SRC, "examples", "stores", "medusa.yaml")
SKIP = 77
DECLINE_CODE = "payment_authorization_error"

# What is true of Medusa 2.21.2 as store.sh runs it (NODE_ENV=production, plain HTTP on
# loopback, STORE_CORS=http://localhost:8000, no admin, no Redis), read in its own source under
# node_modules/@medusajs/ and its docs, written down before the audit ran; and so what each
# probe must conclude. Paths are relative to node_modules/@medusajs/, but for express/ (4.22.3)
# and express-session/, relative to node_modules/.
NO_GRAPHQL = "no GraphQL API: the store API is REST, so target.graphql.path is not set"
TRUTHS = {
    # --- S: security
    "S-TLS-VERSIONS": ("skip", "Medusa listens with plain http.listen (medusa/dist/commands/"
                       "start.js); TLS is for the proxy in front, and there is none here"),
    "S-TLS-CIPHERS": ("skip", "as S-TLS-VERSIONS: no TLS to judge"),
    "S-TLS-CERT": ("skip", "as S-TLS-VERSIONS: no certificate"),
    "S-TLS-FALLBACK-SCSV": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-RENEGOTIATION": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-COMPRESSION": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-HEARTBLEED": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-CCS-INJECTION": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-DH-PARAMS": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-ROBOT": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-KNOWN-ATTACKS": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-CIPHER-ORDER": ("skip", "as S-TLS-VERSIONS: no TLS handshake to scan"),
    "S-TLS-CHAIN": ("skip", "as S-TLS-VERSIONS: no certificate"),
    "S-TLS-CERT-USAGE": ("skip", "as S-TLS-VERSIONS: no certificate"),
    "S-TLS-OCSP": ("skip", "as S-TLS-VERSIONS: no certificate"),
    "S-TLS-MUST-STAPLE": ("skip", "as S-TLS-VERSIONS: no certificate"),
    "S-TLS-CT": ("skip", "as S-TLS-VERSIONS: no certificate"),
    "S-CAA": ("skip", "the store is reached at 127.0.0.1: CAA records belong to DNS names"),
    "S-HTTPS-REDIRECT": ("fail", "the store is on plain HTTP: Medusa terminates no TLS and "
                         "redirects nothing (start.js), and nothing stands in front of it here"),
    "S-HSTS": ("skip", "no HTML home page (admin disabled, no storefront) and no HTTPS"),
    "S-CSP": ("skip", "no HTML pages: Medusa serves JSON only"),
    "S-X-FRAME-OPTIONS": ("skip", "no HTML pages to frame"),
    "S-CORP": ("warn", "no Cross-Origin-Resource-Policy on the store API: the framework sets no "
               "security headers (framework/dist/http/express-loader.js has no helmet)"),
    "S-NOSNIFF": ("fail", "no X-Content-Type-Options on the store API: the framework sets no "
                  "security headers (framework/dist/http/express-loader.js has no helmet)"),
    "S-REFERRER-POLICY": ("skip", "no HTML pages to carry a Referrer-Policy"),
    "S-PERMISSIONS-POLICY": ("skip", "no HTML pages to carry a Permissions-Policy"),
    "S-COOKIE-FLAGS": ("pass", "carts are ids in JSON bodies and set no cookie; the one cookie, "
                       "connect.sid, is set by the shopper session's POST /auth/session "
                       "(medusa/dist/api/auth/session/route.js), HttpOnly (express-session/"
                       "session/cookie.js default), Secure and SameSite=Lax in production "
                       "(framework/dist/http/express-loader.js "
                       "resolveSessionCookieSecurity); Secure cookies go out "
                       "only over HTTPS, which X-Forwarded-Proto tells it (proxy: true)"),
    "S-VERSION-LEAK": ("warn", "Express's default X-Powered-By: Express, without a version: "
                       "Medusa never calls app.disable('x-powered-by')"),
    "S-EXPOSED-VCS": ("pass", "no route serves files but /static, from <project>/static, "
                      "which the store does not have: every candidate is Express's 404"),
    "S-EXPOSED-ENV": ("pass", "as S-EXPOSED-VCS"),
    "S-EXPOSED-BACKUP": ("pass", "as S-EXPOSED-VCS"),
    "S-EXPOSED-CONFIG": ("pass", "as S-EXPOSED-VCS"),
    "S-ADMIN-SURFACE": ("pass", "admin dashboard disabled (admin.disable); /admin/* answers 401 "
                        "without a token (framework/dist/http/middlewares/"
                        "authenticate-middleware.js)"),
    "S-CORS": ("pass", "store_cors is a fixed list (medusa-config.js); the cors package "
               "(framework/dist/http/router.js applyCorsMiddleware) echoes no other Origin, "
               "null included; Access-Control-Allow-Credentials: true comes without "
               "Access-Control-Allow-Origin, so it grants nothing"),
    "S-SRI": ("skip", "no checkout page: the checkout is API calls"),
    # --- T: traffic
    "T-STATIC-CACHE": ("warn", "no static asset (nothing under /static, no HTML to find one), "
                       "so the product API answer is judged: Express gives every res.json a "
                       "weak ETag (express/lib/application.js: set('etag', 'weak'), Express "
                       "4.22.3) and Medusa sets no Cache-Control, so every read reaches it"),
    "T-CACHE-HIT": ("skip", "the product answer has no Cache-Control: nothing is meant for a "
                    "shared cache, so no hit is expected"),
    "T-CONDITIONAL-GET": ("pass", "Express answers 304 when If-None-Match matches the ETag it "
                          "made (express/lib/response.js send: req.fresh)"),
    "T-PRIVATE-CACHE": ("warn", "cart and account answers carry no Cache-Control at all "
                        "(Express sets none; no store route sets one: the only Cache-Control in "
                        "medusa/dist/api is on the admin workflow subscriptions)"),
    "T-SESSION-ISOLATION": ("pass", "each shopper's token and connect.sid are its own "
                            "(medusa/dist/api/auth/token/refresh/route.js signs a token for the "
                            "identity, whose app_metadata holds its own customer's id "
                            "(medusa/dist/api/auth/utils/generate-jwt-token.js); express-session "
                            "makes a new id per session), /store/customers/me answers the "
                            "token's customer (medusa/dist/api/store/customers/me/route.js), "
                            "and nothing caches"),
    "T-COMPRESSION": ("fail", "response compression is off unless projectConfig.http."
                      "compression.enabled (framework/dist/http/utils/http-compression.js: "
                      "enabled ?? false): the catalog's 1.9 KB of JSON goes uncompressed"),
    "T-HTTP2": ("skip", "plain HTTP: no ALPN"),
    "T-LATENCY": ("pass", "catalog and search answer in a few hundred ms on an idle machine; "
                  "the test machine is shared, so the test's copy of the config sets a 3 s "
                  "budget (LATENCY_BUDGET) that a working store always meets"),
    "T-RATE-LIMIT": ("warn", "Medusa has no rate limiter (no rate-limit code in framework/ or "
                     "medusa/ dist): logins with unknown credentials are refused 401 "
                     "(medusa/dist/api/auth/[actor_type]/[auth_provider]/route.js) as often as "
                     "they come, never 429 and never 5xx"),
    # --- O: operations
    "O-HEALTH": ("pass", "GET /health answers 200 'OK' (medusa/dist/commands/start.js)"),
    "O-METRICS": ("skip", "Medusa serves no metrics"),
    "O-METRICS-PUBLIC": ("skip", "Medusa serves no metrics"),
    "O-REQUEST-ID": ("fail", "Medusa reads X-Request-Id into req.requestId for its logs "
                     "(medusa/dist/loaders/index.js) but never sends an id back"),
    "O-ERROR-PAGES": ("pass", "unknown paths and TRACE get Express's 404; a malformed request "
                      "gets Node's 400; no stack traces in production (error-handler.js)"),
    "O-BODY-LIMIT": ("pass", "express.json() with no sizeLimit: the 100 kB default, answered "
                     "413 by the error handler (framework/dist/http/middlewares/bodyparser.js, "
                     "error-handler.js)"),
    "O-CLOCK": ("pass", "Node's Date header from the local clock"),
    "O-ATTESTATIONS": ("pass", "declared in examples/stores/medusa.yaml within their max_age"),
    # --- GraphQL: Medusa's store API is REST only (no GraphQL route under medusa/dist/api)
    "S-GRAPHQL-INTROSPECTION": ("skip", NO_GRAPHQL),
    "S-GRAPHQL-SUGGESTIONS": ("skip", NO_GRAPHQL),
    "S-GRAPHQL-CSRF": ("skip", NO_GRAPHQL),
    "S-GRAPHQL-PERSISTED": ("skip", NO_GRAPHQL),
    "T-GRAPHQL-DEPTH": ("skip", NO_GRAPHQL),
    "T-GRAPHQL-BATCHING": ("skip", NO_GRAPHQL),
    "O-GRAPHQL-ERRORS": ("skip", NO_GRAPHQL),
    # --- R: reliability
    "R-REDUNDANCY": ("skip", "127.0.0.1 is one address"),
    "R-TIMEOUTS": ("pass", "every store route answers well within target.timeout"),
    "R-IDEMPOTENCY": ("skip", "audit.allow_orders is off: the audit places no orders (the "
                      "checkout scenario does, and counts them)"),
    "R-WEBHOOK-RETRY": ("skip", "no webhooks configured: Medusa has no webhook subscriptions"),
    "R-WEBHOOK-SIGNATURE": ("skip", "no webhooks configured"),
    "R-WEBHOOK-INTAKE": ("skip", "no webhook_intake endpoint configured"),
    "R-DEGRADATION": ("skip", "no fault hooks and allow_orders off"),
    # --- E: extensibility
    "E-API-VERSION": ("warn", "no version in the path (/store/products) and no version header: "
                      "Medusa versions its API by package release"),
    "E-OPENAPI": ("skip", "Medusa publishes its OpenAPI specs with its docs, not from the store"),
    "E-PROBLEM-JSON": ("fail", "errors are application/json {type, message} (error-handler.js), "
                       "not application/problem+json"),
    "E-PAGINATION": ("fail", "any limit is honoured: createFindParams takes any number "
                     "(medusa/dist/api/utils/validators.js) and prepareListQuery passes it on "
                     "as take (framework/dist/http/utils/get-query-config.js), so limit=100000 "
                     "brings all 260 seeded products; per_page and page_size are refused 400 "
                     "(StoreGetProductsParams is .strict(), medusa/dist/api/store/products/"
                     "validators.js)"),
    "E-DEPRECATION": ("skip", "no version in the path"),
    "E-WEBHOOK-PAYLOAD": ("skip", "no webhooks configured"),
}

# Where a status alone could hide a wrong decision (a fail or warn for another reason than
# the truth), what storecheck's reason must name.
DECIDED_BY = {
    "S-HTTPS-REDIRECT": r"not on HTTPS",
    "S-NOSNIFF": r"X-Content-Type-Options",
    "S-VERSION-LEAK": r"X-Powered-By",
    "S-COOKIE-FLAGS": r"the shopper session.* HttpOnly and SameSite",
    "S-CSP": r"no HTML page",
    "T-STATIC-CACHE": r"product answer has an ETag but no lifetime",
    "T-CACHE-HIT": r"not meant for a shared cache",
    "T-CONDITIONAL-GET": r"304",
    "T-PRIVATE-CACHE": r"/store/carts.*Cache-Control",
    # the cart id, connect.sid, and the two tokens the session was handed
    "T-SESSION-ISOLATION": r"never saw each other's cookies or cart \(4 identifiers",
    "T-COMPRESSION": r"/store/products",
    "T-RATE-LIMIT": r"login attempts .* none throttled",
    "O-REQUEST-ID": r"request id",
    "O-BODY-LIMIT": r"413",
    "R-IDEMPOTENCY": r"allow_orders",
    "E-API-VERSION": r"version",
    "E-PROBLEM-JSON": r"problem\+json",
    "E-PAGINATION": r"260 items for limit=100000",
}
for pid in ("S-GRAPHQL-INTROSPECTION", "S-GRAPHQL-SUGGESTIONS", "S-GRAPHQL-CSRF",
            "S-GRAPHQL-PERSISTED", "T-GRAPHQL-DEPTH", "T-GRAPHQL-BATCHING", "O-GRAPHQL-ERRORS"):
    DECIDED_BY[pid] = r"target\.graphql\.path"

# What must be in a check's evidence besides: the cookie judged is the session's connect.sid,
# with the flags express-loader.js gives it in production; the account page was read as the
# shopper (200), not refused (401).
EVIDENCE = {
    "S-COOKIE-FLAGS": r"Set-Cookie: connect\.sid=\[value hidden\];.*HttpOnly; Secure; "
                      r"SameSite=Lax",
    "T-PRIVATE-CACHE": r"GET \S*/store/customers/me 200",
    "E-PAGINATION": r"per_page=100000 400",
}

# Medusa runs on Express, named by X-Powered-By: Express on every answer (application.js
# enables x-powered-by); the fixes of these findings are given for Express too.
EXPRESS_FIXES = ("S-NOSNIFF", "S-VERSION-LEAK", "T-COMPRESSION", "T-PRIVATE-CACHE",
                 "T-RATE-LIMIT")
# The test machine is shared with other work; see T-LATENCY.
LATENCY_BUDGET = "3s"

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


class Store:
    """store.sh start/stop around a test; stopped on every exit path."""

    def __init__(self, work):
        self.dir = os.path.join(work, "store")
        self.env = {}
        # a copy beside the run, so that the config's reports land there, not in the source tree
        self.config = os.path.join(work, "medusa.yaml")
        with open(CONFIG) as f:
            text = f.read()
        budget = "latency_budget: 800ms"
        assert budget in text, "the example config sets its latency budget"
        with open(self.config, "w") as f:
            f.write(text.replace(budget, "latency_budget: " + LATENCY_BUDGET))

    def __enter__(self):
        r = subprocess.run(["bash", STORE_SH, "start", self.dir],
                           env=dict(os.environ, STORE_OWNER_PID=str(os.getpid())))
        if r.returncode != 0:
            self.__exit__(None, None, None)
            sys.exit(SKIP if r.returncode == SKIP else 1)
        with open(os.path.join(self.dir, "store.env")) as f:
            self.env = dict(line.strip().split("=", 1) for line in f if "=" in line)
        self.warm_up()
        return self

    def warm_up(self):
        """One request to each kind of route the probes use: a Medusa that has just started
        loads its modules and compiles its queries on first use, seconds each on a busy
        machine, and a shop's store is past that."""
        key = {"x-publishable-api-key": self.env["PUBLISHABLE_KEY"],
               "Content-Type": "application/json"}
        base = self.env["BASE_URL"]
        for method, path, body in (
                ("GET", "/store/products", None), ("GET", "/store/products?q=a", None),
                ("POST", "/store/carts", {"region_id": self.env["REGION_ID"]}),
                ("POST", "/auth/customer/emailpass", {"email": "warm-up@example.com",
                                                      "password": "warm-up"})):
            data = json.dumps(body).encode() if body is not None else None
            req = urllib.request.Request(base + path, data=data, headers=key, method=method)
            try:
                urllib.request.urlopen(req, timeout=60).read()
            except urllib.error.HTTPError:
                pass  # the login is refused (401): it only has to run once

    def __exit__(self, *exc):
        subprocess.run(["bash", STORE_SH, "stop", self.dir])

    def storecheck_env(self):
        env = dict(os.environ)
        env.update(MEDUSA_URL=self.env["BASE_URL"],
                   MEDUSA_PUBLISHABLE_KEY=self.env["PUBLISHABLE_KEY"],
                   MEDUSA_REGION_ID=self.env["REGION_ID"],
                   MEDUSA_VARIANT_ID=self.env["VARIANT_ID"],
                   MEDUSA_SHIPPING_OPTION_ID=self.env["SHIPPING_OPTION_ID"])
        return env

    def orders(self):
        """The orders in Medusa's own database."""
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", self.env["PG_PORT"], "-U",
                            "postgres", "-d", "medusa", "-Atc",
                            'SELECT count(*) FROM "order"'],
                           capture_output=True, text=True, check=True)
        return int(r.stdout.strip())


def storecheck(store, *args):
    r = subprocess.run([BIN] + list(args), env=store.storecheck_env(), capture_output=True,
                       text=True, timeout=300)
    sys.stderr.write(r.stdout[-6000:] + r.stderr[-3000:])
    return r


def audit(store, work):
    out = os.path.join(work, "audit.json")
    r = storecheck(store, "audit", store.config, "--json", out)
    doc = json.load(open(out))
    by = {c["id"]: c for c in doc["checks"]}
    check(set(by) == set(TRUTHS), "the truth table names every probe: missing %s, unknown %s"
          % (sorted(set(by) - set(TRUTHS)), sorted(set(TRUTHS) - set(by))))
    for pid, (want, why) in TRUTHS.items():
        got = by.get(pid)
        if got is None:
            continue
        check(got["status"] == want, "%s: %s, but Medusa's truth is %s (%s); storecheck said: %s"
              % (pid, got["status"], want, why, got["reason"]))
        if pid not in DECIDED_BY:
            continue
        check(re.search(DECIDED_BY[pid], got["reason"]) is not None,
              "%s: the reason does not name /%s/: %s" % (pid, DECIDED_BY[pid], got["reason"]))
    for pid, pattern in EVIDENCE.items():
        seen = ["%s %s" % (e["request"] or "", e["status"]) if pid != "S-COOKIE-FLAGS"
                else e["detail"] or "" for e in by.get(pid, {}).get("evidence", [])]
        check(any(re.search(pattern, x) for x in seen),
              "%s: no evidence matches /%s/: %s" % (pid, pattern, seen))
    stack = doc.get("stack") or {}
    check([c["key"] for c in stack.get("components", [])] == ["express"],
          "the stack is Express alone: %s" % stack)
    for pid in EXPRESS_FIXES:
        fixes = [f["stack"] for f in by.get(pid, {}).get("stack_remediation", [])]
        check(fixes == ["express"], "%s gives the Express fix: %s" % (pid, fixes))
    secret = store.env["PUBLISHABLE_KEY"]
    check(secret not in open(out).read(), "the publishable key never appears in the report")
    gating = [c["id"] for c in doc["checks"] if c["gated"]]
    check(r.returncode == (1 if gating else 0),
          "exit %d with gating findings %s" % (r.returncode, gating))


def load(store, work, profile, name):
    out = os.path.join(work, name + ".json")
    # the config's load.rate and duration would stretch the profile: keep its own shape
    r = storecheck(store, "load", store.config, "--profile", os.path.join(HERE, profile),
                   "--rate", "30/m", "--duration", "40s", "--json", out)
    check(r.returncode in (0, 1), "storecheck load ran (exit %d)" % r.returncode)
    doc = json.load(open(out))
    scenario = {s["name"]: s for s in doc["scenarios"]}[name]
    steps = [doc["steps"][i] for i in scenario["steps"]]
    return scenario, {s["name"]: s for s in steps}


def checkout(store, work):
    r = storecheck(store, "validate", CONFIG)
    check(r.returncode == 0, "examples/stores/medusa.yaml validates")
    before = store.orders()
    sc, _ = load(store, work, "profile-orders.yaml", "checkout")
    placed = store.orders() - before
    print("checkout: started %d completed %d failed %d unfinished %d; orders in Medusa: %d"
          % (sc["started"], sc["completed"], sc["failed_total"], sc["unfinished"], placed))
    check(sc["started"] >= 5 and sc["unfinished"] == 0,
          "a bounded checkout run that finished: %d started, %d unfinished"
          % (sc["started"], sc["unfinished"]))
    check(placed == sc["completed"], "Medusa holds %d new orders, storecheck completed %d"
          % (placed, sc["completed"]))
    check(sc["completed"] == sc["started"], "every checkout on a healthy store completes: "
          "%d of %d, failed %s" % (sc["completed"], sc["started"], sc["failed"]))

    before = store.orders()
    sc, steps = load(store, work, "profile-declined.yaml", "checkout_declined")
    placed = store.orders() - before
    complete = steps["complete"]
    print("declined: started %d completed %d failed %s; orders in Medusa: %d; reason: %s"
          % (sc["started"], sc["completed"], sc["failed"], placed, complete["checks"][0]["reason"]))
    check(sc["started"] >= 5 and sc["unfinished"] == 0, "a bounded declined-card run")
    check(sc["completed"] == 0 and sc["failed"]["check_failed"] == sc["started"],
          "every declined-card checkout failed its checks: %s" % sc["failed"])
    check(complete["failed"]["check_failed"] == sc["started"],
          "the iterations failed at the complete step: %s" % complete["failed"])
    reason = complete["checks"][0]["reason"] or ""
    check(DECLINE_CODE in reason, "the reason carries Medusa's error type: %r" % reason)
    check(placed == 0, "no order for a declined card, Medusa holds %d new" % placed)

    idempotency(store, work)


# What R-IDEMPOTENCY must find, from Medusa's source: POST /store/carts/:id/complete reads
# no Idempotency-Key and no body (medusa/dist/api/store/carts/[id]/complete/route.js);
# completeCartWorkflow takes a lock on the cart id and, when the order_cart link already names
# an order, returns it instead of creating one (core-flows/dist/cart/workflows/
# complete-cart.js: "Cart Completion Idempotency"). So every checkout of one cart, with any key
# or none and any body, answers 200 with its one order: idempotent by the cart. The probe
# completes two carts (the second for its concurrent duplicates): two orders made.
def idempotency(store, work):
    config = os.path.join(work, "medusa-orders.yaml")
    with open(store.config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("audit:\n", "audit:\n  allow_orders: true\n", 1))
    out = os.path.join(work, "orders.json")
    before = store.orders()
    storecheck(store, "audit", config, "--only", "R-IDEMPOTENCY", "--json", out)
    placed = store.orders() - before
    doc = json.load(open(out))
    got = {c["id"]: c for c in doc["checks"]}.get("R-IDEMPOTENCY", {})
    print("R-IDEMPOTENCY: %s: %s; orders in Medusa: %d" % (got.get("status"), got.get("reason"),
                                                          placed))
    check(got.get("status") == "pass" and "idempotent by its cart" in (got.get("reason") or ""),
          "R-IDEMPOTENCY passes, idempotent by the cart: %s" % got)
    steps = [e["detail"] or "" for e in got.get("evidence", [])]
    check(any("(audit.order) step 'payment_session'" in d for d in steps),
          "the cart was readied by the order_ready scenario: %s" % steps)
    check(placed == 2, "the probe's checkouts of two carts made two orders in Medusa, not %d"
          % placed)


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else ""
    if part not in ("audit", "checkout"):
        sys.exit(__doc__)
    # CTest's timeout and Ctrl-C end the test through the finally/with blocks below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    r = subprocess.run(["bash", STORE_SH, "install"], stdout=subprocess.DEVNULL)
    if r.returncode == SKIP:
        print("skip: the npm registry cannot be reached to install Medusa")
        sys.exit(SKIP)
    if r.returncode != 0:
        sys.exit("store.sh install failed (exit %d)" % r.returncode)
    work = tempfile.mkdtemp(prefix="storecheck-medusa-")
    try:
        with Store(work) as store:
            (audit if part == "audit" else checkout)(store, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
