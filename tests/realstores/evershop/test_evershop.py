#!/usr/bin/env python3
"""storecheck against a real EverShop 2 store (npm @evershop/evershop, pinned in store/), installed,
seeded and started by store.sh on loopback with a private PostgreSQL.

usage: test_evershop.py audit|checkout|orders
  audit     `storecheck audit` with examples/stores/evershop.yaml: every probe ends as TRUTHS says
  checkout  `storecheck load` places real orders through EverShop's REST cart and checkout API;
            the orders in EverShop's own database equal the completed iterations. Then the
            same flow with a payment method the store does not offer: every iteration failed,
            with the store's own message as the reason, and no new order.
  orders    R-IDEMPOTENCY with audit.allow_orders on, carts readied by the config's
            order_ready scenario: it fails as IDEMPOTENCY_TRUTH says, and the orders it reports
            are the orders in EverShop's database.
Needs STORECHECK_BIN and STORECHECK_SOURCE_DIR (set by CTest). Exit 77 (skip) only when the
store is not installed yet and the npm registry cannot be reached.

What is true of EverShop 2.2.1, read in its package (paths under
node_modules/@evershop/evershop/dist/) before the audit was run against it:

- Express 4 (bin/lib/app.js): `X-Powered-By: Express` on every answer, no version. No helmet and
  no compression middleware anywhere in the package: no CSP, X-Content-Type-Options (except on
  /assets, modules/cms/pages/frontStore/staticAsset), Referrer-Policy, Permissions-Policy, no
  gzip. No CORS middleware: no Access-Control-* header is ever sent.
- Sessions (bin/lib/addDefaultMiddlewareFuncs.js): express-session, cookie `sid`, HttpOnly (the
  express-session default), `secure = false` in production, no SameSite, saveUninitialized, so
  every first answer sets one; sessions are stored in PostgreSQL (connect-pg-simple). No
  Cache-Control is set on pages or API answers; /assets/* get `public, max-age=31536000,
  immutable` with ETag and Last-Modified (serve-static), so a conditional GET gets 304.
- Rate limits (modules/base/services/rateLimit.js, express-rate-limit, per client IP, not
  configurable): pages 300/min, /api/* 120/min, POST /customer/login and the other credential
  paths 8 per 15 min; 429 with Retry-After and RateLimit-* fields. `trust proxy` is 1 hop
  (TRUST_PROXY_HOPS), so without a proxy in front the client picks its IP in X-Forwarded-For.
- Errors: API errors are `{"error": {"status", "message"}}`, status 500 unless the handler set
  another, the message only, never a stack (modules/base/api/global/[apiResponse]apiErrorHandler.js:
  it sets 500 whenever the status is still 200, and never reads err.status);
  page errors are the HTML-encoded message (modules/base/pages/global/[response]errorHandler.js);
  a missing page is the store's 404 page. Bodies are read by body-parser's json() with its 100 kB
  default, per route; the 400 it raises for malformed JSON and the 413 for a body over the limit
  both reach apiErrorHandler.js, which answers them 500. (The earlier truth "O-ERROR-PAGES
  passes" was written when the probe sent no malformed JSON to the API; this file shows why it
  fails.)
- The admin is on the same origin: /admin/login serves its login form.
- No health, readiness, metrics or OpenAPI route (the rate limiter exempts /health and
  /healthz, but no route answers them), no REST catalog (the storefront reads the catalog over
  GraphQL), no webhooks, one address.
- Cart and checkout are REST (modules/checkout/api/*/route.json): POST /api/carts {"items":
  [{"sku", "qty"}]} (an empty list is a 400) answers {"data": {"items", "count", "cartId"}}
  (createCart/createNewCart.js): no top-level id, so the config names the cart's id at
  $.data.cartId (target.endpoints.cart.id); /api/cart/:cart_id/items {"sku", "qty"}, /api/carts/:id/addresses,
  /shippingMethods {"provider_code", "method_code"}, /paymentMethods {"method_code"} and
  /checkout {"cart_id"}. A payment method the store does not offer is refused at
  /paymentMethods with a 500 whose message names payment_method
  (modules/checkout/services/cart/registerCartBaseFields.js); cash on delivery (modules/cod) is
  the one method that needs no outside service. A cart is not tied to the sid session: the
  checkout page of a shopper whose cart came from the API redirects to /cart.
- Login (modules/customer/pages/frontStore/customerLoginJson): POST /customer/login {"email",
  "password"}; a login nobody has is refused 400, {"error": {"message": "Invalid email or
  password"}} (services/customer/loginCustomerWithEmail.js throws, the route answers 400).
- GraphQL (modules/graphql/services/graphqlMiddleware.js, route modules/graphql/api/graphql),
  GET and POST /api/graphql, public, graphql-js 16.15.0. The query is parsed and executed
  without graphql-js's validate() (validateSchema checks the schema, not the query): so
  introspection is open (S-GRAPHQL-INTROSPECTION fails); an unknown field is left out of the
  data without an error, since execute() skips fields it cannot find, so no "Did you mean"
  suggestion is ever made for a field (S-GRAPHQL-SUGGESTIONS passes); no depth, cost or alias
  limit exists, so a 16-deep query is accepted, even where its root (blogPost, without an id)
  answers null (T-GRAPHQL-DEPTH fails), and 50 aliased copies of a root field all run
  (T-GRAPHQL-BATCHING fails). Its body parser is body-parser's json({inflate: false}) alone
  ([context]bodyParser[auth].js): a GET's query string, a text/plain body and a form all reach
  it as {} and are answered {"data": {}}, nothing executed (S-GRAPHQL-CSRF passes), and a JSON
  array is read as no query, one answer (no batching). A parse error, or an execution error
  (a variable of the wrong type), goes to next(error): apiErrorHandler.js answers 500
  {"error": {"status": 500, "message"}}, never an errors[] array, never a stack: no leak
  (O-GRAPHQL-ERRORS passes, judging those answers), but a client's bad query answered as a
  server error (E-PROBLEM-JSON fails). Persisted queries: none declared (S-GRAPHQL-PERSISTED
  skips). The schema (modules/*/graphql/types/**/*.graphql) has one @deprecated field,
  Order.shipment, with a reason (E-API-VERSION passes: the ProductImage fields carry the
  directive only in a comment), and list fields of Query without paging arguments (countries,
  currencies, timezones...: E-PAGINATION warns). The storefront's own catalog read is
  `products { items {...} }`, which the config's catalog endpoint sends.
- Stack: X-Powered-By: Express is the only mark (no Server header), so the reports give the
  Express fixes (probes/stack_fixes.c).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ["STORECHECK_SOURCE_DIR"]
BIN = os.environ["STORECHECK_BIN"]
EXAMPLE = os.path.join(SRC, "examples", "stores", "evershop.yaml")
SKIP = 77

# Probe id -> (status, a text its reason must hold, why: the truth above it stands on). Every
# probe the audit runs must be here.
TRUTHS = {
    "S-TLS-VERSIONS": ("skip", "plain http", "the test store is plain HTTP on loopback"),
    "S-TLS-CIPHERS": ("skip", "plain http", "plain HTTP"),
    "S-TLS-CERT": ("skip", "plain http", "plain HTTP"),
    "S-TLS-FALLBACK-SCSV": ("skip", "plain http", "plain HTTP"),
    "S-TLS-RENEGOTIATION": ("skip", "plain http", "plain HTTP"),
    "S-TLS-COMPRESSION": ("skip", "plain http", "plain HTTP"),
    "S-TLS-HEARTBLEED": ("skip", "plain http", "plain HTTP"),
    "S-TLS-CCS-INJECTION": ("skip", "plain http", "plain HTTP"),
    "S-TLS-DH-PARAMS": ("skip", "plain http", "plain HTTP"),
    "S-TLS-ROBOT": ("skip", "plain http", "plain HTTP"),
    "S-TLS-KNOWN-ATTACKS": ("skip", "plain http", "plain HTTP"),
    "S-TLS-CIPHER-ORDER": ("skip", "plain http", "plain HTTP"),
    "S-TLS-CHAIN": ("skip", "plain http", "plain HTTP"),
    "S-TLS-CERT-USAGE": ("skip", "plain http", "plain HTTP"),
    "S-TLS-OCSP": ("skip", "plain http", "plain HTTP"),
    "S-TLS-MUST-STAPLE": ("skip", "plain http", "plain HTTP"),
    "S-TLS-CT": ("skip", "plain http", "plain HTTP"),
    "S-CAA": ("skip", "is an IP address", "the store is reached at 127.0.0.1, not a DNS name"),
    "S-HTTPS-REDIRECT": ("fail", "not on HTTPS", "plain HTTP: EverShop leaves TLS to a proxy"),
    "S-HSTS": ("skip", "HSTS only counts over HTTPS", "plain HTTP"),
    "S-CSP": ("fail", "no Content-Security-Policy", "no helmet or CSP in the package"),
    "S-X-FRAME-OPTIONS": ("fail", "no frame-ancestors and no X-Frame-Options",
                          "no helmet: neither header is sent"),
    "S-CORP": ("warn", "no Cross-Origin-Resource-Policy", "no helmet: never set"),
    "S-NOSNIFF": ("fail", "no X-Content-Type-Options", "nosniff only on /assets, not on pages"),
    "S-REFERRER-POLICY": ("fail", "no Referrer-Policy", "never set"),
    "S-PERMISSIONS-POLICY": ("fail", "no Permissions-Policy", "never set"),
    "S-COOKIE-FLAGS": ("warn", "cookie 'sid' has no SameSite",
                       "sid is HttpOnly without SameSite (express-session defaults)"),
    "S-VERSION-LEAK": ("warn", "X-Powered-By names the software stack (no version)",
                       "X-Powered-By: Express, without a version"),
    "S-EXPOSED-VCS": ("pass", "serves such content", "only public/ and the built assets"),
    "S-EXPOSED-ENV": ("pass", "serves such content", "the project's .env is not under public/"),
    "S-EXPOSED-BACKUP": ("pass", "serves such content", "nothing of the kind is served"),
    "S-EXPOSED-CONFIG": ("pass", "serves such content", "nothing of the kind is served"),
    "S-ADMIN-SURFACE": ("fail", "/admin/login (admin login)",
                        "the admin login is on the store's own origin"),
    "S-CORS": ("pass", "no arbitrary Origin is reflected", "no CORS middleware at all"),
    "S-SRI": ("pass", "no third-party scripts", "the checkout page loads only its own scripts"),
    "S-GRAPHQL-INTROSPECTION": ("fail", "introspection is open",
                                "execute() without validation: __schema answers"),
    "S-GRAPHQL-SUGGESTIONS": ("pass", "does not validate queries against its schema",
                              "no validation, so no \"Did you mean\"; the field is left out"),
    "S-GRAPHQL-CSRF": ("pass", "were all refused",
                       "query read from a JSON body only (body-parser json): GET, text/plain "
                       "and forms reach it as {} and answer {\"data\": {}}"),
    "S-GRAPHQL-PERSISTED": ("skip", "target.graphql.persisted_only",
                            "EverShop runs any query: it declares no persisted-only mode"),
    "T-STATIC-CACHE": ("pass", "immutable, with ETag", "/assets: max-age=31536000, immutable"),
    "T-CACHE-HIT": ("skip", "no cache or CDN", "no cache in front of the store"),
    "T-PRIVATE-CACHE": ("warn", "no Cache-Control", "no Cache-Control on the cart's answer"),
    "T-SESSION-ISOLATION": ("pass", "never saw each other's cookies or cart",
                            "sessions in PostgreSQL, one per client; nothing cached"),
    "T-CONDITIONAL-GET": ("pass", "answered 304", "serve-static answers If-None-Match"),
    "T-COMPRESSION": ("fail", "uncompressed", "no compression middleware"),
    "T-HTTP2": ("skip", "plain http", "plain HTTP"),
    "T-GRAPHQL-DEPTH": ("fail", "no depth limit",
                        "no validation rule, no depth or cost limit: the query is accepted"),
    "T-GRAPHQL-BATCHING": ("fail", "50 aliased copies",
                           "aliases unbounded (an array body is read as no query: one answer)"),
    "T-LATENCY": ("pass", "budget 800 ms", "pages render well under 800 ms on loopback"),
    "T-RATE-LIMIT": ("pass", "429 and Retry-After",
                     "POST /customer/login: 8 per 15 min, then 429 with Retry-After"),
    "O-HEALTH": ("skip", "target.endpoints.health", "no health or readiness route"),
    "O-METRICS": ("skip", "target.endpoints.metrics", "no metrics route"),
    "O-METRICS-PUBLIC": ("skip", "target.endpoints.metrics", "no metrics route"),
    "O-REQUEST-ID": ("fail", "no request id", "no request id is set or echoed"),
    "O-ERROR-PAGES": ("fail", "malformed JSON answer is a server error (500)",
                      "body-parser's 400 reaches apiErrorHandler.js, which answers 500"),
    "O-BODY-LIMIT": ("fail", "got 500, not 413",
                     "body-parser's 413 reaches apiErrorHandler.js, which answers 500"),
    "O-GRAPHQL-ERRORS": ("pass", "without GraphQL's errors[]",
                         "errors go to apiErrorHandler.js: {\"error\": {status, message}}, no "
                         "stack"),
    "O-CLOCK": ("pass", "Date within 60 s", "Express's Date header from the local clock"),
    "O-ATTESTATIONS": ("fail", "manual checks not declared", "the config declares none"),
    "R-REDUNDANCY": ("skip", "one address", "one address"),
    "R-TIMEOUTS": ("pass", "answered within", "every key request answers"),
    "R-IDEMPOTENCY": ("skip", "audit.allow_orders", "audit.allow_orders is false"),
    "R-WEBHOOK-RETRY": ("skip", "target.webhooks", "EverShop sends no webhooks"),
    "R-WEBHOOK-SIGNATURE": ("skip", "target.webhooks.secret", "no webhooks"),
    "R-WEBHOOK-INTAKE": ("skip", "target.endpoints.webhook_intake",
                         "no payment callback intake configured (Stripe/PayPal need keys)"),
    "R-DEGRADATION": ("skip", "target.faults", "no fault hook"),
    "E-API-VERSION": ("pass", "1 deprecated field, each with a reason",
                      "Order.shipment is the one @deprecated field, with a reason"),
    "E-OPENAPI": ("skip", "target.endpoints.openapi", "no OpenAPI document"),
    "E-PROBLEM-JSON": ("fail", "a syntax error answered 500",
                       "parse errors go to apiErrorHandler.js: 500, {\"error\"}, no errors[]"),
    "E-PAGINATION": ("warn", "take no paging argument",
                     "list fields of Query without paging arguments (countries, currencies...)"),
    "E-DEPRECATION": ("skip", "no /v<N>/ version", "no versioned API path"),
    "E-WEBHOOK-PAYLOAD": ("skip", "target.webhooks", "no webhooks"),
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


class Store:
    """store.sh start/stop around a test; stopped on every way out, signals included."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="storecheck-evershop-")
        self.env = {}
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def start(self):
        rc = subprocess.run([os.path.join(HERE, "store.sh"), "start", self.dir],
                            timeout=1500).returncode
        if rc != 0:
            return rc
        for line in open(os.path.join(self.dir, "store.env")):
            key, _, value = line.strip().partition("=")
            self.env[key] = value
        print("store at %s: started in %s s, seeded in %s s" %
              (self.env["BASE_URL"], self.env["START_S"], self.env["SEED_S"]))
        return 0

    def stop(self):
        subprocess.run([os.path.join(HERE, "store.sh"), "stop", self.dir], timeout=90)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _on_signal(self, signum, _frame):
        self.stop()
        sys.exit(128 + signum)

    def psql(self, sql):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", self.env["PG_PORT"], "-U",
                              "postgres", "-d", "evershop", "-Atc", sql],
                             capture_output=True, text=True, timeout=30, check=True)
        return out.stdout.strip()

    def orders(self):
        return int(self.psql('SELECT count(*) FROM "order"'))

    def config_env(self, **extra):
        return dict(os.environ, EVERSHOP_URL=self.env["BASE_URL"], EVERSHOP_SKU=self.env["SKU"],
                    EVERSHOP_SHIPPING_METHOD=self.env["SHIPPING_METHOD"], **extra)


