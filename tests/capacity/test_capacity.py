#!/usr/bin/env python3
"""storecheck capacity end to end against the reference store with a known capacity
(--capacity 200/s: a 503 for every request above it), on loopback, bounded in time.

usage: test_capacity.py knee|interrupt|usage|browser|segments|segment_lost|segment_interrupt
  knee       the rate found is within the precision of the store's limit, the threshold named
             as broken first is the error rate (not the latency one), the JSON follows
             reports/capacity-result.schema.json, the HTML has the curve with the knee and
             `storecheck report` on the saved JSON writes the same page (hostile strings in an
             edited copy stay text, a wrong field or schema version exits 2); a target the
             store cannot hold exits 1
  interrupt  Ctrl-C in the middle exits 3 with the steps so far in the JSON, marked
             interrupted
  usage      options and configs that cannot make a search exit 2 before any request
  segments   two segment processes (--segment i/2 --share DIR) find the knee within the
             precision, each step judged on both windows added up (their requests sum to the
             step's), and write the same result byte for byte
  segment_lost  a segment that never comes: the other names it and the folder and exits 3
             within the step's timeout; segments of different configs are refused (exit 2)
  segment_interrupt  Ctrl-C to one segment stops both promptly: exit 3, partial results
  browser    the page `storecheck report` renders from a short search, in headless chromium at
             desktop and phone width (screenshots kept in the build folder); exits 77 (skip)
             when chromium is missing
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest)."""
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reports"))
import test_run  # noqa: E402  (headless_chromium)

SRC = os.environ["STORECHECK_SOURCE_DIR"]
BUILD = os.environ["STORECHECK_BUILD_DIR"]
BIN = os.environ["STORECHECK_BIN"]
REFSTORE = os.path.join(BUILD, "tests", "refstore", "storecheck-refstore")
SCHEMA = os.path.join(SRC, "reports", "capacity-result.schema.json")
LIMIT = 200.0      # the store's capacity, requests (= iterations of one step) per second
PRECISION = 0.05   # the search's precision, relative
WAIT_S = 90        # every wait below ends by then

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


class Store:
    def __init__(self, work):
        ready = os.path.join(work, "ready")
        self.proc = subprocess.Popen([REFSTORE, "--listen", "127.0.0.1:0", "--quiet",
                                      "--capacity", "%g/s" % LIMIT, "--ready-file", ready],
                                     stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (os.path.exists(ready) and
                                                    open(ready).read().strip()):
            time.sleep(0.05)
        self.port = re.search(r"http=127\.0\.0\.1:(\d+)", open(ready).read()).group(1)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def write_config(work, port, step="2s"):
    with open(os.path.join(work, "one.yaml"), "w") as f:
        f.write("model: open\nstages:\n  - { duration: 10s, rate: 10 }\nmax_vus: 500\n"
                "timeout: 5s\nmix: { browse: 1 }\n")
    path = os.path.join(work, "capacity.yaml")
    with open(path, "w") as f:
        f.write("""target:
  base_url: http://127.0.0.1:{port}
  allowed_hosts: [127.0.0.1]
load:
  profile: one.yaml
  threads: 1
  max_rate: 1000
  scenarios:
    browse:
      - {{ name: product, path: "/api/v1/products/{{{{randint 1 1000}}}}", expect: [200] }}
  thresholds:
    - "p99 < 2s"
    - "error_rate < 1%"
capacity:
  start: 50/s
  step_factor: 2
  warmup: 1s
  step_duration: {step}
  precision: 5%
  max_rate: 800/s
  target: 150/s
  abort_error_rate: 90%
  max_steps: 12
""".format(port=port, step=step))
    return path


def schema_ok(path):
    try:
        import jsonschema
    except ImportError:
        print("python3 jsonschema missing: the schema check is skipped", file=sys.stderr)
        return None
    doc = json.load(open(path))
    errors = list(jsonschema.Draft202012Validator(json.load(open(SCHEMA))).iter_errors(doc))
    for e in errors:
        print("schema:", list(e.absolute_path), e.message, file=sys.stderr)
    return not errors


def run(args, timeout=WAIT_S):
    return subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout)


