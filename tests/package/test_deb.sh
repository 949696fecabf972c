#!/usr/bin/env bash
# Build storecheck's Debian package (cpack -G DEB) in a build folder of its own, without the
# sanitizers of the test build, install it with `apt-get install ./storecheck_*.deb`, use the
# installed program, and remove it again.
# Exit 77 (a skip for CTest), saying why, without root, dpkg, apt-get, dpkg-shlibdeps or cpack,
# or when a storecheck is installed already (the test never replaces one).
# Usage: tests/package/test_deb.sh   (STORECHECK_SOURCE_DIR, STORECHECK_BUILD_DIR from CTest)
set -euo pipefail
src=${STORECHECK_SOURCE_DIR:?}
build=${STORECHECK_BUILD_DIR:?}/deb-package
skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
for tool in dpkg dpkg-deb dpkg-shlibdeps apt-get cpack cmake; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
if dpkg-query -W -f='${Status}' storecheck 2>/dev/null | grep -q installed; then
  skip "a storecheck package is installed already"
fi
[ ! -e /usr/bin/storecheck ] || skip "/usr/bin/storecheck exists already"

# A build of the program alone, as a package is built: no sanitizers, no tests, installed
# under /usr and never looking into this source tree for its profiles.
unset CFLAGS LDFLAGS ASAN_OPTIONS UBSAN_OPTIONS
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache)
rm -rf "$build"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTORECHECK_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr -DSTORECHECK_SOURCE_PROFILES=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
arch=$(dpkg --print-architecture)
version=$(awk '/^project\(storecheck VERSION/{print $3}' "$src/CMakeLists.txt")
deb=$build/storecheck_${version}_${arch}.deb
[ -f "$deb" ] || fail "cpack did not write $deb: $(ls "$build"/*.deb 2>&1)"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl4 libcjson1 libyaml-0-2 libev4 libssl3; do
  case ", $depends" in *", $lib"*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
done
grep -q "$src/profiles" "$build/checker/storecheck" &&
  fail "the packaged binary still names the source tree's profiles"

installed=0
work=$(mktemp -d)
cleanup() {
  [ "$installed" -eq 1 ] && apt-get remove -y -qq -o DPkg::Lock::Timeout=300 storecheck >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
  --no-install-recommends "$deb" >/dev/null

bin=/usr/bin/storecheck
[ -x "$bin" ] || fail "$bin is not installed"
out=$("$bin" --version)
[ "$out" = "storecheck $version" ] || fail "--version says '$out', not 'storecheck $version'"

# The starter config names the smoke profile; in a folder without profiles/ and with no
# STORECHECK_PROFILE_DIR it can only be found where the package installed it.
cd "$work"
unset STORECHECK_PROFILE_DIR
"$bin" init storecheck.yaml >/dev/null
grep -q "^  profile: smoke" storecheck.yaml || fail "the starter config no longer names smoke"
"$bin" validate storecheck.yaml || fail "validate of the starter config failed"
[ -f /usr/share/storecheck/profiles/smoke.yaml ] || fail "the profiles are not installed"
sed -i 's/^  profile: smoke/  profile: no-such-profile/' storecheck.yaml
"$bin" validate storecheck.yaml >/dev/null 2>&1 && fail "validate found a profile that does not exist"

man_page=/usr/share/man/man1/storecheck.1.gz
if [ -f "$man_page" ]; then
  if command -v man >/dev/null; then
    [ "$(man -w storecheck)" = "$man_page" ] || fail "man -w storecheck does not find $man_page"
    MANWIDTH=80 man -P cat storecheck 2>/dev/null | grep -q "^CONFIGURATION" ||
      fail "man storecheck does not render the config reference"
  fi
else
  # A machine may keep dpkg from unpacking man pages (a path-exclude in dpkg.cfg.d).
  grep -rqs "path-exclude=/usr/share/man" /etc/dpkg/dpkg.cfg.d || fail "$man_page is missing"
  echo "man pages are excluded by dpkg's configuration here; the package's own list is checked"
  dpkg-deb -c "$deb" | grep -q "\./usr/share/man/man1/storecheck.1.gz$" || fail "no man page"
fi
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/man/man1/storecheck.1.gz | gunzip > "$work/man.1"
for want in '^\.SH CONFIGURATION' 'allowed_hosts' '^\.SH "storecheck run"'; do
  grep -q "$want" "$work/man.1" || fail "the man page lacks $want"
done
for doc in copyright README.md docs/config.md; do
  [ -f "/usr/share/doc/storecheck/$doc" ] || fail "/usr/share/doc/storecheck/$doc is missing"
done

apt-get remove -y -qq -o DPkg::Lock::Timeout=300 storecheck >/dev/null
installed=0
[ ! -e "$bin" ] || fail "$bin is still there after apt-get remove"
echo "storecheck_${version}_${arch}.deb built, installed, used and removed"
