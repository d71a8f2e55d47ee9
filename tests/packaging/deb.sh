#!/usr/bin/env bash
# Builds the Debian package from a copy of the source tree and runs lintian
# on it (test packaging-deb, suite 'packaging').
#
#   bash tests/packaging/deb.sh [SOURCE_DIR]      (default: $HERKOMST_SOURCE_DIR or .)
#
# dpkg-buildpackage writes its results beside the source directory, so the
# build runs in a scratch copy: the files git knows or would add (tracked and
# untracked, not ignored), or the whole tree without build directories when
# it is not a git work tree; packaging/debian/ becomes debian/. The package's
# own tests are neither built nor run (the nocheck build profile, which
# debian/rules turns into -Dtests=false): they ran in the build that runs
# this one. A full package build, tests included, is
#   cp -r packaging/debian debian && dpkg-buildpackage -us -uc -b   (in a copy)
#
# When: HERKOMST_DEB_TEST=1 always (missing tools are a failure);
# HERKOMST_DEB_TEST=0 never (debian/rules sets it, so that the package build's
# test run builds no package of its own); unset, when dpkg-buildpackage,
# debhelper and lintian are installed and the build dependencies are met
# (packaging/dev.sh installs them), else skip (77).
#
# Fails when the build fails, lintian reports an error or a warning, or the
# package lacks a file herkomst needs. Prints lintian's full findings
# (pedantic and informational tags too), the package's file list, and how
# long the build took. HERKOMST_DEB_KEEP=DIR keeps the .deb files there.
set -uo pipefail

EXIT_SKIP=77
SRC=$(cd "${1:-${HERKOMST_SOURCE_DIR:-.}}" && pwd)
MODE=${HERKOMST_DEB_TEST:-auto}

skip() { printf 'SKIP: %s\n' "$*"; exit "$EXIT_SKIP"; }
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }

if [[ $MODE == 0 ]]; then
	skip "HERKOMST_DEB_TEST=0"
fi
missing=()
for t in dpkg-buildpackage dpkg-checkbuilddeps dh lintian; do
	command -v "$t" >/dev/null || missing+=("$t")
