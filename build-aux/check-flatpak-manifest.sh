#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Check a Flatpak manifest statically: flatpak-builder must parse it and
# print no WARNING (unknown keys only warn). Runtimes are not needed.
#
# Usage: check-flatpak-manifest.sh MANIFEST
# Exits 77 (meson: skipped) when flatpak-builder is not installed.

set -u

manifest=${1:?usage: check-flatpak-manifest.sh MANIFEST}
builder=${FLATPAK_BUILDER:-flatpak-builder}

if ! command -v "$builder" >/dev/null 2>&1; then
  echo "SKIP: $builder is not installed" >&2
  exit 77
fi

errfile=$(mktemp) || exit 1
trap 'rm -f "$errfile"' EXIT
trap 'exit 1' HUP INT TERM

"$builder" --show-manifest "$manifest" >/dev/null 2>"$errfile"
status=$?
cat "$errfile" >&2

if [ "$status" -ne 0 ]; then
  echo "FAIL: $builder --show-manifest exited with status $status" >&2
  exit 1
fi
if grep -q 'WARNING' "$errfile"; then
  echo "FAIL: $builder printed warnings for $manifest" >&2
  exit 1
fi
echo "OK: $manifest"
