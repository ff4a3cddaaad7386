#!/usr/bin/env bash
# Runs the benchmark suite and checks the performance budget (issue 7; README "Performance").
#   scripts/bench.sh [--short]     --short: what CI runs after the tests (a few minutes); default: full-length runs.
# Env: BUILD_DIR (default build; built by scripts/build.sh if a program is missing), BENCH_OUT (default
# $BUILD_DIR/bench-results).
# Writes $BENCH_OUT/<program>.json (Google Benchmark JSON), <program>.txt (the console output with each program's own
# summary) and summary.md (the budget table, also printed). The budget, bench/budget.json, holds ratios measured in
# this same run (rlsq against libpg_query's pg_query_parse on the same queries, cached against uncached, 2 threads
# against 1, 1 MB against 10 KB), never absolute times.
# Exit status: 0 when every budget check passes; 1 when a check fails (bench_budget names it with its ratio) or a
# benchmark program fails.
set -euo pipefail
cd "$(dirname "$0")/.."
short=0
[ "${1:-}" = --short ] && short=1
B=${BUILD_DIR:-build}
OUT=${BENCH_OUT:-$B/bench-results}
programs=(rewrite/rewrite_bench policy/policy_bench access/access_bench templates/template_bench scaling/scaling_bench
  shape/shape_bench)
((short)) || programs+=(parse/parse_bench limits/limits_bench lexer/lexer_bench)
missing=0
for p in "${programs[@]}" budget/bench_budget; do [ -x "$B/bench/$p" ] || missing=1; done
if ((missing)); then BUILD_DIR=$B scripts/build.sh; fi

rm -rf "$OUT"
mkdir -p "$OUT"
# Short mode: the minimum time per benchmark drops from Google Benchmark's 0.5 s; the scale benchmarks that take
# seconds per iteration by design (the policy load of 30k filters, the 10k-role model build) are left to full runs;
# the 10k and 100k loads stay, for the linearity check.
declare -A filter=()
min_time=0.5
if ((short)); then
  min_time=0.03
  filter[policy_bench]='^(BM_PredicateHit|BM_PredicateMiss|BM_Engine8Tables|BM_Load/10000/|BM_Load/100000/)'
  filter[access_bench]='^BM_(Can|CheckTables8|CheckTables8_Interned|CheckTables8_Denied|ResolveHit|ResolveMiss)/'
fi
status=0
start=$SECONDS
for p in "${programs[@]}"; do
  name=$(basename "$p")
  args=(--benchmark_out="$OUT/$name.json" --benchmark_out_format=json --benchmark_min_time="$min_time")
  [ -n "${filter[$name]:-}" ] && args+=(--benchmark_filter="${filter[$name]}")
  t=$SECONDS
  if "$B/bench/$p" "${args[@]}" >"$OUT/$name.txt" 2>&1; then
    echo "[bench] $name: $((SECONDS - t)) s"
  else
    echo "[bench] $name FAILED (exit $?): see $OUT/$name.txt"
    tail -20 "$OUT/$name.txt"
    status=1
  fi
done
echo "[bench] suite: $((SECONDS - start)) s; results in $OUT"
if ! "$B/bench/budget/bench_budget" bench/budget.json "$OUT" "$OUT/summary.md"; then
  # The small programs' checks measure the host as much as the code: a host busy during one measurement (a shared VM)
  # lowers a 2-thread speedup, or slows one policy_bench run against the same run's pg_query_parse, while the code is
  # fine. Repeat those measurements (every program but rewrite_bench, whose results stay), up to twice, before a
  # failure counts; a real regression fails every time.
  passed=0
  for attempt in 1 2; do
    echo "[bench] budget failed; repeating the small programs ($attempt of 2; their figures depend on the host's load)"
    for p in "${programs[@]}"; do
      name=$(basename "$p")
      [ "$name" = rewrite_bench ] && continue
      cp "$OUT/$name.json" "$OUT/$name.json.run-$attempt"  # not *.json: bench_budget reads every one
      args=(--benchmark_out="$OUT/$name.json" --benchmark_out_format=json --benchmark_min_time="$min_time")
      [ -n "${filter[$name]:-}" ] && args+=(--benchmark_filter="${filter[$name]}")
      if ! "$B/bench/$p" "${args[@]}" >"$OUT/$name.txt" 2>&1; then
        echo "[bench] $name FAILED: see $OUT/$name.txt"
        status=1
      fi
    done
    if "$B/bench/budget/bench_budget" bench/budget.json "$OUT" "$OUT/summary.md"; then
      passed=1
      break
    fi
  done
  ((passed)) || status=1
fi
exit $status
