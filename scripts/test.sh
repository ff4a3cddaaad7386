#!/usr/bin/env bash
# Installs the Debian 12 packages, builds everything into ./build (Release, Ninja, ccache) and runs the whole
# ctest suite. Exit code: 0 when every test passes. Extra arguments go to ctest (e.g. -L postgres, -R lexer).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd "${BUILD_DIR:-build}"
exec ctest --output-on-failure -j2 "$@"
