#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, -fsanitize=fuzzer,address,undefined; every library instrumented) into
# ${FUZZ_BUILD_DIR:-build-fuzz}, generates the seed corpora from the shared query corpus, replays
# fuzz/regressions/, then runs each target for N minutes (default 5; fractions such as 0.5 are fine).
#   scripts/fuzz.sh [minutes] [target...]      targets: lexer parser rewrite policy template http proxy (default: these;
#                                               encoding on request)
# Env: FUZZ_BUILD_DIR, FUZZ_JOBS (parallel libFuzzer workers per target, default 1), FUZZ_SEED_SETS (corpus sets
# used as seeds, default "tpch tpcds charts"; CI uses "tpch charts" to keep the seed pass short).
# New inputs found are kept in $FUZZ_BUILD_DIR/fuzz/corpus/<target>/; crashes go to $FUZZ_BUILD_DIR/fuzz/artifacts/.
# Exit status: non-zero when a target crashes, leaks, times out or violates a checked property.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-5}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(lexer parser rewrite policy template http proxy)
B=${FUZZ_BUILD_DIR:-build-fuzz}
. scripts/cmake_env.sh
args=(${corpus_args[@]+"${corpus_args[@]}"})
if [ ! -f "$B/build.ninja" ]; then
  cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
    -DRLSQ_BUILD_FUZZ=ON -DRLSQ_BUILD_TESTS=OFF -DRLSQ_BUILD_BENCH=OFF ${args[@]+"${args[@]}"} >/dev/null
elif ((${#args[@]})) && ! grep -qxF "RLSQ_CORPUS_DIR:PATH=${args[0]#-DRLSQ_CORPUS_DIR=}" "$B/CMakeCache.txt"; then
  # An existing build (e.g. build-asan from scripts/test-sanitizers.sh, which has the fuzz targets): keep its flags,
  # only point it at the corpus (re-running CMake regenerates the parser, so only when the corpus changes).
  cmake -S . -B "$B" ${args[@]+"${args[@]}"} >/dev/null
fi
build_targets=(fuzz_seeds)
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
cmake --build "$B" -j"$(nproc)" $(printf -- '--target %s ' "${build_targets[@]}")

seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); if (s < 1) s = 1; print s }')
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  bin="$B/fuzz/fuzz_$t"
  work="$B/fuzz/corpus/$t"
  art="$B/fuzz/artifacts/$t/"
  mkdir -p "$work" "$art"
  # Regressions first: every committed reproducer must run clean.
  regs=()
  case $t in
    policy) for f in fuzz/regressions/*.json; do [ -f "$f" ] && regs+=("$f"); done ;;
    template) for f in fuzz/regressions/*.clause; do [ -f "$f" ] && regs+=("$f"); done ;;
    http) for f in fuzz/regressions/*.http; do [ -f "$f" ] && regs+=("$f"); done ;;
    proxy) for f in fuzz/regressions/*.pgwire; do [ -f "$f" ] && regs+=("$f"); done ;;
    *) for f in fuzz/regressions/*.sql; do [ -f "$f" ] && regs+=("$f"); done ;;
  esac
  if ((${#regs[@]})); then
    "$bin" -runs=0 "${regs[@]}" >"$B/fuzz/$t.regressions.log" 2>&1 || { echo "fuzz_$t: regression input failed (see $B/fuzz/$t.regressions.log)"; status=1; }
  fi
  echo "== fuzz_$t for ${seconds}s"
  log="$B/fuzz/$t.log"
  t0=$SECONDS
  if "$bin" "$work" "$B/fuzz/seeds/$t" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$art" -print_final_stats=1 ${FUZZ_JOBS:+-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS} >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    el=$((SECONDS - t0)); ((el > 0)) || el=1
    echo "   ok: $execs execs in ${el}s ($((execs / el))/s; the seed corpus is always run in full first), $cov, corpus $(ls "$work" | wc -l) files"
  else
    echo "   FAILED: see $log; reproducer in $art"
    grep -m5 -E 'ERROR|PROPERTY|runtime error|Assertion|abort' "$log" || true
    status=1
  fi
done
exit $status
