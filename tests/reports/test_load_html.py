#!/usr/bin/env python3
"""The HTML and Markdown reports of a load result end to end: `storecheck load --html
--markdown` against the reference store, and `storecheck report` on the saved --json.

usage: test_load_html.py scenarios|url|browser
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest). browser
exits 77 (skip) when chromium is missing."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run  # noqa: E402  (the reference store and the config)
from test_interrupt import ORDER_LOAD  # noqa: E402  (shoppers on the reference store)
from test_run import BIN, BUILD, SECRETS, Refstore, check, config  # noqa: E402

# Markup in a check (its failures are listed by reason), and in scenario and step names of a
# saved result (a config allows only letters, digits, _ . - there): text on the page, never
# an element.
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_NAME = "<img src=x onerror=alert(2)>&\"'"
# The shoppers of the interrupt test for 4s, the search step with a check that fails.
SEARCH = '"/api/v1/search?q=lamp", expect: [200] }'
SHOPPERS = ORDER_LOAD.replace("duration: 30s", "duration: 4s").replace(
    SEARCH, SEARCH[:-2] + ",\n          check: ['body contains \"%s\"'] }" % HOSTILE)

FIGURE = re.compile(r'<figure class="chart"><svg viewBox="0 0 (\d+) (\d+)"[^>]*><title>(.*?)'
                    r'</title>(.*?)</svg></figure>', re.S)


def load(args, timeout=60):
    env = dict(os.environ, **SECRETS)
    return subprocess.run([BIN, "load"] + args, env=env, capture_output=True, text=True,
                          timeout=timeout)


def charts(html):
    """{title: (viewBox height, polylines, the polylines' point lists)} of every chart."""
    out = {}
    for _, h, title, body in FIGURE.findall(html):
        lines = re.findall(r'<polyline [^>]*points="([^"]*)"', body)
        out[title] = (int(h), len(lines), lines)
    return out


def same_from_report(work, html_path, json_path, doc=None):
    """storecheck report on the saved JSON (or on doc, written next to it) gives the same page,
    and the same Markdown when load wrote one next to the page."""
    if doc is not None:
        json_path = os.path.join(work, "edited.json")
        json.dump(doc, open(json_path, "w"), indent=1)
    again, again_md = os.path.join(work, "again.html"), os.path.join(work, "again.md")
    md_path = html_path[:-len("html")] + "md"
    r = subprocess.run([BIN, "report", json_path, "--html", again, "--markdown", again_md],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "storecheck report renders the load result: " + r.stderr)
    same_md = (not os.path.exists(md_path) or
               open(again_md).read() == open(md_path).read())
    return same_md and os.path.exists(again) and open(again).read() == open(html_path).read()


def run_shoppers(work):
    store = Refstore(work)
    try:
        check("duration: 4s" in SHOPPERS and "body contains" in SHOPPERS,
              "the shoppers are the interrupt test's, shortened, with a failing check")
        cfg = config(store, work, "S-HSTS", SHOPPERS, rate="40")
        html, js = os.path.join(work, "load.html"), os.path.join(work, "load.json")
        r = load([cfg, "--json", js, "--html", html, "--markdown", os.path.join(work, "load.md")])
    finally:
        store.stop()
    check(r.returncode in (0, 1), "the load ran (exit %d): %s" % (r.returncode, r.stderr))
    return html, js


def test_scenarios(work):
    html_path, json_path = run_shoppers(work)
    html = open(html_path).read()
    doc = json.load(open(json_path))
    steps = len(doc["steps"])
    check(steps == 5, "the result has the five steps (%d)" % steps)
    c = charts(html)
    expect = {"Throughput (responses per second)": 1,
              "Latency percentiles (log scale)": 3,
              "Errors by class per second": 5}
    for title, series in expect.items():
        check(title in c and c[title][1] == series,
              "chart %r has %d series: %s" % (title, series, c.get(title, (0, 0))[1]))
    applied = re.findall(r'<title>Load applied, as scheduled</title>.*?class="lg">([^<]*)<', html)
    check(applied == ["iterations started per second"] and
          c["Load applied, as scheduled"][1] == 1,
          "one chart of the load applied, in iterations per second: %s" % applied)
    active = c.get("Connections and users active")
    check(active is not None and active[1] == 2, "a chart of connections and users active")
    users = [s.get("users", 0) for s in doc["seconds"]]
    conns = [s.get("connections", 0) for s in doc["seconds"]]
    check(max(users) > 0 and max(conns) > 0 and max(users) <= doc["virtual_users"]["max"],
          "the seconds count users in an iteration and open connections: %s %s" %
          (users, conns))
    # p50 is visible beside p99: its line is not flattened onto the axis at the bottom (40
    # above the chart's lower edge), as it would be on a linear scale from 0.
    lat = c.get("Latency percentiles (log scale)")
    if check(lat is not None and lat[2][0].strip(), "the p50 line has points"):
        ys = [float(p.split(",")[1]) for p in lat[2][0].split()]
        check(min(ys) < lat[0] - 40 - 10, "the p50 line rises off the bottom: %s" % ys[:5])
    grid = re.search(r'<div class="grid-charts" id="steps">(.*?)</div>', html, re.S)
    small = FIGURE.findall(grid.group(1)) if grid else []
    check(len(small) == steps, "one small multiple per step: %d of %d" % (len(small), steps))
    check(all(w == "420" for w, _, _, _ in small), "the small multiples are the narrow charts")
    check(len(re.findall(r'<svg viewBox="0 0 800 ', html)) == 0,
          "every chart of the page is a small one, readable on a phone")
    check(all(len(re.findall("<polyline", body)) == 3 for _, _, _, body in small),
          "each step chart has its three series")
    durations = {t[len("Iterations of "):].split(" by duration")[0]: v for t, v in c.items()
                 if t.startswith("Iterations of ")}
    check(sorted(durations) == sorted(s["name"] for s in doc["scenarios"] if
                                      s["duration_us"]["count"] > 0),
          "a duration chart per scenario that completed iterations: %s" % sorted(durations))
    check(all(v[1] == 0 for v in durations.values()), "the duration charts are bar charts")
    th = re.search(r"<h2>Thresholds</h2>(.*?)</section>", html, re.S)
    rows = re.findall(r"<tr><td><span class=\"st st-(pass|fail)\">", th.group(1)) if th else []
    check(len(rows) == len(doc["thresholds"]) == 2, "a row per threshold: %s" % rows)
    check(rows == ["pass" if t["passed"] else "fail" for t in doc["thresholds"]],
          "each row shows whether its threshold held")
    check("&lt;img src=x onerror=alert(1)&gt;" in html, "the failed check is shown, escaped")
    check("<img" not in html, "the check's markup is no element of the page")
    for name, value in SECRETS.items():
        check(value not in html, "secret %s absent from the page" % name)
    check(same_from_report(work, html_path, json_path),
          "storecheck report on the saved JSON gives the page and Markdown load wrote")
    md = open(html_path[:-len("html")] + "md").read()
    check(len(re.findall(r"^\| .* \| (pass|fail) \|$", md, re.M)) == 2,
          "the Markdown has a row per threshold")
    check(len(re.findall(r"^\| (browse|search|cart|checkout) \| \d+ \| \d+ \|", md, re.M)) == 4,
          "the Markdown has a row per scenario")
    check("<" not in md, "no markup in the Markdown")
    # A result with fields this build does not know (a merged one adds segment fields).
    doc["segment"] = {"index": None, "count": 3, "merged": True}
    doc["totals"]["something_new"] = 7
    check(same_from_report(work, html_path, json_path, doc),
          "a load result with unknown fields renders the same page")
    hostile_names(work, doc)
    r = subprocess.run([BIN, "report", json_path, "--junit", os.path.join(work, "x.xml")],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and not os.path.exists(os.path.join(work, "x.xml")),
          "a load result asked for JUnit is a usage error (%d)" % r.returncode)
    doc["schema_version"] = 99
    edited = os.path.join(work, "future.json")
    json.dump(doc, open(edited, "w"))
    r = subprocess.run([BIN, "report", edited, "--html", os.path.join(work, "f.html")],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and not os.path.exists(os.path.join(work, "f.html")),
          "a load result of an unknown schema version is refused (%d)" % r.returncode)


def hostile_names(work, doc):
    """A saved result whose first scenario and step have markup for names."""
    old_step, old_scenario = doc["steps"][0]["name"], doc["steps"][0]["scenario"]
    for st in [doc["steps"][0]] + [s["steps"][0] for s in doc["seconds"] if s.get("steps")]:
        st["name"], st["scenario"] = HOSTILE_NAME, HOSTILE_NAME
    for sc in doc["scenarios"]:
        if sc["name"] == old_scenario:
            sc["name"] = HOSTILE_NAME
    path, out = os.path.join(work, "hostile.json"), os.path.join(work, "hostile.html")
    json.dump(doc, open(path, "w"))
    r = subprocess.run([BIN, "report", path, "--html", out], capture_output=True, text=True,
                       timeout=30)
    if not check(r.returncode == 0, "the result with markup in names renders: " + r.stderr):
        return
    html = open(out).read()
    escaped = "&lt;img src=x onerror=alert(2)&gt;&amp;&quot;&#39;"
    check(html.count("Step %s of %s per second" % (escaped, escaped)) == 2,
          "the step's small multiple names it escaped (its svg title and heading)")
    check(html.count(escaped) >= 6, "the names are shown escaped in the tables and charts")
    check("<img" not in html, "the names are no element of the page (step %s of %s)" %
          (old_step, old_scenario))
    md = os.path.join(work, "hostile.md")
    r = subprocess.run([BIN, "report", path, "--markdown", md], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 0 and "&lt;img src=x onerror=alert(2)&gt;" in open(md).read() and
          "<" not in open(md).read(), "the names are shown in the Markdown, without markup")


def test_url(work):
    """A URL run: the time charts, no scenario section."""
    store = Refstore(work)
    try:
        url = "http://127.0.0.1:%s/" % store.ports["http"]
        html_path, json_path = os.path.join(work, "u.html"), os.path.join(work, "u.json")
        r = load([url, "--duration", "2s", "--rate", "50", "--threads", "1", "--json", json_path,
                  "--html", html_path])
    finally:
        store.stop()
    check(r.returncode == 0, "the URL load passed (exit %d): %s" % (r.returncode, r.stderr))
    html = open(html_path).read()
    c = charts(html)
    check("Throughput (responses per second)" in c, "the throughput chart is there")
    applied = re.findall(r'<title>Load applied, as scheduled</title>.*?class="lg">([^<]*)<', html)
    check(applied == ["requests per second"],
          "the load applied is in requests per second in the open model: %s" % applied)
    check('id="steps"' not in html and "<h2>Scenarios" not in html,
          "a URL run has no scenario section")
    check("No thresholds configured." in html, "no thresholds, said so")
    doc = json.load(open(json_path))
    check(all(s["users"] == 0 for s in doc["seconds"]) and
          max(s["connections"] for s in doc["seconds"]) > 0,
          "a URL run counts open connections and no users each second")
    check(c.get("Connections open", (0, 0))[1] == 1, "a chart of the connections open")
    check(same_from_report(work, html_path, json_path),
          "storecheck report on the saved JSON gives the page load --html wrote")


def test_browser(work):
    """The page in headless chromium at desktop and phone width (screenshots kept in the build
    folder for a look)."""
    base = test_run.headless_chromium()
    if not base:
        return
    base += ["--hide-scrollbars"]
    html_path, _ = run_shoppers(work)
    prof = tempfile.mkdtemp(dir=work)
    dom = subprocess.run(base + ["--user-data-dir=" + prof, "--dump-dom", "file://" + html_path],
                         capture_output=True, text=True, timeout=60).stdout
    check("<h2>Over time</h2>" in dom, "chromium rendered the page")
    check("onerror" not in dom.replace("onerror=alert(1)&gt;", ""),
          "the hostile step name made no element in the browser")
    shot = os.path.join(BUILD, "tests", "reports", "load-report-%s.png")
    missing = test_run.screenshots(base, work, html_path,
                                   {shot % "desktop": "1280,4300", shot % "phone": "390,7400"})
    check(not missing, "the desktop and phone screenshots were saved (missing: %r)" % missing)


def main():
    tests = {"scenarios": test_scenarios, "url": test_url, "browser": test_browser}
    return test_run.run_part(tests, "sc-loadhtml-")


if __name__ == "__main__":
    sys.exit(main())
