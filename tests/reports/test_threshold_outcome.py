#!/usr/bin/env python3
"""A threshold with no data (on a step no iteration reaches: the step before it always fails)
fails the gate, and every place that shows its outcome says so alike: failed, with "no data" as
the value observed. A threshold with data beside it passes in every place.

usage: test_threshold_outcome.py run|load
  run   the console summary, the JSON, Markdown, JUnit and HTML reports of storecheck run
  load  the console, the JSON, Markdown and HTML of storecheck load on the same config
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest)."""
import json
import os
import re
import subprocess
import sys
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run as tr  # noqa: E402  (the reference store, the config, the checks)
from test_run import BIN, SECRETS, check  # noqa: E402

NO_DATA = "errors(step:pay) == 0"
WITH_DATA = "failed_iterations(scenario:stuck) > 0"
SCENARIOS = """  scenarios:
    stuck:
      - { name: look, path: /api/v1/products/999999, expect: [200] }
      - { name: pay, path: /healthz }
"""


def write_config(store, work):
    with open(os.path.join(work, "stuck.yaml"), "w") as f:
        f.write("model: open\nstages:\n  - { duration: 2s, rate: 10 }\nmax_vus: 20\n"
                "mix: { stuck: 1 }\n")
    path = tr.config(store, work, "S-HSTS", SCENARIOS, rate=None)
    text = open(path).read()
    for fixed, mine in (('thresholds: ["p99 < 1s", "error_rate < 1%"]',
                         'thresholds: ["%s", "%s"]' % (NO_DATA, WITH_DATA)),
                        ("profile: smoke", "profile: stuck.yaml")):
        check(fixed in text, "the run config has '%s'" % fixed)
        text = text.replace(fixed, mine)
    open(path, "w").write(text)
    return path


def storecheck(args):
    r = subprocess.run([BIN] + args, env=dict(os.environ, **SECRETS), capture_output=True,
                       text=True, timeout=90)
    print("$ storecheck %s  (exit %d)\n%s%s" % (" ".join(args), r.returncode, r.stdout,
                                                 r.stderr[-2000:]))
    return r


def console_outcome(stdout, expr, line_start):
    """The word before a threshold's line in a console's thresholds list, and the line."""
    m = re.search(r"^\s+(\S+)\s+%s(.*)$" % re.escape(line_start), stdout, re.M)
    check(m is not None, "the console lists %s" % expr)
    return (m.group(1), m.group(0)) if m else (None, "")


def markdown_outcome(md, expr):
    """The Result and Observed cells of a threshold's row."""
    esc = expr.replace("<", "&lt;").replace(">", "&gt;")
    for row in md.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if cells and cells[0] == esc:
            return cells[-1], cells[1]
    check(False, "the Markdown has a row for %s" % expr)
    return None, ""


def html_outcome(html, expr):
    """The result tag and the row's text of a threshold in the page's thresholds table."""
    esc = expr.replace("<", "&lt;").replace(">", "&gt;")
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if esc in row and 'class="st st-' in row:
            tag = re.search(r'<span class="st st-(\w+)">(\w+)</span>', row)
            return (tag.group(2) if tag else None), row
    check(False, "the HTML has a row for %s" % expr)
    return None, ""


def junit_outcome(path, expr):
    """"fail" when the threshold's testcase has a failure (its message), "pass" when none."""
    doc = xml.dom.minidom.parse(path)
    for case in doc.getElementsByTagName("testcase"):
        if case.getAttribute("name") == expr:
            fails = case.getElementsByTagName("failure")
            return ("fail", fails[0].getAttribute("message")) if fails else ("pass", "")
    check(False, "the JUnit report has a testcase for %s" % expr)
    return None, ""


def same_everywhere(outcomes, want, observed_no_data):
    """outcomes: {place: (word, text)}. Every word is want (case aside); with observed_no_data
    each place's text says "no data", else none does."""
    for place, (word, text) in outcomes.items():
        check(word is not None and word.lower() == want,
              "%s shows %s (got %r)" % (place, want, word))
        check(("no data" in text) == observed_no_data,
              "%s %s 'no data' as the value observed: %r" %
              (place, "gives" if observed_no_data else "does not give", text))


def test_run(work, store):
    cfg = write_config(store, work)
    r = storecheck(["run", cfg])
    check(r.returncode == 1, "the threshold with no data fails the gate (exit %d)" % r.returncode)
    doc = json.load(open(os.path.join(work, "out.json")))
    md = open(os.path.join(work, "out.md")).read()
    html = open(os.path.join(work, "out.html")).read()
    by = {t["expr"]: t for t in doc["thresholds"]}
    for expr, want, no_data in ((NO_DATA, "fail", True), (WITH_DATA, "pass", False)):
        t = by.get(expr, {})
        check(t.get("no_data") is no_data and (t.get("observed") is None) == no_data,
              "the JSON says no_data %s for %s: %r" % (no_data, expr, t))
        same_everywhere({
            "the console": console_outcome(r.stdout, expr, expr),
            "the JSON": (t.get("verdict"), "no data" if t.get("observed") is None else ""),
            "the Markdown": markdown_outcome(md, expr),
            "the JUnit": junit_outcome(os.path.join(work, "out.xml"), expr),
            "the HTML": html_outcome(html, expr),
        }, want, no_data)
    check(any(NO_DATA in reason and "no data" in reason for reason in doc["verdict"]["reasons"]),
          "the verdict names it: %r" % doc["verdict"]["reasons"])


def test_load(work, store):
    cfg = write_config(store, work)
    paths = {f: os.path.join(work, "load." + f) for f in ("json", "md", "html")}
    r = storecheck(["load", cfg, "--json", paths["json"], "--markdown", paths["md"],
                    "--html", paths["html"]])
    check(r.returncode == 1, "the threshold with no data fails the load (exit %d)" % r.returncode)
    doc = json.load(open(paths["json"]))
    md, html = open(paths["md"]).read(), open(paths["html"]).read()
    by = {t["expr"]: t for t in doc["thresholds"]}
    for expr, want, no_data in ((NO_DATA, "fail", True), (WITH_DATA, "pass", False)):
        t = by.get(expr, {})
        label = expr.split(" ")[0]
        same_everywhere({
            "the console": console_outcome(r.stdout, expr, label),
            "the JSON": ("pass" if t.get("passed") else "fail",
                         "no data" if t.get("no_data") else ""),
            "the Markdown": markdown_outcome(md, expr),
            "the HTML": html_outcome(html, expr),
        }, want, no_data)


def main():
    tests = {"run": test_run, "load": test_load}
    return tr.run_part({k: tr.with_refstore(t) for k, t in tests.items()}, "sc-threshold-")


if __name__ == "__main__":
    sys.exit(main())
