#!/usr/bin/env python3
"""The CI examples (examples/ci/) parse as YAML, cite only storecheck commands and options that
exist (and CMake options and scripts of this tree), upload the very files the storecheck run
writes where each platform expects them, and gate on storecheck's exit code."""
import os
import re
import shlex
import sys

import yaml

from test_docs_cli import SOURCE, citation_problems, commands, help_text

CI = os.path.join(SOURCE, "examples", "ci")
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)
    return cond


def shell_lines(script):
    """The commands of a shell script, continuation lines joined."""
    return [line.strip() for line in script.replace("\\\n", " ").splitlines() if line.strip()]


def check_commands(where, lines, top, helps, cmake_options):
    """Every storecheck citation against the binary's help, every -DSTORECHECK_ option against
    CMakeLists.txt, every scripts/ path against the tree; the report options of the run."""
    reports = {}
    for line in lines:
        found = citation_problems(line, top, helps)
        problems.extend(f"{where}: {p}" for p in found or [])
        if line.startswith("storecheck run "):
            args = shlex.split(line)
            reports = {a: b for a, b in zip(args, args[1:]) if a.startswith("--")}
        for opt in re.findall(r"-D(STORECHECK_[A-Z_]+)=", line):
            check(opt in cmake_options, f"{where}: -D{opt} is not an option of CMakeLists.txt")
        for script in re.findall(r"\bscripts/[\w./-]+", line):
            check(os.path.exists(os.path.join(SOURCE, script)), f"{where}: no {script}")
    check(all(k in reports for k in ("--junit", "--sarif", "--markdown")),
          f"{where}: the storecheck run writes JUnit, SARIF and Markdown: {reports}")
    return reports


def github(top, helps, cmake_options):
    where = "examples/ci/github-actions.yml"
    doc = yaml.safe_load(open(os.path.join(SOURCE, where)))
    # YAML 1.1 reads the key `on` as true.
    check(doc.get("on", doc.get(True)), f"{where}: no trigger (on:)")
    check(doc["permissions"].get("security-events") == "write",
          f"{where}: upload-sarif needs security-events: write")
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    lines = [line for s in steps for line in shell_lines(s.get("run", ""))]
    reports = check_commands(where, lines, top, helps, cmake_options)
    by_action = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    for action in by_action.values():
        check(re.search(r"@v\d+$", action["uses"]), f"{where}: {action['uses']} has no version")
    sarif = by_action.get("github/codeql-action/upload-sarif", {})
    check(sarif.get("with", {}).get("sarif_file") == reports.get("--sarif"),
          f"{where}: upload-sarif uploads the --sarif file")
    junit = by_action.get("dorny/test-reporter", {}).get("with", {})
    check(junit.get("path") == reports.get("--junit") and junit.get("reporter") == "java-junit",
          f"{where}: the test reporter reads the --junit file as JUnit")
    check(any(reports.get("--markdown", "?") in line and "$GITHUB_STEP_SUMMARY" in line
              for line in lines), f"{where}: the --markdown file goes to the job summary")
    # The exit code is kept by the run step and ends the job in the last one.
    run_step = next((s for s in steps if "storecheck run" in s.get("run", "")), {})
    check("$GITHUB_OUTPUT" in run_step.get("run", "") and "id" in run_step,
          f"{where}: the run step keeps storecheck's exit code")
    gate = steps[-1]
    check("steps.%s.outputs.exit_code" % run_step.get("id") in str(gate.get("env")) and
          "exit 1" in gate.get("run", "") and gate.get("if") == "always()",
          f"{where}: the last step fails the job with storecheck's exit code")
    for s in steps:
        if s is not run_step and s is not gate and "uses" in s and s["uses"].find("checkout") < 0:
            check(str(s.get("if", "")).startswith("always()"),
                  f"{where}: {s['uses']} runs also when the gate failed")


def gitlab(top, helps, cmake_options):
    where = "examples/ci/gitlab-ci.yml"
    doc = yaml.safe_load(open(os.path.join(SOURCE, where)))
    job = doc["storecheck"]
    lines = [line for key in ("before_script", "script", "after_script")
             for entry in job.get(key, []) for line in shell_lines(entry)]
    reports = check_commands(where, lines, top, helps, cmake_options)
    art = job["artifacts"]
    check(art.get("when") == "always", f"{where}: artifacts are kept when the gate fails")
    check(art["reports"].get("junit") == reports.get("--junit"),
          f"{where}: artifacts:reports:junit is the --junit file")
    for opt in ("--sarif", "--markdown", "--json", "--html"):
        check(any(reports.get(opt, "?").startswith(p) for p in art["paths"]),
              f"{where}: the {opt} file is an artifact")
    # The job's status is storecheck's exit code: nothing may swallow it.
    run_line = next(line for line in job["script"] if line.startswith("storecheck run"))
    check(not re.search(r"\|\||;\s*true|set \+e", run_line) and "allow_failure" not in job,
          f"{where}: the storecheck run's exit code fails the job")


def main():
    top = help_text()
    helps = {name: help_text(name) for name in commands(top)}
    cmake_options = set(re.findall(r"option\((STORECHECK_\w+)",
                                   open(os.path.join(SOURCE, "CMakeLists.txt")).read()))
    github(top, helps, cmake_options)
    gitlab(top, helps, cmake_options)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(problems)} problems in examples/ci")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
