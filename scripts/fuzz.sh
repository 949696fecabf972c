#!/usr/bin/env bash
# Build every libFuzzer target (tests/fuzz/fuzz_*.c) with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer, run each for FUZZ_SECONDS (default 20) seeded from its corpus in
# tests/fuzz/corpus/NAME, up to nproc at a time, and fail on any finding (crash, sanitizer
# report, leak, timeout). New inputs go to a scratch folder, never into the corpus; a finding's
# input is kept in BUILD_DIR/fuzz-findings. Usage: scripts/fuzz.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-20}
jobs=$(nproc)

targets=()
for src in tests/fuzz/fuzz_*.c; do
  targets+=("$(basename "$src" .c)")
done

cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTORECHECK_FUZZ=ON >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
findings="$build/fuzz-findings"
logs="$build/fuzz-logs"
rm -rf "$findings" "$logs"
mkdir -p "$findings" "$logs"

# One target: seeded from its corpus, new inputs into a scratch folder. The outer timeout is
# for a target that ignores its own budget (a hang libFuzzer's -timeout did not catch).
fuzz_one() {
  local name=$1 bin scratch dict=()
  bin=$(find "$build/tests" -type f -name "$name" -perm -u+x | head -n 1)
  if [ -z "$bin" ]; then
    echo "$name: not built" >"$logs/$name.log"
    return 1
  fi
  scratch=$(mktemp -d)
  [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
  local rc=0
  timeout --kill-after=10 $((seconds + 60)) "$bin" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$findings/$name-" "$scratch" "tests/fuzz/corpus/$name" \
    >"$logs/$name.log" 2>&1 || rc=$?
  rm -rf "$scratch"
  return "$rc"
}

failed=()
declare -A running=()
# Wait for one running target to end; note it when it had a finding.
reap_one() {
  local pid rc=0
  wait -n -p pid "${!running[@]}" || rc=$?
  [ "$rc" -eq 0 ] || failed+=("${running[$pid]}")
  unset "running[$pid]"
}
start=$SECONDS
for name in "${targets[@]}"; do
  while [ ${#running[@]} -ge "$jobs" ]; do
    reap_one
  done
  fuzz_one "$name" &
  running[$!]=$name
done
while [ ${#running[@]} -gt 0 ]; do
  reap_one
done

echo "fuzz: ${#targets[@]} targets, ${seconds}s each, $((SECONDS - start))s in all"
if [ ${#failed[@]} -gt 0 ]; then
  for name in "${failed[@]}"; do
    echo "--- $name: finding (log: $logs/$name.log)"
    tail -n 40 "$logs/$name.log"
  done
  echo "fuzz: FAILED: ${failed[*]}; inputs in $findings" >&2
  exit 1
fi
echo "fuzz: no findings"
