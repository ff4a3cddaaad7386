#!/usr/bin/env bash
# Configures and builds rlsq into ./build (Release, Ninja, ccache).
# Usage: scripts/build.sh [extra cmake args]. Env: BUILD_DIR (default build), BUILD_TYPE (default Release),
# BUILD_TARGETS (space-separated targets; default all), RLSQ_CORPUS_DIR (the query corpus; see below).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
. scripts/cmake_env.sh
args=(${corpus_args[@]+"${corpus_args[@]}"})

# Configure when there is no build yet, or when we have settings to apply (cheap when nothing changed).
if [ ! -f "$BUILD_DIR/build.ninja" ] || ((${#args[@]})) || (($#)); then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" ${args[@]+"${args[@]}"} "$@"
fi
targets=()
for t in ${BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j"$(nproc)" ${targets[@]+"${targets[@]}"}