def test_knee(work, store):
    cfg = write_config(work, store.port)
    out_json, out_html = os.path.join(work, "cap.json"), os.path.join(work, "cap.html")
    started = time.monotonic()
    p = run(["capacity", cfg, "--json", out_json, "--html", out_html])
    took = time.monotonic() - started
    print(p.stdout)
    check(p.returncode == 0, "the store holds the target: exit 0 (got %d): %s" %
          (p.returncode, p.stderr[-1500:]))
    check(took < 75, "the search took %.0f s (the budget is 75 s)" % took)
    doc = json.load(open(out_json))
    v = doc["verdict"]
    check(v["end"] == "found", "the search ends bracketing the knee (got %s)" % v["end"])
    check(doc["split"] is None, "one process: no split (got %r)" % doc["split"])
    holds, knee = v["holds"] or 0, v["knee"] or 0
    check(abs(holds - LIMIT) <= PRECISION * LIMIT,
          "the rate that holds, %.1f/s, is within 5%% of the store's %g/s" % (holds, LIMIT))
    check(knee > holds and knee - holds <= PRECISION * knee + 1e-9,
          "the knee %.1f/s is within the precision above %.1f/s" % (knee, holds))
    fb = v["first_broken"] or {}
    check(fb.get("expr") == "error_rate < 1%",
          "the threshold that broke first is the error rate (got %r)" % fb.get("expr"))
    check(fb.get("rate") == knee, "it broke first at the knee (got %r)" % fb.get("rate"))
    rates = [s["offered_rate"] for s in doc["steps"]]
    check(rates[:4] == [50, 100, 200, 400], "steps of factor 2 from 50/s (got %r)" % rates)
    check(all(s["offered_rate"] < 400 for s in doc["steps"][4:]),
          "the bisection stays below the first rate that broke")
    for s in doc["steps"]:
        want = "holds" if s["offered_rate"] <= LIMIT else "breaks"
        # Within the precision of the limit either verdict is honest: 1% of errors is the
        # threshold, and a busy machine sends a step a few percent under its offered rate.
        if abs(s["offered_rate"] - LIMIT) > PRECISION * LIMIT:
            check(s["verdict"] == want, "%.1f/s %s (expected %s)" %
                  (s["offered_rate"], s["verdict"], want))
        check(s["window_us"] >= 1500000, "the judged window is the 2 s after the warm-up")
    # The judged window alone: 2 s at 400/s, half of it refused. With the warm-up (1 s, and
    # the store's tenth of a second saved up) it would be 1200 requests, 48% refused.
    over = [s for s in doc["steps"] if s["offered_rate"] == 400][0]
    check(abs(over["requests"] - 800) <= 20,
          "the 400/s step judges its 2 s window: 800 requests (got %d)" % over["requests"])
    check(abs(over["achieved_rate"] - LIMIT) <= 0.05 * LIMIT,
          "at 400/s offered the store gets %g/s done (got %.1f/s)" %
          (LIMIT, over["achieved_rate"]))
    check(abs(over["error_rate"] - 0.5) < 0.01,
          "at twice the limit half the requests get 503 in the judged window (got %.3f)" %
          over["error_rate"])
    check(schema_ok(out_json) is not False, "the JSON follows the capacity schema")
    html = open(out_html).read()
    check("<svg" in html and 'class="knee"' in html and "<script" not in html,
          "the HTML has the curve with the knee ringed and no script")
    check(doc["passed"] is True and "Holds" in p.stdout, "passed, and the verdict is printed")
    check_report(work, out_json, html, doc)
    # A target the store cannot hold: one step at 300/s breaks, nothing held: exit 1.
    p = run(["capacity", cfg, "--start", "300/s", "--target", "300/s", "--max-steps", "1",
             "--json", out_json])
    check(p.returncode == 1, "a target above the capacity exits 1 (got %d): %s" %
          (p.returncode, p.stderr[-800:]))
    doc = json.load(open(out_json))
    check(doc["passed"] is False and doc["verdict"]["end"] == "out_of_steps",
          "not passed, out of steps (got %r)" % doc["verdict"])


