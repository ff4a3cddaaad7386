#!/usr/bin/env bash
# Installs the Debian 12 packages, builds the rlsq CLI and runs the main job on the bundled example: the policy
# examples/policy.json and the chart query examples/query.sql, rewritten for user alice.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_TARGETS=rlsq scripts/build.sh
echo "\$ rlsq rewrite --policy examples/policy.json --user alice < examples/query.sql" >&2
exec "${BUILD_DIR:-build}/cli/rlsq" rewrite --policy examples/policy.json --user alice < examples/query.sql