def config(store, work):
    """The example config, its report in WORK, and the home page's own script as the static
    asset: the shared vendor bundle is over the 1 MiB a probe reads."""
    text = open(EXAMPLE).read()
    home = urllib.request.urlopen(store.env["BASE_URL"] + "/", timeout=10).read().decode()
    asset = re.search(r'src="(/assets/frontStore/homepage/client/[0-9a-f]+\.js)"', home)
    check(asset, "the home page names its own script under /assets/frontStore/homepage")
    replaced = text.replace("    account: /account\n", "    account: /account\n"
                            "    static_asset: %s\n" % (asset.group(1) if asset else "/"))
    # EverShop renders every page on the server, its 404 page included, and the test machine
    # is shared: the probes that ask for many missing paths get more than the default 15 s.
    replaced = replaced.replace("  fail_on: high\n", "  fail_on: high\n  probe_timeout: 60s\n"
                                "  deadline: 180s\n")
    replaced = replaced.replace("reports: { json: out/evershop.json }",
                                "reports: { json: %s/report.json }" % work)
    replaced = replaced.replace("profile: evershop-orders.yaml",
                                "profile: %s/stores/evershop-orders.yaml" % os.path.join(
                                    SRC, "examples"))
    check(replaced.count(work) == 1 and "static_asset" in replaced and "probe_timeout" in replaced,
          "the example config still has the lines the test fills in")
    path = os.path.join(work, "evershop.yaml")
    open(path, "w").write(replaced)
    return path