HOSTILE = "<script>alert(1)</script>"


def report_html(work, doc):
    """storecheck report --html on doc saved as JSON: (exit code, stderr, the page or None)."""
    path, page = os.path.join(work, "edited.json"), os.path.join(work, "again.html")
    json.dump(doc, open(path, "w"), indent=1)
    if os.path.exists(page):
        os.unlink(page)
    p = run(["report", path, "--html", page], timeout=30)
    return p.returncode, p.stderr, open(page).read() if os.path.exists(page) else None


def check_report(work, json_path, html, doc):
    """storecheck report on the saved capacity result writes the page capacity --html wrote."""
    again = os.path.join(work, "from-report.html")
    p = run(["report", json_path, "--html", again], timeout=30)
    check(p.returncode == 0 and open(again).read() == html,
          "storecheck report on the saved JSON gives the page capacity --html wrote (exit %d: %s)"
          % (p.returncode, p.stderr[-500:]))
    extra = json.loads(json.dumps(doc))
    extra["added_later"] = {"x": [1, 2]}
    extra["steps"][0]["added_later"] = "y"
    rc, err, page = report_html(work, extra)
    check(rc == 0 and page == html, "members the reader does not know are ignored (exit %d: %s)"
          % (rc, err[-300:]))
    hostile = json.loads(json.dumps(doc))
    hostile["target"] = HOSTILE
    hostile["steps"][-1]["broken"] = [{"expr": HOSTILE, "line": HOSTILE}]
    rc, err, page = report_html(work, hostile)
    check(rc == 0 and page and "<script" not in page and "&lt;script&gt;" in page,
          "config strings of an edited result are text on the page (exit %d: %s)" % (rc, err))
    cases = [
        (("schema_version",), 2, "schema_version"),
        (("steps", 0, "latency_us", "p99"), "12", "steps[].latency_us.p99"),
        (("verdict", "end"), "<b>found</b>", "verdict.end"),
        (("steps", 1, "verdict"), "fine", "steps[].verdict"),
        (("rules", "max_steps"), -1, "rules.max_steps"),
        (("passed",), 1, "result.passed"),
    ]
    for where, value, named in cases:
        bad = json.loads(json.dumps(doc))
        o = bad
        for k in where[:-1]:
            o = o[k]
        o[where[-1]] = value
        rc, err, page = report_html(work, bad)
        check(rc == 2 and page is None and named in err,
              "a result with %s = %r exits 2 naming it (exit %d: %s)" % (named, value, rc, err))
    p = run(["report", json_path, "--junit", os.path.join(work, "x.xml")], timeout=30)
    check(p.returncode == 2, "a capacity result has no JUnit: exit 2 (got %d)" % p.returncode)


def test_browser(work, store):
    base = test_run.headless_chromium()
    if not base:
        return 77
    base += ["--hide-scrollbars"]
    cfg = write_config(work, store.port, step="1s")
    out_json, html_path = os.path.join(work, "cap.json"), os.path.join(work, "cap.html")
    # 100/s holds, 200/s is at the limit, 400/s breaks: both verdicts and a reason on the page.
    p = run(["capacity", cfg, "--start", "100/s", "--max-steps", "3", "--json", out_json])
    check(p.returncode in (0, 1) and os.path.exists(out_json),
          "a three-step search ran (exit %d): %s" % (p.returncode, p.stderr[-800:]))
    p = run(["report", out_json, "--html", html_path], timeout=30)
    check(p.returncode == 0, "storecheck report renders it: " + p.stderr)
    prof = tempfile.mkdtemp(dir=work)
    dom = subprocess.run(base + ["--user-data-dir=" + prof, "--dump-dom", "file://" + html_path],
                         capture_output=True, text=True, timeout=60).stdout
    check("<h2>Steps</h2>" in dom and "<svg" in dom, "chromium rendered the page")
    shot = os.path.join(BUILD, "tests", "capacity", "capacity-report-%s.png")
    missing = test_run.screenshots(base, work, html_path,
                                   {shot % "desktop": "1280,1000", shot % "phone": "390,1100"})
    check(not missing, "the desktop and phone screenshots were saved (missing: %r)" % missing)
    return 0