done
if [[ ${#missing[@]} -ne 0 ]]; then
	[[ $MODE == 1 ]] && fail "HERKOMST_DEB_TEST=1 but not installed: ${missing[*]}"
	skip "not installed: ${missing[*]} (packages dpkg-dev, debhelper, lintian; or set HERKOMST_DEB_TEST=1)"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hk-deb.XXXXXX") || fail "mktemp"
trap 'rm -rf "$TMP"' EXIT
VERSION=$(cd "$SRC/packaging/debian" && dpkg-parsechangelog -l changelog -S Version) ||
	fail "cannot read packaging/debian/changelog"
TREE=$TMP/herkomst-$VERSION
mkdir -p "$TREE"

# the tree
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$TREE" || fail "copying the tree"
else
	tar -C "$SRC" --exclude='./build*' --exclude=./builddir --exclude=./.git \
		--exclude=./debian -cf - . | tar -xf - -C "$TREE" || fail "copying the tree"
fi
rm -rf "$TREE/debian"
cp -r "$SRC/packaging/debian" "$TREE/debian" || fail "copying packaging/debian"

# the version of the package is the project's
MESON_VERSION=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$SRC/meson.build" | head -n1)
if [[ $VERSION != "$MESON_VERSION" ]]; then
	fail "packaging/debian/changelog is at $VERSION, meson.build at $MESON_VERSION: add a changelog entry"
fi

if ! deps=$(cd "$TREE" && dpkg-checkbuilddeps 2>&1); then
	[[ $MODE == 1 ]] && fail "build dependencies: $deps"
	skip "build dependencies not met: $deps"
fi

# the build
jobs=$(nproc 2>/dev/null || echo 2)
t0=$(date +%s)
printf '==== dpkg-buildpackage -us -uc -b -Pnocheck (in %s, %s jobs)\n' "$TREE" "$jobs"
if ! (cd "$TREE" && env -u MAKEFLAGS -u HERKOMST_DEB_TEST DEB_BUILD_OPTIONS="nocheck parallel=$jobs" \
	dpkg-buildpackage -us -uc -b -Pnocheck >"$TMP/build.log" 2>&1); then
	tail -n 80 "$TMP/build.log"
	fail "dpkg-buildpackage failed (the end of its log is above)"
fi
t1=$(date +%s)
printf 'built in %d s\n' "$((t1 - t0))"
grep -E '(^|: )warning:' "$TMP/build.log" | sort | uniq -c | head -n 40

changes=$(ls "$TMP"/herkomst_"$VERSION"_*.changes 2>/dev/null | head -n1)
deb=$(ls "$TMP"/herkomst_"$VERSION"_*.deb 2>/dev/null | head -n1)
[[ -n $changes && -n $deb ]] || fail "no .changes or .deb in $TMP"

printf '\n==== %s\n' "$(basename "$deb")"
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends Suggests
dpkg-deb --contents "$deb" | awk '{ print $1, $2, $6 }' | grep -v '/signatures/.*/' || true
printf '(and %d files under usr/share/herkomst/signatures/)\n' \
	"$(dpkg-deb --contents "$deb" | grep -c '/signatures/.*[^/]$')"

# files herkomst needs, and the maintainer scripts that create its user
need=(./usr/bin/herkomst ./usr/share/herkomst/oui.tsv ./etc/herkomst/herkomst.conf
	./lib/systemd/system/herkomst.service ./lib/systemd/system/herkomst@.service
	./usr/lib/sysusers.d/herkomst.conf ./usr/lib/tmpfiles.d/herkomst.conf
	./usr/share/man/man1/herkomst.1.gz ./usr/share/man/man5/herkomst.conf.5.gz
	./usr/share/herkomst/signatures/fingerprints/http.tsv)
contents=$(dpkg-deb --contents "$deb" | awk '{ print $6 }')
for f in "${need[@]}"; do
	grep -qxF "$f" <<<"$contents" || fail "the package lacks $f"
done
mkdir -p "$TMP/ctl" "$TMP/root"
dpkg-deb --control "$deb" "$TMP/ctl"
grep -q 'systemd-sysusers.*herkomst.conf' "$TMP/ctl/postinst" || fail "postinst runs no systemd-sysusers"
grep -q 'systemd-tmpfiles.*herkomst.conf' "$TMP/ctl/postinst" || fail "postinst runs no systemd-tmpfiles"
grep -qxF /etc/herkomst/herkomst.conf "$TMP/ctl/conffiles" || fail "herkomst.conf is not a conffile"
# the packaged program with the packaged data, built hardened (hardening=+all)
dpkg-deb --extract "$deb" "$TMP/root"
if command -v readelf >/dev/null; then
	readelf -d "$TMP/root/usr/bin/herkomst" | grep -q 'FLAGS_1.*PIE' || fail "/usr/bin/herkomst is not PIE"
	readelf -d "$TMP/root/usr/bin/herkomst" | grep -q 'BIND_NOW' || fail "/usr/bin/herkomst lacks BIND_NOW (full RELRO)"
	readelf -lW "$TMP/root/usr/bin/herkomst" | grep -q 'GNU_RELRO' || fail "/usr/bin/herkomst lacks RELRO"
	printf 'hardening: PIE, RELRO with BIND_NOW, %d fortified calls\n' \
		"$(readelf --dyn-syms -W "$TMP/root/usr/bin/herkomst" | grep -c '__[a-z_]*_chk')"
fi
"$TMP/root/usr/bin/herkomst" check signatures "$TMP/root/usr/share/herkomst/signatures" ||
	fail "the packaged signatures do not pass herkomst check signatures"

# lintian
printf '\n==== lintian --display-info --pedantic --display-experimental --show-overrides %s\n' "$(basename "$changes")"
t2=$(date +%s)
lintian --display-info --pedantic --display-experimental --show-overrides --fail-on error,warning \
	"$changes" >"$TMP/lintian.log" 2>&1
lrc=$?
t3=$(date +%s)
grep -v '^running with root privileges' "$TMP/lintian.log"
printf 'lintian: exit %d in %d s; tags: %s\n' "$lrc" "$((t3 - t2))" \
	"$(grep -cE '^[EWIPX]: ' "$TMP/lintian.log") ($(grep -c '^O: ' "$TMP/lintian.log") overridden)"

if [[ -n ${HERKOMST_DEB_KEEP:-} ]]; then
	mkdir -p "$HERKOMST_DEB_KEEP" && cp "$TMP"/*.deb "$TMP"/*.changes "$TMP"/*.buildinfo "$HERKOMST_DEB_KEEP"/ &&
		printf 'kept in %s\n' "$HERKOMST_DEB_KEEP"
fi
[[ $lrc -eq 0 ]] || fail "lintian reports errors or warnings (above)"
printf 'PASS: built in %d s, lintian clean of errors and warnings\n' "$((t1 - t0))"
