#!/usr/bin/env python3
"""Ctrl-C (SIGINT) for every command that contacts the store, in every phase: the command exits
3, writes its reports marked interrupted (JSON field, JUnit <error type="interrupted">), and
starts nothing after the signal — the reference store's admin port (GET /activity) says when it
last created an order and started the fault — and the fault is off at exit.

usage: test_interrupt.py audit_probes|run_baseline|run_load|run_fault|load_url|load_scenarios|
                         double_signal
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest)."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run  # noqa: E402  (the reference store, the config and the report checks)
from test_run import BIN, SECRETS, Refstore, check, config  # noqa: E402

# A request already in flight at the signal may still land just after it; nothing may start
# later than this after the signal.
IN_FLIGHT_S = 0.5
WAIT_S = 30  # every wait below ends by then


def admin(store, path):
    url = "http://127.0.0.1:%s%s" % (store.ports["admin"], path)
    with urllib.request.urlopen(url, timeout=5) as f:
        return json.loads(f.read().decode())


def start(cfg, command, args=()):
    env = dict(os.environ, **SECRETS)
    return subprocess.Popen([BIN, command, cfg] + list(args), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def interrupt(p, when):
    """Wait until when() is true (bounded), send SIGINT; the wall-clock time of the signal."""
    deadline = time.monotonic() + WAIT_S
    while not when() and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.05)
    check(p.poll() is None, "the command was still running at the signal")
    at = time.time()
    p.send_signal(signal.SIGINT)
    return at


def finish(p, at, within=10):
    """The exit code, stdout, stderr, and how long after the signal it ended."""
    out, err = p.communicate(timeout=WAIT_S)
    took = time.time() - at
    check(took < within, "the command ended %.1f s after the signal (at most %d s)" %
          (took, within))
    check(p.returncode == 3, "an interrupted command exits 3 (got %d): %s" %
          (p.returncode, err[-2000:]))
    return out, err


def nothing_started_after(store, at):
    a = admin(store, "/activity")
    limit = (at + IN_FLIGHT_S) * 1e6
    check(a["last_order_us"] < limit, "no order was created after the signal (%.2f s after)" %
          ((a["last_order_us"] - at * 1e6) / 1e6))
    check(a["last_fault_start_us"] < limit,
          "no fault was started after the signal (%.2f s after)" %
          ((a["last_fault_start_us"] - at * 1e6) / 1e6))
    check(not a["orders_down"], "the fault is off at exit")
    return a


def marked_interrupted(work):
    """All four reports exist and say interrupted; the JSON document."""
    doc = test_run.check_reports(work)
    check(doc["interrupted"] is True, "the JSON report says interrupted")
    v = doc["verdict"]
    check(v["result"] == "interrupted" and v["exit_code"] == 3,
          "the verdict is interrupted, exit 3: %s" % v)
    check(v["reasons"][:1] == ["the run was interrupted before its planned end"],
          "the interruption is the first reason: %s" % v["reasons"])
    check(not any("no data" in r for r in v["reasons"]),
          "a threshold without data is no reason of an interrupted run: %s" % v["reasons"])
    junit = open(os.path.join(work, "out.xml")).read()
    check('<testsuite name="Run"' in junit and 'type="interrupted"' in junit,
          "the JUnit report has an erroring Run suite")
    check("interrupted" in open(os.path.join(work, "out.md")).read(),
          "the Markdown report says interrupted")
    check("interrupted" in open(os.path.join(work, "out.html")).read(),
          "the HTML report says interrupted")
    return doc


# The R probes with orders allowed: the webhook ones wait seconds for deliveries, then
# R-DEGRADATION (which runs alone, last) injects the fault and orders again.
ORDER_PROBES = "R, S-HSTS"


def with_orders(cfg):
    """Let the probes create orders (and R-DEGRADATION inject the fault)."""
    text = open(cfg).read().replace("audit:\n", "audit:\n  allow_orders: true\n", 1).replace(
        "checkout: /api/v1/checkout,", "checkout: /api/v1/checkout, cart: /api/v1/carts, "
        'cart_items: "/api/v1/carts/{{cart_id}}/items",', 1)
    check("cart_items" in text, "the config has the cart endpoints")
    open(cfg, "w").write(text)
    return cfg


def test_audit_probes(work):
    """audit mid-probes: the running ones are cancelled, the rest never start."""
    store = Refstore(work)
    try:
        cfg = with_orders(config(store, work, ORDER_PROBES))
        t0 = time.monotonic()
        p = start(cfg, "audit")
        at = interrupt(p, lambda: time.monotonic() - t0 > 1.5)
        finish(p, at, within=3)
        doc = marked_interrupted(work)
        skipped = [c["id"] for c in doc["checks"]
                   if c["status"] == "skip" and c["reason"].startswith("interrupted")]
        check(skipped, "probes cut by the stop are skipped as interrupted")
        check(any(c["id"] == "R-DEGRADATION" for c in doc["checks"]
                  if c["reason"].startswith("interrupted")),
              "R-DEGRADATION (run last) did not start after the stop")
        nothing_started_after(store, at)
    finally:
        store.stop()


def test_run_baseline(work):
    """run, Ctrl-C in the baseline audit: no load, no fault, no order after it."""
    store = Refstore(work)
    try:
        cfg = with_orders(config(store, work, ORDER_PROBES, "  duration: 10s\n"
                                 "  fault: { name: orders_down, at: 1s, duration: 3s }\n"))
        t0 = time.monotonic()
        p = start(cfg, "run")
        at = interrupt(p, lambda: time.monotonic() - t0 > 1.5)
        finish(p, at, within=3)
        doc = marked_interrupted(work)
        check(doc.get("load") is None, "no load ran after a stop in the baseline")
        nothing_started_after(store, at)
    finally:
        store.stop()


def test_run_load(work):
    """run, Ctrl-C during the load (before its fault): the load stops, the fault never starts."""
    store = Refstore(work)
    try:
        cfg = config(store, work, "S-HSTS", "  duration: 20s\n"
                     "  fault: { name: orders_down, at: 15s, duration: 3s }\n")
        p = start(cfg, "run")
        t0 = time.monotonic()
        at = interrupt(p, lambda: time.monotonic() - t0 > 4)
        finish(p, at, within=3)
        doc = marked_interrupted(work)
        check(doc["load"]["interrupted"] is True, "the load says interrupted")
        a = nothing_started_after(store, at)
        check(a["last_fault_start_us"] == 0, "the fault due at 15 s never started")
    finally:
        store.stop()


# The cart an R-IDEMPOTENCY order is placed from, made by a scenario (audit.order).
ORDER_READY = """  scenarios:
    ready:
      - { name: new_cart, method: POST, path: /api/v1/carts, json: {}, expect: [201],
          extract: { cart_id: "$.id" } }
      - { name: add_item, method: POST, path: "/api/v1/carts/{{cart_id}}/items",
          json: { product_id: 7, quantity: 1 }, expect: [201] }
