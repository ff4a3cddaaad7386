#!/usr/bin/env bash
# The hardening build: clang-14 with ASan + UBSan (every UBSan report fatal) and libFuzzer's coverage
# instrumentation (-fsanitize=fuzzer-no-link), -O1 with line tables, into ${SAN_BUILD_DIR:-build-asan}. It builds the
# whole test suite and the libFuzzer targets, then runs the suite under the sanitizers; LeakSanitizer (on with ASan)
# makes any leak a test failure. The same build serves `FUZZ_BUILD_DIR=build-asan scripts/fuzz.sh`, so CI compiles
# the instrumented code once for both.
#   scripts/test-sanitizers.sh [ctest args]       e.g. -L postgres, -LE postgres, -R parser
# Env: SAN_BUILD_DIR; SAN_LABELS_EXCLUDE (a ctest -LE regex; default empty = the whole suite).
# Exit code: 0 when every test passes with no sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${SAN_BUILD_DIR:-build-asan}
. scripts/cmake_env.sh
args=(${corpus_args[@]+"${corpus_args[@]}"})
if [ ! -f "$B/build.ninja" ] || ((${#args[@]})); then
  cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" \
    -DRLSQ_SANITIZE=ON -DRLSQ_BUILD_FUZZ=ON -DRLSQ_BUILD_BENCH=OFF ${args[@]+"${args[@]}"} >/dev/null
fi
cmake --build "$B" -j"$(nproc)"

# -fno-sanitize-recover and halt_on_error make every UBSan report fatal. The libantlr4-runtime shared library is not
# instrumented; nothing to suppress.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export RLSQ_MEMORY_REWRITES=${RLSQ_MEMORY_REWRITES:-20000}
# ASan's allocator makes SQLite's own execution (the library is not instrumented, its mallocs are) about 6x slower:
# the SQLite differential runs 1 of its trials here (6 in the Release run).
export RLSQ_SQLITE_DIFF_TRIALS=${RLSQ_SQLITE_DIFF_TRIALS:-1}
# The PostgreSQL RLS differential likewise runs 1 of its 3 trials here: the Release run covers the other seeds, the
# sanitizers need the code paths, not more of the same data (CI time, README "Continuous integration").
export RLSQ_DIFF_TRIALS=${RLSQ_DIFF_TRIALS:-1}
cd "$B"
extra=()
[ -n "${SAN_LABELS_EXCLUDE:-}" ] && extra+=(-LE "$SAN_LABELS_EXCLUDE")
exec ctest --output-on-failure -j"$(nproc)" --timeout 900 ${extra[@]+"${extra[@]}"} "$@"
