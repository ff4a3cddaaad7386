#!/usr/bin/env bash
# A fuzzing campaign (issue 11 section 7; fuzz/README.md "Campaign"): each libFuzzer target in turn for the given
# time with one worker per core (libFuzzer's -fork mode: one parent that merges every worker's finds into one
# corpus and counts executions, coverage and crashes over all of them), on a persistent corpus that later runs
# continue from. The first run of a target seeds its corpus from fuzz/make_seeds.sh (every seed set, the kept
# corpus fuzz/corpus/<target>/); every run replays fuzz/regressions/ first. Findings (crash-, leak-, timeout-,
# oom-, slow-unit- files) go to the campaign's artifacts/<target>/ and are reported with their paths.
#   scripts/fuzz-campaign.sh [seconds-per-target] [target...]   default 3600 s; targets: lexer parser rewrite policy
#                                                                template encoding (default: all)
#   nice -n 19 scripts/fuzz-campaign.sh 600 parser rewrite      e.g. on a machine shared with a build
# Env:
#   FUZZ_BUILD_DIR     the instrumented build (default build-asan, the hardening build of scripts/test-sanitizers.sh,
#                      which holds the fuzz targets; configured as that script does when it does not exist)
#   FUZZ_CAMPAIGN_DIR  the campaign's state (default build-fuzz-campaign): bin/ (the binaries run), seeds/,
#                      artifacts/<target>/, logs/, summary.md
#   FUZZ_CORPUS_ROOT   the persistent corpora, one directory per target, and history.tsv, one line per target run
#                      (default $FUZZ_CAMPAIGN_DIR/corpus)
# Summary, per target: executions and exec/s of this run (over all workers, the seed pass of the corpus included),
# cov/ft of the corpus afterwards (a plain -runs=0 pass over it), corpus size, executions over every run recorded in
# history.tsv, and the findings with their paths.
#   FUZZ_WORKERS       libFuzzer workers per target (default: the number of cores)
#   FUZZ_RUNS          also stop a target once this run has executed that many inputs (default: time only)
#   FUZZ_MAX_LEN       longest generated input (default 8192, as scripts/fuzz.sh); FUZZ_SEED_SETS as make_seeds.sh
#   FUZZ_SUMMARY       where the summary table goes besides stdout (default $FUZZ_CAMPAIGN_DIR/summary.md)
# Exit status: 0 when no target had a finding and every regression replayed clean; 1 otherwise; 2 on a usage or
# build error.
set -euo pipefail
cd "$(dirname "$0")/.."
all_targets=(lexer parser rewrite policy template encoding)
seconds=${1:-3600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "seconds-per-target must be a positive integer, got '$seconds'" >&2; exit 2; }
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "unknown target '$t' (known: ${all_targets[*]})" >&2; exit 2; }
done
B=${FUZZ_BUILD_DIR:-build-asan}
D=${FUZZ_CAMPAIGN_DIR:-build-fuzz-campaign}
C=${FUZZ_CORPUS_ROOT:-$D/corpus}
workers=${FUZZ_WORKERS:-$(nproc)}
max_len=${FUZZ_MAX_LEN:-8192}
summary=${FUZZ_SUMMARY:-$D/summary.md}
mkdir -p "$D/logs" "$C"
trap 'echo "interrupted" >&2; exit 130' INT TERM

# The build: the hardening build of scripts/test-sanitizers.sh (same configure line), fuzz targets only.
# shellcheck source=scripts/cmake_env.sh disable=SC1091
. scripts/cmake_env.sh
args=(${corpus_args[@]+"${corpus_args[@]}"})
if [ ! -f "$B/build.ninja" ]; then
  cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined" \
    -DRLSQ_SANITIZE=ON -DRLSQ_BUILD_FUZZ=ON -DRLSQ_BUILD_BENCH=OFF ${args[@]+"${args[@]}"} >/dev/null