def test_interrupt(work, store):
    cfg = write_config(work, store.port, step="4s")
    out_json = os.path.join(work, "cap.json")
    p = subprocess.Popen([BIN, "capacity", cfg, "--json", out_json], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    # The first step (1 s warm-up + 4 s) has ended once its row is out; signal mid-second.
    deadline = time.monotonic() + 30
    seen = ""
    while "holds" not in seen and p.poll() is None:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            break
        seen += p.stdout.readline()
    check("holds" in seen, "the first step ran before the signal")
    time.sleep(1.5)
    at = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=WAIT_S)
    took = time.monotonic() - at
    check(p.returncode == 3, "an interrupted search exits 3 (got %d): %s" %
          (p.returncode, err[-1500:]))
    check(took < 5, "it ended %.1f s after the signal (at most 5 s)" % took)
    doc = json.load(open(out_json))
    check(doc["interrupted"] is True and doc["passed"] is False and
          doc["verdict"]["end"] == "searching",
          "the JSON is marked interrupted, not passed, the search not ended")
    steps = doc["steps"]
    check(len(steps) == 2 and steps[0]["verdict"] == "holds" and
          steps[1]["verdict"] == "interrupted",
          "the step that held and the one cut short are written (got %r)" %
          [s["verdict"] for s in steps])
    check(schema_ok(out_json) is not False, "the partial JSON follows the capacity schema")


def test_usage(work, store):
    cfg = write_config(work, store.port)
    no_scenarios = os.path.join(work, "plain.yaml")
    with open(no_scenarios, "w") as f:
        f.write("target: { base_url: http://127.0.0.1:%s }\nload: { max_rate: 100 }\n" %
                store.port)
    cases = [
        ([], "no CONFIG"),
        ([cfg, "--step-factor", "1"], "a factor that does not grow"),
        ([cfg, "--step-factor", "2", "--step-increment", "10"], "both ways to step"),
        ([cfg, "--warmup", "1500ms"], "a warm-up that is not whole seconds"),
        ([cfg, "--precision", "0%"], "no precision"),
        ([cfg, "--max-rate", "2000"], "a max rate above load.max_rate"),
        ([cfg, "--target", "900"], "a target above the max rate"),
        ([cfg, "--start", "900"], "a start above the max rate"),
        ([cfg, "--max-steps", "0"], "no steps"),
        ([cfg, "--bogus"], "an unknown option"),
        ([no_scenarios], "a config without load.scenarios"),
        ([cfg, "--segment", "0/2"], "segments without a shared folder"),
        ([cfg, "--segment", "0/2", "--share", work], "a shared folder without a run id"),
        ([cfg, "--segment", "2/2", "--share", work, "--run-id", "x"], "a segment out of range"),
        ([cfg, "--share", os.path.join(work, "none"), "--run-id", "x"], "no shared folder"),
    ]
    before = admin_requests(store)
    for args, what in cases:
        p = run(["capacity"] + args, timeout=30)
        check(p.returncode == 2 and "storecheck capacity" in p.stderr,
              "%s exits 2 with a message (got %d: %s)" % (what, p.returncode, p.stderr[-300:]))
    check(admin_requests(store) == before, "no request reached the store")
    urllib.request.urlopen("http://127.0.0.1:%s/api/v1/products/1" % store.port,
                           timeout=5).read()
    check(admin_requests(store) == before + 1, "the store counts the requests it serves")


