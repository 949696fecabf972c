# Sourced by the benches (from the project root): release_build DIR builds storecheck for
# speed in DIR, quietly; on failure it shows the build's output and exits 1.
release_build() {
    if ! { cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DSTORECHECK_TESTS=OFF &&
           cmake --build "$1" -j 2; } >"/tmp/storecheck-bench-build.log" 2>&1; then
        cat /tmp/storecheck-bench-build.log >&2
        exit 1
    fi
}

# bench_storecheck [DIR]: sets sc to the storecheck a bench times: DIR's when given (a build to
# reuse), else a Release build made in build-bench; exits 2 when DIR has none.
bench_storecheck() {
    local dir=${1:-build-bench}
    [ -n "${1:-}" ] || release_build "$dir"
    sc=$PWD/$dir/checker/storecheck
    [ -x "$sc" ] || { echo "bench: no storecheck in $dir" >&2; exit 2; }
}