"""


def test_audit_order(work):
    """audit, Ctrl-C while the audit.order scenario waits on a slow store (every answer 1.5 s,
    the preflight's too, so the scenario's first request is in flight at 2.2 s): that request is
    cut, no order is placed."""
    store = Refstore(work, broken="slow")
    try:
        cfg = with_orders(config(store, work, "R-IDEMPOTENCY", ORDER_READY))
        text = open(cfg).read().replace("audit:\n", "audit:\n  order: ready\n", 1).replace(
            "timeout: 2s", "timeout: 20s", 1)
        open(cfg, "w").write(text)
        t0 = time.monotonic()
        p = start(cfg, "audit")
        at = interrupt(p, lambda: time.monotonic() - t0 > 2.2)
        finish(p, at, within=3)
        doc = marked_interrupted(work)
        probe = [c for c in doc["checks"] if c["id"] == "R-IDEMPOTENCY"]
        check(probe and probe[0]["reason"].startswith("interrupted: the run was stopped while"),
              "R-IDEMPOTENCY was cut while it ran: %s" % probe)
        details = " ".join(e.get("detail") or "" for e in probe[0]["evidence"]) if probe else ""
        check("(audit.order) error: stopped: the run was interrupted; step 'new_cart': no answer"
              in details, "the scenario's request was cut by the stop: " + details)
        nothing_started_after(store, at)
        check(admin(store, "/activity")["last_order_us"] == 0, "no order was placed")
    finally:
        store.stop()


def fault_on(store):
    return admin(store, "/activity")["orders_down"]


def test_run_fault(work):
    """run, Ctrl-C while the fault is on: it is undone at once."""
    store = Refstore(work)
    try:
        cfg = config(store, work, "S-HSTS", "  duration: 20s\n"
                     "  fault: { name: orders_down, at: 1s, duration: 15s }\n")
        p = start(cfg, "run")
        at = interrupt(p, lambda: fault_on(store))
        finish(p, at, within=3)
        doc = marked_interrupted(work)
        check(doc["fault"]["stopped_ms"] is not None, "the report says the fault was undone")
        nothing_started_after(store, at)
    finally:
        store.stop()


# Shoppers who order: every checkout creates an order until the stop.
ORDER_LOAD = """  profile: steady
  duration: 30s
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
          expect: [201] }