def segments(work, cfg, n, run_id, extra=(), only=None, configs=None):
    """Start segments i/n of one search (all, or those in only) sharing work/share; each writes
    seg-i.json. The processes, in segment order."""
    share = os.path.join(work, "share")
    os.makedirs(share, exist_ok=True)
    start_at = str(int(time.time()) + 2)  # whole seconds: every segment starts at once
    procs = []
    for i in (range(n) if only is None else only):
        procs.append(subprocess.Popen(
            [BIN, "capacity", configs[i] if configs else cfg, "--segment", "%d/%d" % (i, n),
             "--share", share, "--run-id", run_id, "--start-at", start_at,
             "--json", os.path.join(work, "seg-%d.json" % i)] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return procs


def test_segments(work, store):
    cfg = write_config(work, store.port)
    run_id = uuid.uuid4().hex
    procs = segments(work, cfg, 2, run_id)
    outs = [p.communicate(timeout=WAIT_S) for p in procs]
    for i, (p, (out, err)) in enumerate(zip(procs, outs)):
        print(out)
        check(p.returncode == 0, "segment %d/2 ends 0 (got %d): %s" % (i, p.returncode,
                                                                       err[-1500:]))
    texts = [open(os.path.join(work, "seg-%d.json" % i)).read() for i in range(2)]
    check(texts[0] == texts[1], "both segments write the same result")
    doc = json.loads(texts[0])
    check(doc["split"] == {"run_id": run_id, "segments": 2},
          "the result says it is of the split search (got %r)" % doc["split"])
    v = doc["verdict"]
    holds, knee = v["holds"] or 0, v["knee"] or 0
    check(v["end"] == "found", "the split search ends bracketing the knee (got %s)" % v["end"])
    check(abs(holds - LIMIT) <= PRECISION * LIMIT,
          "the rate that holds, %.1f/s, is within 5%% of the store's %g/s" % (holds, LIMIT))
    check(knee > holds and knee - holds <= PRECISION * knee + 1e-9,
          "the knee %.1f/s is within the precision above %.1f/s" % (knee, holds))
    rates = [s["offered_rate"] for s in doc["steps"]]
    check(rates[:4] == [50, 100, 200, 400], "steps of factor 2 from 50/s (got %r)" % rates)
    run_dir = os.path.join(work, "share", run_id)
    for k, st in enumerate(doc["steps"], 1):
        parts = [json.load(open(os.path.join(run_dir, "step-%d" % k, "segment-%d.json" % i)))
                 for i in range(2)]
        got = [p["totals"]["requests"] for p in parts]
        check(sum(got) == st["requests"] and min(got) > 0,
              "step %d is judged on both windows: %r add up to %d" % (k, got, st["requests"]))
        check([p["segment"]["index"] for p in parts] == [0, 1], "each window is its segment's")
    # The whole step, not a segment's half: 2 s at 400/s is 800 requests, half refused.
    over = [s for s in doc["steps"] if s["offered_rate"] == 400][0]
    check(abs(over["requests"] - 800) <= 20,
          "the 400/s step judges both segments' 2 s: 800 requests (got %d)" % over["requests"])
    check(abs(over["error_rate"] - 0.5) < 0.02,
          "at twice the limit half the requests get 503 (got %.3f)" % over["error_rate"])
    check(schema_ok(os.path.join(work, "seg-0.json")) is not False,
          "the JSON follows the capacity schema")
    rc, err, page = report_html(work, doc)
    check(rc == 0 and page and "2 segments, run %s" % run_id in page,
          "the page says the search was split (exit %d: %s)" % (rc, err[-300:]))
    hostile = json.loads(texts[0])
    hostile["split"]["run_id"] = HOSTILE
    rc, err, page = report_html(work, hostile)
    check(rc == 0 and page and "<script" not in page and "&lt;script&gt;" in page,
          "an edited run id is text on the page (exit %d: %s)" % (rc, err[-300:]))
    hostile["split"] = {"run_id": "x", "segments": 0}
    rc, err, page = report_html(work, hostile)
    check(rc == 2 and "split.segments" in err, "no segments is refused, named (exit %d: %s)" %
          (rc, err[-300:]))


def test_segment_lost(work, store):
    cfg = write_config(work, store.port, step="1s")
    # Step 1 is 1 s + 1 s; the wait for the others is that, the 5 s request timeout and 10 s.
    started = time.monotonic()
    (p,) = segments(work, cfg, 2, "lost", only=[0])
    out, err = p.communicate(timeout=WAIT_S)
    took = time.monotonic() - started
    missing = os.path.join(work, "share", "lost", "step-1", "segment-1.json")
    check(p.returncode == 3, "a search whose other segment never comes exits 3 (got %d): %s" %
          (p.returncode, err[-800:]))
    check("segment 1/2" in err and missing in err,
          "the error names the segment and the file it waited for: %s" % err[-800:])
    check(took < 2 + 2 + 17 + 5, "it gave up after the step's timeout (%.1f s)" % took)
    check(os.path.exists(os.path.join(work, "share", "lost", "stop-0")),
          "it left its stop marker for a segment that comes late")
    doc = json.load(open(os.path.join(work, "seg-0.json")))
    check(doc["passed"] is False and doc["steps"][0]["verdict"] == "interrupted",
          "the partial result is written, not passed (got %r)" % doc["verdict"])
    # A segment whose config differs (another threshold) ran another search: refused.
    other = os.path.join(work, "other.yaml")
    open(other, "w").write(open(cfg).read().replace('"p99 < 2s"', '"p99 < 3s"'))
    procs = segments(work, cfg, 2, "mixed", configs=[cfg, other])
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=WAIT_S)
        check(p.returncode == 2 and "config hash" in err,
              "segment %d/2 refuses a segment of another config: exit 2 (got %d): %s" %
              (i, p.returncode, err[-800:]))
    p = run(["capacity", cfg, "--segment", "0/2", "--share", os.path.join(work, "share"),
             "--run-id", "mixed"], timeout=30)
    check(p.returncode == 2, "a run id used before is refused (got %d)" % p.returncode)


def test_segment_interrupt(work, store):
    cfg = write_config(work, store.port, step="4s")
    procs = segments(work, cfg, 2, "cut")
    deadline = time.monotonic() + 30
    seen = ""
    while "holds" not in seen and procs[0].poll() is None:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([procs[0].stdout], [], [], left)[0]:
            break
        seen += procs[0].stdout.readline()
    check("holds" in seen, "the first step ran before the signal")
    time.sleep(1.5)
    at = time.monotonic()
    procs[1].send_signal(signal.SIGINT)
    for i, p in enumerate(procs):
        out, err = p.communicate(timeout=WAIT_S)
        took = time.monotonic() - at
        check(p.returncode == 3, "segment %d/2 exits 3 (got %d): %s" % (i, p.returncode,
                                                                       err[-800:]))
        marker = os.path.join(work, "share", "cut", "stop-1")
        check(i == 1 or ("segment 1/2" in err and marker in err),
              "segment 0/2 names the segment whose marker stopped it: %s" % err[-800:])
        check(took < 5, "segment %d/2 ended %.1f s after the signal (at most 5 s)" % (i, took))
        doc = json.load(open(os.path.join(work, "seg-%d.json" % i)))
        check(doc["interrupted"] is True and doc["passed"] is False,
              "segment %d/2's result is marked interrupted, not passed" % i)
        check([s["verdict"] for s in doc["steps"]] == ["holds", "interrupted"],
              "segment %d/2 writes the step that held and the one cut short (got %r)" %
              (i, [s["verdict"] for s in doc["steps"]]))
    check(os.path.exists(os.path.join(work, "share", "cut", "stop-1")) and
          not os.path.exists(os.path.join(work, "share", "cut", "stop-0")),
          "the interrupted segment left the marker that stopped the other")


def admin_requests(store):
    """The store's own count of requests served, from its /metrics (those to /metrics left
    out)."""
    with urllib.request.urlopen("http://127.0.0.1:%s/metrics" % store.port, timeout=5) as f:
        text = f.read().decode()
    return sum(float(n) for labels, n in
               re.findall(r"^refstore_http_requests_total\{(.*)\} (\S+)$", text, re.M)
               if "metrics" not in labels)


def main():
    part = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        store = Store(work)
        try:
            skipped = {"knee": test_knee, "interrupt": test_interrupt, "usage": test_usage,
                       "browser": test_browser,
                       "segments": test_segments, "segment_lost": test_segment_lost,
                       "segment_interrupt": test_segment_interrupt}[part](work, store) == 77
        finally:
            store.stop()
    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    if skipped:
        return 77
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
