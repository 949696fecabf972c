#!/usr/bin/env python3
"""GraphQL steps end to end against a loopback GraphQL server: a session token taken from
data.login.token and sent as a Bearer header, a declined payment as an error union, a missing
session as an errors array, graphql_errors: ignore, and think time reported apart from the
iteration's active time."""
import http.server, json, os, subprocess, sys, tempfile, threading


class Store(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        variables = req.get("variables") or {}
        if "login" in req["query"]:
            body = {"data": {"login": {"__typename": "CurrentUser", "token": "tok123"}}}
        elif self.headers.get("Authorization") != "Bearer tok123":
            body = {"data": None,
                    "errors": [{"message": "no session", "extensions": {"code": "FORBIDDEN"}}]}
        elif variables.get("card") == "bad":
            body = {"data": {"pay": {"__typename": "PaymentDeclinedError",
                                     "errorCode": "PAYMENT_DECLINED", "message": "declined"}}}
        else:
            body = {"data": {"pay": {"__typename": "Order", "id": "o1"}}}
        out = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


LOGIN = '{ name: login, graphql: { query: "mutation { login { __typename ... on CurrentUser { token } } }" }, extract: { token: $.data.login.token }, think: 400ms }'
PAY = '{ name: pay, headers: { Authorization: "Bearer {{token}}" }, graphql: { query: "mutation Pay($card: String!) { pay(card: $card) { __typename } }", variables: { card: %s }, operation_name: Pay }%s }'


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = os.path.join(tmp, "g.yaml")
            with open(cfg, "w") as f:
                f.write(f"""target: {{ base_url: "http://127.0.0.1:{server.server_port}", graphql: /graphql }}
load:
  scenarios:
    good: [ {LOGIN}, {PAY % ('ok', '')} ]
    declined: [ {LOGIN}, {PAY % ('bad', '')} ]
    ignored: [ {LOGIN}, {PAY % ('bad', ', graphql_errors: ignore')} ]
    nosession: [ {{ name: pay, graphql: {{ query: "mutation {{ pay(card: \\"ok\\") {{ __typename }} }}" }} }} ]
""")
            prof = os.path.join(tmp, "p.yaml")
            with open(prof, "w") as f:
                f.write("model: open\nstages: [ { duration: 3s, rate: 20 } ]\n")
            out = os.path.join(tmp, "r.json")
            subprocess.run([os.environ["STORECHECK_BIN"], "load", cfg, "--profile", prof,
                            "--json", out], timeout=60, stdout=subprocess.DEVNULL, stderr=None)
            j = json.load(open(out))
    finally:
        server.shutdown()
    sc = {s["name"]: s for s in j["scenarios"]}
    fails = []

    def expect(ok, what):
        if not ok:
            fails.append(what)

    def reasons(name):
        return {r["reason"]: r["count"] for r in sc[name]["check_failures"]["reasons"]}

    for name in ("good", "ignored"):
        expect(sc[name]["completed"] > 0 and sc[name]["failed_total"] == 0, f"{name} completes")
        # think 400ms after login: the iteration is long, its active part short
        expect(sc[name]["think_us"]["p50"] >= 390000, f"{name} think reported")
        expect(sc[name]["active_us"]["p50"] < sc[name]["duration_us"]["p50"] - 390000,
               f"{name} active time excludes think")
    d = sc["declined"]
    expect(d["completed"] == 0 and d["failed"]["check_failed"] == d["failed_total"] > 0,
           "declined payments fail")
    expect(reasons("declined") == {"graphql PAYMENT_DECLINED": d["failed_total"]},
           f"declined reason: {reasons('declined')}")
    n = sc["nosession"]
    expect(reasons("nosession") == {"graphql FORBIDDEN": n["failed_total"]} and n["failed_total"] > 0,
           f"nosession reason: {reasons('nosession')}")
    for f in fails:
        print("FAIL", f, file=sys.stderr)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
