#!/usr/bin/env bash
# Installs the Debian 12 packages, builds the rlsq CLI and runs it on the bundled example query.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_TARGETS=rlsq scripts/build.sh
echo "\$ rlsq parse < examples/query.sql" >&2
exec "${BUILD_DIR:-build}/cli/rlsq" parse < examples/query.sql
