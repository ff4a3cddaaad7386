#!/usr/bin/env bash
# Builds the concurrency tests with ThreadSanitizer into ./build-tsan and runs them: policy reload under readers on
# every core (reload_test), the policy watcher swapping snapshots from a file, SQLite and PostgreSQL under readers
# (policy_reload_test), the plan cache's shared level and thread-local fronts (plan_cache_test), the permission
# model's role-set cache (access_test), concurrent parsing with per-thread DFA copies (parser_test).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/cmake_env.sh
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRLSQ_TSAN=ON -DRLSQ_BUILD_BENCH=OFF \
  ${corpus_args[@]+"${corpus_args[@]}"} >/dev/null
cmake --build build-tsan -j"$(nproc)" --target reload_test policy_reload_test plan_cache_test access_test parser_test
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan/suppressions.txt"
build-tsan/tests/rewriter/reload_test
build-tsan/tests/sources/policy_reload_test
build-tsan/tests/rewriter/plan_cache_test
build-tsan/tests/access/access_test --gtest_filter='*Concurren*:*Thread*:*Cache*'
build-tsan/tests/parser/parser_test --gtest_filter='*Thread*:*Concurren*'
