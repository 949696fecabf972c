#!/usr/bin/env bash
# Build the storecheck(1) man page from the program's own --help texts, so the two never
# disagree, and the config reference from docs/config.md (through md-to-man.awk).
# Usage: make-man.sh STORECHECK_BINARY OUTPUT CONFIG_MD PROFILE_DIR DOC_DIR
#   PROFILE_DIR and DOC_DIR: where the profiles and the docs are installed.
set -euo pipefail
bin=$1
out=$2
config_md=$3
profile_dir=$4
doc_dir=$5
here=$(cd "$(dirname "$0")" && pwd)
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
  echo ".SH CONFIGURATION"
  awk -f "$here/md-to-man.awk" "$config_md"
  echo ".SH FILES"
  echo ".TP"
  echo "$profile_dir" | esc
  echo "the traffic profiles that load.profile and \\-\\-profile name (smoke, steady, ramp,"
  echo "flash\\-sale, soak, stress)."
  echo ".TP"
  echo "$doc_dir" | esc
  echo "README.md and the docs: config.md (above), reports.md, probes.md, scenarios.md,"
  echo "scoring.md and the others."
  echo ".SH SEE ALSO"
  echo "storecheck init writes a commented starter config; storecheck validate checks one."
} > "$out"