def storecheck(args, env, timeout=180):
    out = subprocess.run([BIN] + args, env=env, capture_output=True, text=True,
                         timeout=timeout)
    print(out.stdout[-6000:])
    print(out.stderr[-3000:], file=sys.stderr)
    return out


def part_audit(store, work):
    env = store.config_env()
    cfg = config(store, work)
    v = storecheck(["validate", EXAMPLE], env)
    check(v.returncode == 0, "storecheck validate accepts examples/stores/evershop.yaml")
    r = storecheck(["audit", cfg], env)
    # S-HTTPS-REDIRECT (high) fails: the gate fails, exit 1, and no probe ended in error.
    check(r.returncode == 1, "audit exits 1 (a high finding), got %d" % r.returncode)
    report = json.load(open(os.path.join(work, "report.json")))
    seen = {c["id"]: c for c in report["checks"]}
    for pid, (want, text, why) in TRUTHS.items():
        got = seen.get(pid)
        if check(got is not None, "%s: not in the report" % pid):
            reason = got.get("reason") or ""
            check(got["status"] == want and text in reason,
                  "%s: %s, expected %s with %r (%s); reason: %s" %
                  (pid, got["status"], want, text, why, reason))
    for pid in seen:
        check(pid in TRUTHS, "%s: ran (%s: %s) but no truth is written down for it" %
              (pid, seen[pid]["status"], seen[pid].get("reason")))
    # The evidence behind the findings names what EverShop really sends.
    text = json.dumps(report)
    check("X-Powered-By: Express" in text, "S-VERSION-LEAK shows X-Powered-By: Express")
    check("sid" in json.dumps(seen.get("S-COOKIE-FLAGS")), "S-COOKIE-FLAGS names the sid cookie")
    # The stack, from X-Powered-By alone, and the Express fixes beside the findings.
    stack = [c["key"] for c in (report.get("stack") or {}).get("components") or []]
    check(stack == ["express"], "the stack is Express alone: %s" % stack)
    for pid, fix in (("S-VERSION-LEAK", 'app.disable("x-powered-by")'),
                     ("T-COMPRESSION", "app.use(compression())"),
                     ("O-BODY-LIMIT", "res.status(err.status || 500)"),
                     ("O-ERROR-PAGES", "res.status(err.status || 500)")):
        fixes = (seen.get(pid) or {}).get("stack_remediation") or []
        check([f["stack"] for f in fixes] == ["express"] and fix in fixes[0]["fix"],
              "%s gives the Express fix with %r: %s" % (pid, fix, fixes))
    # The shopper session ran; its sid, its cart and the probe's own cart are the identifiers
    # held apart.
    evidence = json.dumps(seen.get("T-SESSION-ISOLATION"))
    check("audit.session" in evidence and "3 identifiers" in evidence,
          "T-SESSION-ISOLATION acts as the session's shopper, sid and carts: %s" % evidence[:400])
    # The cart named at data.cartId (target.endpoints.cart.id) got its item.
    items = [e for e in (seen.get("T-PRIVATE-CACHE") or {}).get("evidence") or []
             if re.search(r"POST .*/api/cart/[0-9a-f]{32}/items$", e.get("request") or "")]
    check(len(items) == 1 and items[0]["status"] == 200,
          "T-PRIVATE-CACHE added an item to the cart named at $.data.cartId: %s" % items)


