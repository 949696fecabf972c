#!/usr/bin/env python3
"""The SARIF report end to end: `storecheck audit --sarif` on the reference store and
`storecheck run` with `reports.sarif` on a broken variant with accepted findings. Each SARIF file
is validated against the SARIF 2.1.0 JSON schema (tests/reports/sarif-schema-2.1.0.json, see its
.SOURCE file), its rules and results are matched against the JSON report of the same run, and it
re-renders exactly from the saved JSON.

usage: test_sarif.py good|broken
Needs STORECHECK_BIN, STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR (set by CTest). Without
Python's jsonschema (python3-jsonschema) the other checks still run and the test exits 77."""
import json
import os
import subprocess
import sys
import urllib.parse

from test_run import (BIN, SECRETS, Refstore, check, check_sarif_schema, checks_by_id, config,
                      run, run_part)

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
          "info": "note"}


def check_sarif(work, sarif_path):
    """The SARIF file against the schema and the JSON report of the same run; the SARIF log."""
    check_sarif_schema(sarif_path)
    text = open(sarif_path).read()
    for name, value in SECRETS.items():
        check(value not in text, "secret %s absent from %s" % (name, sarif_path))
    doc = json.load(open(os.path.join(work, "out.json")))
    log = json.loads(text)
    check(log["version"] == "2.1.0" and len(log["runs"]) == 1, "one SARIF 2.1.0 run")
    sarif_run = log["runs"][0]
    rules = sarif_run["tool"]["driver"]["rules"]
    ids = list(dict.fromkeys(c["id"] for c in doc["checks"]))
    check([r["id"] for r in rules] == ids,
          "one rule per check of the JSON report, in its order: %s vs %s" %
          ([r["id"] for r in rules], ids))
    by = checks_by_id(doc)
    for r in rules:
        c = by[r["id"]]
        check(r["shortDescription"]["text"] == c["title"] and
              r["defaultConfiguration"]["level"] == LEVELS[c["severity"]],
              "rule %s has the title and the level of severity %s: %s" %
              (r["id"], c["severity"], r))
        check(c["remediation"] in r["help"]["text"] and
              all(ref in r["help"]["text"] for ref in c["references"]),
              "rule %s's help has the remediation and every reference" % r["id"])
    findings = [c for c in doc["checks"] if c["status"] in ("fail", "warn")]
    results = sarif_run["results"]
    check([r["ruleId"] for r in results] == [c["id"] for c in findings],
          "one result per failed or warned check: %s vs %s" %
          ([r["ruleId"] for r in results], [c["id"] for c in findings]))
    for r, c in zip(results, findings):
        check(rules[r["ruleIndex"]]["id"] == r["ruleId"], "ruleIndex points at its rule")
        check(r["message"]["text"].startswith(c["reason"]) and
              all(e["detail"] in r["message"]["text"] for e in c["evidence"]),
              "%s's message has the reason and the evidence: %s" % (c["id"], r["message"]))
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        check(uri == doc["target"] and urllib.parse.urlsplit(uri).scheme == "https",
              "the location is the target URL: " + uri)
        acc = c["accepted"]
        if acc and not acc["expired"]:
            check(r.get("suppressions") == [{"kind": "external", "status": "accepted",
                                             "justification": acc["reason"]}],
                  "%s is suppressed with its reason: %s" % (c["id"], r.get("suppressions")))
        else:
            check("suppressions" not in r, "%s is not suppressed" % c["id"])
    inv = sarif_run["invocations"][0]
    check(inv["exitCode"] == doc["verdict"]["exit_code"] and inv["executionSuccessful"],
          "the invocation has the exit code of a completed run: %s" % inv)
    again = os.path.join(work, "again.sarif")
    r = subprocess.run([BIN, "report", os.path.join(work, "out.json"), "--sarif", again],
                       capture_output=True, text=True)
    check(r.returncode == 0 and open(again).read() == text,
          "storecheck report re-renders the SARIF exactly: " + r.stderr)
    return sarif_run


def test_good(work):
    """audit --sarif on the reference store: every rule, no result."""
    store = Refstore(work)
    try:
        cfg = config(store, work, "S-HSTS, S-CSP, S-NOSNIFF, S-EXPOSED-VCS, T-COMPRESSION")
        sarif = os.path.join(work, "audit.sarif")
        r = run(cfg, command="audit", args=["--sarif", sarif])
        check(r.returncode == 0, "the good store passes the audit (exit %d): %s %s" %
              (r.returncode, r.stdout, r.stderr))
        check("sarif report: " + sarif in r.stdout, "the SARIF report is announced: " + r.stdout)
        check(not os.path.exists(os.path.join(work, "out.sarif")),
              "--sarif replaces the config's reports.sarif")
        sarif_run = check_sarif(work, sarif)
        check(len(sarif_run["tool"]["driver"]["rules"]) == 5, "five rules for five probes")
    finally:
        store.stop()


def test_broken(work):
    """run with reports.sarif on a broken store: the findings, one accepted, one expired."""
    store = Refstore(work, "leak-git,no-hsts,weak-headers")
    accept = os.path.join(work, "accepted.yaml")
    open(accept, "w").write(
        "accepted:\n"
        "  - { probe: S-CSP, target: '*', reason: 'CSP is set by the CDN <b>', "
        "expires: 2099-12-31 }\n"
        "  - { probe: S-EXPOSED-VCS, target: '*', reason: 'was to be removed', "
        "expires: 2020-01-01 }\n")
    try:
        cfg = config(store, work, "S-HSTS, S-CSP, S-EXPOSED-VCS, S-NOSNIFF, T-COMPRESSION",
                     "  duration: 2s\n", accept)
        text = open(cfg).read()
        open(cfg, "w").write(text.replace("sarif: %s/out.sarif" % work, "sarif: out.sarif"))
        r = run(cfg)
        check(r.returncode == 1, "the broken store fails the gate (exit %d): %s %s" %
              (r.returncode, r.stdout, r.stderr))
        # reports.sarif is relative: it is resolved against the config's directory.
        sarif_run = check_sarif(work, os.path.join(work, "out.sarif"))
        results = {res["ruleId"]: res for res in sarif_run["results"]}
        check({"S-HSTS", "S-CSP", "S-EXPOSED-VCS"} <= set(results),
              "the broken store's findings are results: %s" % sorted(results))
        check(results.get("S-EXPOSED-VCS", {}).get("level") == "error" and
              results["S-EXPOSED-VCS"]["properties"]["gated"],
              "the exposed .git is an error that fails the gate")
        check(results.get("S-CSP", {}).get("suppressions", [{}])[0].get("justification") ==
              "CSP is set by the CDN <b>", "the accepted S-CSP is suppressed with its reason")
        rules = {rule["id"]: rule for rule in sarif_run["tool"]["driver"]["rules"]}
        check("security" in rules["S-HSTS"]["properties"]["tags"] and
              rules["S-HSTS"]["properties"]["security-severity"] == "8.0" and
              "security" not in rules["T-COMPRESSION"]["properties"]["tags"],
              "Security rules carry the security tag and severity, others do not")
    finally:
        store.stop()


if __name__ == "__main__":
    sys.exit(run_part({"good": test_good, "broken": test_broken}, "sc-sarif-"))
