#!/usr/bin/env python3
"""Docs describe only what exists: every `storecheck COMMAND` and every --flag quoted as code in
README.md, docs/*.md and profiles/*.yaml is in the built binary's help."""
import glob
import os
import re
import subprocess
import sys

SOURCE = os.environ["STORECHECK_SOURCE_DIR"]
BIN = os.environ["STORECHECK_BIN"]

# Flags the docs quote for programs other than storecheck, and which program.
OTHER_PROGRAMS = {flag: "the reference store, tests/refstore"
                  for flag in ("--broken", "--api-only", "--headless")}

CITATION = re.compile(r"(?:^|[\s/`$(])storecheck((?:\s+-[-a-z]+)*)\s+([a-z][a-z-]*)(.*)")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def help_text(*args):
    out = subprocess.run([BIN, *args, "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, f"storecheck {' '.join(args)} --help exited {out.returncode}"
    return out.stdout


def commands(top_help):
    block = top_help.split("Commands:", 1)[1].split("\n\n", 1)[0]
    return {line.split()[0] for line in block.splitlines() if line.strip()}


def citation_problems(text, top, helps):
    """None when text cites no `storecheck COMMAND`; else what is wrong with the citation (the
    command is not one, or a flag is not in its --help), given the top-level --help and each
    command's (helps)."""
    cited = CITATION.search(text)
    if not cited:
        return None
    name = cited.group(2)
    if name not in helps:
        return [f"'storecheck {name}' is not a command"]
    # The command's own flags, up to where a shell would start another command.
    rest = re.split(r"[|;&]", cited.group(3), maxsplit=1)[0]
    return [f"'storecheck {name} {flag}' is not in 'storecheck {name} --help'"
            for flag in FLAG.findall(cited.group(1) + " " + rest)
            if flag not in helps[name] and flag not in top]


def code_fragments(path):
    """(line number, text) of each inline code span and each line of a fenced block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    fenced = False
    for no, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            yield no, line
        else:
            for span in re.findall(r"`([^`]+)`", line):
                yield no, span


def main():
    top = help_text()
    known = commands(top)
    helps = {name: help_text(name) for name in known}
    every_flag = set(FLAG.findall(top)).union(*(FLAG.findall(h) for h in helps.values()))
    files = [os.path.join(SOURCE, "README.md")]
    files += sorted(glob.glob(os.path.join(SOURCE, "docs", "*.md")))
    files += sorted(glob.glob(os.path.join(SOURCE, "profiles", "*.yaml")))
    problems = []
    checked = 0
    for path in files:
        where = os.path.relpath(path, SOURCE)
        for no, text in code_fragments(path):
            found = citation_problems(text, top, helps)
            if found is not None:
                checked += 1
                problems += [f"{where}:{no}: {p}" for p in found]
            elif text.startswith("--"):
                checked += 1
                flag = FLAG.match(text).group(0)
                if flag not in every_flag and flag not in OTHER_PROGRAMS:
                    problems.append(f"{where}:{no}: '{flag}' is not an option of any command")
    for p in problems:
        print(p, file=sys.stderr)
    # The scan must have found the citations it is about, or it proves nothing.
    if checked < 20:
        print(f"only {checked} citations found: is the scan broken?", file=sys.stderr)
        return 1
    print(f"{checked} citations checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
