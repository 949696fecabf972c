#!/usr/bin/env bash
# Install what the tests need, build with AddressSanitizer + UndefinedBehaviorSanitizer and
# warnings as errors, run every test, then every fuzz target for a short budget
# (scripts/fuzz.sh, FUZZ_SECONDS per target, 12 unless set). Usage: scripts/test.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-test}

scripts/install-deps.sh --tests
cmake -S . -B "$build" -DSTORECHECK_WERROR=ON -DSTORECHECK_SANITIZE=ON
cmake --build "$build" -j "$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Two tests at a time: many of them wait on servers, timeouts or the network rather than the
# CPU. Tests whose checks are timed are RUN_SERIAL in their CMakeLists.txt and run alone (after
# the others); the longest (the package build, the real stores' installs) have a COST so they
# start first, one at a time (RESOURCE_LOCK cores) beside the shorter tests.
(cd "$build" && ctest --output-on-failure --timeout 600 -j 2)
# 12 s per target (fuzz.sh alone: 20 s); a longer local run: FUZZ_SECONDS=180 scripts/fuzz.sh.
FUZZ_SECONDS=${FUZZ_SECONDS:-12} scripts/fuzz.sh