def scenario(result, name):
    """The named scenario of a load's JSON result."""
    return next(s for s in result["scenarios"] if s["name"] == name)


def part_checkout(store, work):
    cfg = config(store, work)
    before = store.orders()
    check(before == 0, "a fresh store has no orders, has %d" % before)
    out = os.path.join(work, "orders.json")
    r = storecheck(["load", cfg, "--json", out], store.config_env())
    check(r.returncode == 0, "load exits 0, got %d" % r.returncode)
    sc = scenario(json.load(open(out)), "checkout")
    placed = store.orders() - before
    print("checkout: %d started, %d completed, %d failed, %d unfinished; %d orders in the "
          "database" % (sc["started"], sc["completed"], sc["failed_total"], sc["unfinished"],
                        placed))
    check(sc["completed"] >= 3, "at least 3 iterations completed, %d did" % sc["completed"])
    check(sc["failed_total"] == 0 and sc["unfinished"] == 0,
          "no iteration failed or was left unfinished: %s" % sc["failed"])
    check(placed == sc["completed"], "orders in EverShop's database (%d) equal the completed "
          "iterations (%d)" % (placed, sc["completed"]))
    check(store.psql('SELECT DISTINCT payment_method FROM "order"') == "cod",
          "every order is cash on delivery")

    # Declined: a payment method the store does not offer.
    before = store.orders()
    out = os.path.join(work, "declined.json")
    r = storecheck(["load", cfg, "--json", out],
                   store.config_env(EVERSHOP_PAYMENT="storecheck_declined"))
    check(r.returncode == 0, "declined load exits 0 (no thresholds), got %d" % r.returncode)
    result = json.load(open(out))
    sc = scenario(result, "checkout")
    check(sc["started"] >= 3 and sc["completed"] == 0, "declined: %d started, %d completed" %
          (sc["started"], sc["completed"]))
    check(sc["failed"]["check_failed"] == sc["failed_total"] == sc["started"] - sc["unfinished"],
          "declined: every iteration failed a check: %s" % sc["failed"])
    steps = {result["steps"][i]["name"]: result["steps"][i] for i in sc["steps"]}
    step = steps["payment_method"]
    check(step["failed_total"] == sc["failed_total"],
          "declined: the iterations failed at payment_method, %d of %d" %
          (step["failed_total"], sc["failed_total"]))
    reason = step["checks"][0]["reason"] or ""
    # The store's own message, as EverShop words it, in the reason.
    check("payment_method" in reason and "Field resolvers" in reason,
          "declined: the reason carries EverShop's message: %r" % reason)
    placed = store.orders() - before
    check(placed == 0, "declined: no new order in the database, %d" % placed)
    order_step = steps["place_order"]
    check(order_step["requests"] == 0, "declined: no order was even asked for")


