#!/usr/bin/env python3
"""A report written to stdout (`-` as its path) is alone there, whichever command writes it and
in whichever format: the console output (summary, tables, the files written) goes to stderr,
and a second report there is refused.
Each command runs against the reference store on loopback for a second or two.

usage: test_stdout_report.py load|capacity|merge|report|run
  load      --json - (stdout is the JSON alone), --html - and --markdown - (stdout is the
            page `storecheck report` renders from the JSON saved beside it); the console
            names the protocol each connection spoke as the JSON counts them
  capacity  --json - and --html -, one short step
  merge     --json - on two segments of a load
  report    --markdown - and --json - with another report written to a file
  run       --json -, --junit - and --sarif - (audit and load in one)
  two       two reports on stdout are a usage error (exit 2) before anything runs, on every
            command that writes more than one
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest)."""
import json
import os
import subprocess
import sys
import xml.dom.minidom
import xml.parsers.expat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_run as tr  # noqa: E402  (the parts, the reference store)
from test_run import BIN, SECRETS, check, config  # noqa: E402


def storecheck(args, timeout=60):
    env = dict(os.environ, **SECRETS)
    r = subprocess.run([BIN] + args, env=env, capture_output=True, text=True, timeout=timeout)
    print("$ storecheck %s  (exit %d)\n%s" % (" ".join(args), r.returncode, r.stderr[-3000:]))
    return r


def json_alone(r, what):
    """stdout parses as one JSON document (json.loads refuses anything around it)."""
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        check(False, "%s: stdout is the JSON alone (%s): %r" % (what, e, r.stdout[:300]))
        return {}


def rendered(work, saved, fmt):
    """The report `storecheck report` renders in format fmt from the saved JSON."""
    path = os.path.join(work, "again." + fmt)
    r = storecheck(["report", saved, "--" + fmt, path])
    check(r.returncode == 0, "storecheck report --%s renders %s" % (fmt, saved))
    return open(path).read() if os.path.exists(path) else None


def test_load(work, store):
    url = "http://127.0.0.1:%s/healthz" % store.ports["http"]
    base = ["load", url, "-d", "1s", "-t", "1", "-c", "2"]
    r = storecheck(base + ["--json", "-"])
    doc = json_alone(r, "load --json -")
    check(r.returncode == 0 and doc.get("kind") == "storecheck.load",
          "load --json - writes the load result to stdout")
    check("Requests/sec" in r.stderr, "the summary goes to stderr")
    spoke = doc.get("totals", {}).get("protocols", {})
    want = "Connections by protocol: http/1.1 %d (HTTP 1.1 asked)" % spoke.get("http/1.1", -1)
    check(spoke.get("http/1.1", 0) > 0 and spoke.get("h2") == 0 and want in r.stderr,
          "the console says '%s', as the JSON counts them: %r" % (want, spoke))
    saved = os.path.join(work, "load.json")
    for fmt in ("html", "markdown"):
        r = storecheck(base + ["--json", saved, "--" + fmt, "-"])
        check(r.returncode == 0, "load --%s - exits 0" % fmt)
        check(r.stdout == rendered(work, saved, fmt),
              "load --%s -: stdout is the report alone, as report renders it" % fmt)
        check("Requests/sec" in r.stderr, "the summary goes to stderr (--%s -)" % fmt)


def capacity_config(work, port):
    with open(os.path.join(work, "steady.yaml"), "w") as f:
        f.write("model: open\nstages:\n  - { duration: 10s, rate: 10 }\nmax_vus: 50\n"
                "timeout: 5s\nmix: { browse: 1 }\n")
    path = os.path.join(work, "capacity.yaml")
    with open(path, "w") as f:
        f.write("target:\n  base_url: http://127.0.0.1:%s\n  allowed_hosts: [127.0.0.1]\n"
                "load:\n  profile: steady.yaml\n  threads: 1\n"
                "  scenarios:\n    browse: [ { name: health, path: /healthz } ]\n"
                "  thresholds: [ \"p99 < 2s\" ]\n" % port)
    return path


def test_capacity(work, store):
    cfg = capacity_config(work, store.ports["http"])
    base = ["capacity", cfg, "--start", "10/s", "--max-rate", "20/s", "--max-steps", "1",
            "--step-duration", "1s", "--warmup", "0s"]
    r = storecheck(base + ["--json", "-"])
    doc = json_alone(r, "capacity --json -")
    check(r.returncode == 0 and doc.get("kind") == "storecheck.capacity",
          "capacity --json - writes the capacity result to stdout")
    check("Capacity" in r.stderr and "Holds" in r.stderr,
          "the rows and the verdict go to stderr")
    saved = os.path.join(work, "capacity.json")
    r = storecheck(base + ["--json", saved, "--html", "-"])
    check(r.returncode == 0 and r.stdout == rendered(work, saved, "html"),
          "capacity --html -: stdout is the page alone")