"""


def load_json(work):
    path = os.path.join(work, "load.json")
    check(os.path.exists(path), "storecheck load wrote its JSON")
    doc = json.load(open(path)) if os.path.exists(path) else {}
    check(doc.get("interrupted") is True, "the load JSON says interrupted")
    return doc


def test_load_url(work):
    store = Refstore(work)
    try:
        url = "http://127.0.0.1:%s/" % store.ports["http"]
        env = dict(os.environ, **SECRETS)
        p = subprocess.Popen([BIN, "load", url, "-d", "30s", "-c", "2", "--json",
                              os.path.join(work, "load.json")], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t0 = time.monotonic()
        at = interrupt(p, lambda: time.monotonic() - t0 > 1.5)
        out, _ = finish(p, at, within=3)
        check("interrupted" in out, "the summary says interrupted: " + out[-500:])
        load_json(work)
    finally:
        store.stop()


def test_load_scenarios(work):
    """storecheck load CONFIG with ordering shoppers: no order after the signal."""
    store = Refstore(work)
    try:
        cfg = config(store, work, "S-HSTS", ORDER_LOAD, rate="40")
        p = start(cfg, "load", ["--json", os.path.join(work, "load.json")])
        deadline = time.monotonic() + WAIT_S
        at = interrupt(p, lambda: admin(store, "/activity")["last_order_us"] > 0 or
                       time.monotonic() > deadline)
        finish(p, at, within=3)
        check(admin(store, "/activity")["last_order_us"] > 0, "orders were being created")
        load_json(work)
        nothing_started_after(store, at)
    finally:
        store.stop()


# Stops the fault; the first time slowly (the run is then still busy undoing it).
SLOW_STOP = """#!/bin/sh
if [ -e "$0.seen" ]; then :; else touch "$0.seen"; sleep 1.5; fi
exec {python} -c 'import urllib.request as u; u.urlopen(u.Request("{url}", method="DELETE"))'
"""


def test_double_signal(work):
    """A second Ctrl-C while the first is being honoured: the fault is undone, exit 3 at once,
    no report."""
    store = Refstore(work)
    try:
        script = os.path.join(work, "stop-fault.sh")
        open(script, "w").write(SLOW_STOP.format(
            python=sys.executable,
            url="http://127.0.0.1:%s/faults/orders_down" % store.ports["admin"]))
        os.chmod(script, 0o755)
        cfg = config(store, work, "S-HSTS", "  duration: 20s\n"
                     "  fault: { name: orders_down, at: 1s, duration: 15s }\n")
        text = open(cfg).read().replace(
            'stop: { method: DELETE, url: "http://127.0.0.1:%s/faults/orders_down" }' %
            store.ports["admin"], "stop: { command: %s }" % script)
        check("command:" in text, "the config stops the fault by a command")
        open(cfg, "w").write(text)
        p = start(cfg, "run")
        at = interrupt(p, lambda: fault_on(store))
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        _, err = finish(p, at, within=1.3)
        check("quit at once" in err, "it says it quit at once: " + err[-500:])
        for f in ("out.json", "out.html", "out.xml", "out.md"):
            check(not os.path.exists(os.path.join(work, f)), "no report after a second Ctrl-C")
        nothing_started_after(store, at)
    finally:
        store.stop()


def main():
    tests = {"audit_probes": test_audit_probes, "run_baseline": test_run_baseline,
             "run_load": test_run_load, "run_fault": test_run_fault, "load_url": test_load_url,
             "load_scenarios": test_load_scenarios, "double_signal": test_double_signal,
             "audit_order": test_audit_order}
    return test_run.run_part(tests, "sc-int-")


if __name__ == "__main__":
    sys.exit(main())