# What is true of an order placed twice, from EverShop's source (paths under
# node_modules/@evershop/evershop/src/modules/checkout/): nothing reads an Idempotency-Key. The
# checkout service loads the cart with getCart (services/cart/Cart.js), which throws "Cart not
# found" for a cart whose status is no longer true, and the API answers every error 500
# {"error": {"message", "status"}} (api/cartCheckout/checkout.ts). createOrderFunc
# (services/orderCreator.ts) inserts the order and only then sets the cart's status to false,
# in a transaction without a lock on the cart row, and no constraint keeps two orders of one
# cart apart (migration/Version-1.0.0.js: "order" has cart_id without UNIQUE). So a repeat of a
# placed checkout, with the same key or with another body, answers 500; five concurrent
# checkouts of a new cart make one order when the first commits before the others read the
# cart, and more when they race. R-IDEMPOTENCY fails either way: on the race, naming the orders
# made; else on the other body's 500, not 409 or 422.
IDEMPOTENCY_TRUTH = "fail"


def part_orders(store, work):
    path = config(store, work)
    text = open(path).read()
    check("  allow_orders: false\n" in text, "the example config keeps orders off")
    open(path, "w").write(text.replace("  allow_orders: false\n", "  allow_orders: true\n"))
    before = store.orders()
    out = os.path.join(work, "orders.json")
    storecheck(["audit", path, "--only", "R-IDEMPOTENCY", "--json", out], store.config_env())
    placed = store.orders() - before
    got = {c["id"]: c for c in json.load(open(out))["checks"]}.get("R-IDEMPOTENCY") or {}
    reason = got.get("reason") or ""
    print("R-IDEMPOTENCY: %s: %s; %d orders in the database" % (got.get("status"), reason,
                                                               placed))
    check(got.get("status") == IDEMPOTENCY_TRUTH, "R-IDEMPOTENCY %s, expected %s: %s"
          % (got.get("status"), IDEMPOTENCY_TRUTH, reason))
    raced = re.search(r"concurrent duplicates with one key made (\d+) orders", reason)
    if raced:
        # The first cart's order, and every order the race made of the second.
        check(placed == 1 + int(raced.group(1)), "the database holds the %s orders the race "
              "made and the first: %d" % (raced.group(1), placed))
    else:
        check("the same key with another body answered 500, not 409 or 422" in reason,
              "the other body is named, answered 500: %s" % reason)
        check(placed == 2, "one order of each cart in the database: %d" % placed)
    steps = [e.get("detail") or "" for e in got.get("evidence") or []]
    check(any("(audit.order) step 'payment_method'" in d for d in steps),
          "the carts were readied by the order_ready scenario: %s" % steps)


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else ""
    parts = {"audit": part_audit, "checkout": part_checkout, "orders": part_orders}
    if part not in parts:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    store = Store()
    work = tempfile.mkdtemp(prefix="storecheck-evershop-run-")
    try:
        rc = store.start()
        if rc == SKIP:
            print("SKIP: EverShop is not installed here and the npm registry cannot be reached")
            return SKIP
        check(rc == 0, "store.sh start exits 0, got %d" % rc)
        if rc == 0:
            parts[part](store, work)
    finally:
        store.stop()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d failed" % len(failures), file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
