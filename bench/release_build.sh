# Sourced by the benches (from the project root): release_build DIR builds storecheck for
# speed in DIR, quietly; on failure it shows the build's output and exits 1.
release_build() {
    if ! { cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DSTORECHECK_TESTS=OFF &&
           cmake --build "$1" -j 2; } >"/tmp/storecheck-bench-build.log" 2>&1; then
        cat /tmp/storecheck-bench-build.log >&2
        exit 1
    fi
}
