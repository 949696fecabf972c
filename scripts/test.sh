#!/usr/bin/env bash
# Install what the tests need, build with AddressSanitizer + UndefinedBehaviorSanitizer and
# warnings as errors, run every test, then every fuzz target for a short budget
# (scripts/fuzz.sh). Usage: scripts/test.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-test}

scripts/install-deps.sh --tests
cmake -S . -B "$build" -DSTORECHECK_WERROR=ON -DSTORECHECK_SANITIZE=ON
cmake --build "$build" -j "$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$build" && ctest --output-on-failure --timeout 600)
scripts/fuzz.sh