def test_merge(work, store):
    url = "http://127.0.0.1:%s/healthz" % store.ports["http"]
    segs = [os.path.join(work, "seg-%d.json" % i) for i in range(2)]
    for i, seg in enumerate(segs):
        r = storecheck(["load", url, "--rate", "20", "-d", "1s", "-t", "1", "-q",
                        "--segment", "%d/2" % i, "--run-id", "stdout-merge", "--json", seg])
        check(r.returncode == 0, "segment %d/2 runs" % i)
    r = storecheck(["merge"] + segs + ["--json", "-"])
    doc = json_alone(r, "merge --json -")
    check(r.returncode == 0 and doc.get("segment", {}).get("count") == 2,
          "merge --json - writes the merged result to stdout")
    check("Merged 2 segments" in r.stderr, "the summary goes to stderr")


def test_report(work, store):
    url = "http://127.0.0.1:%s/healthz" % store.ports["http"]
    saved = os.path.join(work, "load.json")
    r = storecheck(["load", url, "-d", "1s", "-t", "1", "-c", "2", "-q", "--json", saved])
    check(r.returncode == 0, "the load result to render is written")
    html = os.path.join(work, "load.html")
    r = storecheck(["report", saved, "--markdown", "-", "--html", html])
    check(r.returncode == 0 and r.stdout == rendered(work, saved, "markdown"),
          "report --markdown -: stdout is the Markdown alone")
    check("html report: " + html in r.stderr, "the file written is named on stderr")
    # A run report renders as JSON too.
    cfg = config(store, work, "S-HSTS", rate=None)
    r = storecheck(["audit", cfg, "--json", os.path.join(work, "audit.json")])
    r = storecheck(["report", os.path.join(work, "audit.json"), "--json", "-", "--html", html])
    doc = json_alone(r, "report --json -")
    check(r.returncode == 0 and doc.get("kind") == "storecheck.run",
          "report --json - writes the run report to stdout")
    check("html report: " + html in r.stderr, "the file written is named on stderr")


def test_run(work, store):
    cfg = config(store, work, "S-HSTS", "  duration: 1s\n", rate="20")
    r = storecheck(["run", cfg, "--json", "-"])
    doc = json_alone(r, "run --json -")
    check(doc.get("kind") == "storecheck.run" and doc.get("load") is not None,
          "run --json - writes the run report with its load to stdout")
    check("verdict:" in r.stderr, "the summary goes to stderr")
    for fmt in ("junit", "sarif"):
        r = storecheck(["run", cfg, "--" + fmt, "-"])
        if fmt == "junit":
            try:
                xml.dom.minidom.parseString(r.stdout)
                alone = True
            except xml.parsers.expat.ExpatError as e:
                alone = False
                print("not XML alone:", e, file=sys.stderr)
        else:
            alone = json_alone(r, "run --sarif -").get("version") == "2.1.0"
        check(alone, "run --%s -: stdout is the report alone" % fmt)
        check("verdict:" in r.stderr and "report: " not in r.stdout,
              "the summary and the files written go to stderr (--%s -)" % fmt)


def test_two(work, store):
    url = "http://127.0.0.1:%s/healthz" % store.ports["http"]
    saved = os.path.join(work, "load.json")
    storecheck(["load", url, "-d", "1s", "-t", "1", "-q", "--json", saved])
    cfg = config(store, work, "S-HSTS", rate=None)
    for args in (["load", url, "--json", "-", "--markdown", "-"],
                 ["capacity", capacity_config(work, store.ports["http"]), "--max-rate", "20/s",
                  "--json", "-", "--html", "-"],
                 ["report", saved, "--html", "-", "--markdown", "-"],
                 ["audit", cfg, "--json", "-", "--sarif", "-"],
                 ["run", cfg, "--junit", "-", "--html", "-"]):
        r = storecheck(args)
        check(r.returncode == 2 and r.stdout == "" and "reports would go to stdout" in r.stderr,
              "%s with two reports on stdout is a usage error (exit %d)" %
              (args[0], r.returncode))


def main():
    tests = {"load": test_load, "capacity": test_capacity, "merge": test_merge,
             "report": test_report, "run": test_run, "two": test_two}
    return tr.run_part({k: tr.with_refstore(t) for k, t in tests.items()}, "sc-stdout-")


if __name__ == "__main__":
    sys.exit(main())