elif ! grep -qx 'RLSQ_BUILD_FUZZ:BOOL=ON' "$B/CMakeCache.txt" ||
  { ((${#args[@]})) && ! grep -qxF "RLSQ_CORPUS_DIR:PATH=${args[0]#-DRLSQ_CORPUS_DIR=}" "$B/CMakeCache.txt"; }; then
  cmake -S . -B "$B" -DRLSQ_BUILD_FUZZ=ON ${args[@]+"${args[@]}"} >/dev/null
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
cmake --build "$B" -j"$(nproc)" "${build_targets[@]}" || exit 2
# The campaign runs copies, so that a rebuild of $B while it runs (scripts/test-sanitizers.sh) does not change the
# binary under a long run (-fork starts a new process per job).
mkdir -p "$D/bin"
for t in "${targets[@]}"; do cp "$B/fuzz/fuzz_$t" "$D/bin/"; done
source_state="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo '+uncommitted changes')"

# Seeds: every seed set, regenerated each run (cheap); a target's corpus takes them only when it is empty.
query_corpus=$(sed -n 's/^RLSQ_CORPUS_DIR:PATH=//p' "$B/CMakeCache.txt")
FUZZ_SEED_SETS=${FUZZ_SEED_SETS:-tpch tpcds charts} fuzz/make_seeds.sh "$query_corpus" "$PWD" "$D/seeds" >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The committed reproducers a target replays: *.sql for the query targets, *.json for policy, *.clause for
# template; for encoding its *.enc files and every *.sql behind the UTF8 and the LATIN1 selector byte.
regressions() {
  local t=$1 f
  case $t in
    policy) for f in fuzz/regressions/*.json; do [ -f "$f" ] && echo "$f"; done ;;
    template) for f in fuzz/regressions/*.clause; do [ -f "$f" ] && echo "$f"; done ;;
    encoding)
      for f in fuzz/regressions/*.enc; do [ -f "$f" ] && echo "$f"; done
      mkdir -p "$D/regressions/encoding"
      for f in fuzz/regressions/*.sql; do
        [ -f "$f" ] || continue
        local base=$D/regressions/encoding/${f##*/}
        { printf '\000'; cat "$f"; } >"$base.utf8" && echo "$base.utf8"
        { printf '\002'; cat "$f"; } >"$base.latin1" && echo "$base.latin1"
      done ;;
    *) for f in fuzz/regressions/*.sql; do [ -f "$f" ] && echo "$f"; done ;;
  esac
}

# The summary so far (rewritten after every target, so a long campaign shows its progress).
write_summary() {
  echo "Fuzz campaign $(date -u +%FT%TZ), source $source_state, built in $B:" \
    "\`${FUZZ_RUNS:+FUZZ_RUNS=$FUZZ_RUNS }scripts/fuzz-campaign.sh $seconds ${targets[*]}\`, $workers workers, corpus $C"
  echo
  echo "| target | executions | time | exec/s | cov | ft | corpus | executions, all runs | findings |"
  echo "|--------|-----------:|-----:|-------:|----:|---:|--------|---------------------:|----------|"
  printf '%s\n' "${rows[@]}"
  if ((${#details[@]})); then
    echo
    echo "Findings (reproduce with \`$D/bin/fuzz_<target> FILE\`, minimize with \`-minimize_crash=1 -runs=10000 FILE\`):"
    printf '%s\n' "${details[@]}"
  fi
}

status=0
rows=()
details=()
for t in "${targets[@]}"; do
  bin="$D/bin/fuzz_$t"
  corpus="$C/$t"
  art="$D/artifacts/$t"
  log="$D/logs/$t.log"
  mkdir -p "$corpus" "$art"
  findings=()

  mapfile -t regs < <(regressions "$t")
  if ((${#regs[@]})) && ! "$bin" -runs=0 "${regs[@]}" >"$D/logs/$t.regressions.log" 2>&1; then
    findings+=("regression replay failed: $D/logs/$t.regressions.log")
  fi

  if [ -z "$(ls -A "$corpus")" ]; then
    cp "$D/seeds/$t"/* "$corpus/"
    echo "== fuzz_$t: new corpus $corpus seeded with $(find "$corpus" -type f | wc -l) inputs"
  fi
  echo "== fuzz_$t: ${seconds}s, $workers workers, corpus $corpus ($(find "$corpus" -type f | wc -l) files)"
  marker="$D/logs/$t.start"
  touch "$marker"
  t0=$(date +%s)
  # -fork: the parent's exit status is its last worker's; findings are read from the artifacts and the log.
  "$bin" -fork="$workers" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "$corpus" \
    -max_total_time="$seconds" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$art/" >"$log" 2>&1 || true
  elapsed=$(($(date +%s) - t0))
  ((elapsed > 0)) || elapsed=1

  # Executions and crash counts: the parent's last status line,
  #   #RUNS: cov: N ft: N corp: N exec/s N oom/timeout/crash: O/T/C time: Ns job: N dft_time: N
  last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1 || true)
  execs=0 bad=0/0/0
  if [ -n "$last" ]; then
    read -r execs bad < <(echo "$last" | sed -E 's/^#([0-9]+): .*oom\/timeout\/crash: ([0-9]+\/[0-9]+\/[0-9]+).*/\1 \2/')
  elif ! grep -q 'seed inputs, starting to fuzz' "$log"; then
    findings+=("libFuzzer did not start: $log")
  fi
  # Coverage: one plain pass over the corpus (-runs=0). Its cov/ft are what a plain libFuzzer run, such as
  # scripts/fuzz.sh, reports; the -fork parent's own "cov" (clang 14) counts differently and is not comparable.
  cov=- ft=-
  if "$bin" -runs=0 "$corpus" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$art/" \
      >"$D/logs/$t.coverage.log" 2>&1; then
    read -r cov ft < <(sed -En 's/^#[0-9]+[[:space:]]+INITED cov: ([0-9]+) ft: ([0-9]+) .*/\1 \2/p' \
      "$D/logs/$t.coverage.log" | tail -1)
  else
    findings+=("the corpus does not replay clean: $D/logs/$t.coverage.log")
  fi
  while IFS= read -r f; do findings+=("$f"); done < <(find "$art" -type f -newer "$marker" | sort)
  if [ "$bad" != 0/0/0 ] && [ "$(find "$art" -type f -newer "$marker" | wc -l)" = 0 ]; then
    findings+=("oom/timeout/crash $bad without an artifact: $log")
  fi
  files=$(find "$corpus" -type f | wc -l)
  kb=$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", (s + 1023) / 1024 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$elapsed" "$execs" "$cov" "$ft" "$files" \
    "${#findings[@]}" >>"$C/history.tsv"
  total=$(awk -F'\t' -v t="$t" '$2 == t { s += $4 } END { print s + 0 }' "$C/history.tsv")
  if ((${#findings[@]})); then
    status=1
    found="**${#findings[@]}** (oom/timeout/crash $bad)"
    for f in "${findings[@]}"; do details+=("- fuzz_$t: $f"); done
  else
    found=none
  fi
  row="| fuzz_$t | $execs | ${elapsed}s | $((execs / elapsed)) | $cov | $ft | $files ($kb KB) | $total | $found |"
  rows+=("$row")
  write_summary >"$summary"
  echo "   $execs execs in ${elapsed}s ($((execs / elapsed))/s), cov $cov ft $ft, corpus $files files, findings: $found"
done

cat "$summary"
exit $status
