#!/usr/bin/env bash
# Build the storecheck(1) man page from the program's own --help texts, so the two never
# disagree. Usage: make-man.sh STORECHECK_BINARY OUTPUT
set -euo pipefail
bin=$1
out=$2
version=$("$bin" --version | awk '{print $2}')
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"; }
{
  echo ".TH STORECHECK 1 \"\" \"storecheck $version\" \"User Commands\""
  echo ".SH NAME"
  echo "storecheck \\- launch readiness audits and load tests for online stores"
  echo ".SH SYNOPSIS"
  echo ".B storecheck"
  echo "[\\-q] [\\-\\-no\\-color] COMMAND [ARGS...]"
  echo ".SH DESCRIPTION"
  echo ".nf"
  "$bin" --help | esc
  echo ".fi"
  for cmd in $("$bin" --help | awk '/^Commands:/{on=1;next} /^$/{on=0} on{print $1}'); do
    echo ".SH \"storecheck $cmd\""
    echo ".nf"
    "$bin" "$cmd" --help | esc
    echo ".fi"
  done
  echo ".SH FILES"
  echo "Traffic profiles are installed in share/storecheck/profiles."
  echo ".SH SEE ALSO"
  echo "docs/config.md in the source tree describes every config key."
} > "$out"
