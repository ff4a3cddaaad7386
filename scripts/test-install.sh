#!/usr/bin/env bash
# The installable library, as a user gets it (issue 12 section 1): installs a build tree into a temporary prefix,
# then builds examples/consumer against that prefix only (find_package(rlsq), shared and static) and a C program
# with pkg-config (shared and --static), runs each on examples/policy.json, and checks what was installed: the
# SONAME, that librlsq.so exports only rlsq_* symbols, and that the public headers name no ANTLR or abseil type.
#   scripts/test-install.sh [BUILD_DIR]     (default build; CTest runs it as install_consumer)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="$(cd "${1:-$ROOT/build}" && pwd)"
WORK="$(mktemp -d /tmp/rlsq-install.XXXXXX)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
PREFIX="$WORK/prefix"
fail() { echo "test-install: $*" >&2; exit 1; }

cmake --install "$B" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "cmake --install failed"; }
LIBDIR="$PREFIX/lib"
[ -f "$PREFIX/include/rlsq/rlsq.h" ] && [ -f "$PREFIX/include/rlsq/rlsq.hpp" ] || fail "headers not installed"
[ -f "$LIBDIR/librlsq.a" ] && [ -L "$LIBDIR/librlsq.so" ] || fail "libraries not installed"
[ -f "$LIBDIR/cmake/rlsq/rlsqConfig.cmake" ] && [ -f "$LIBDIR/pkgconfig/rlsq.pc" ] || fail "package files not installed"
soname="$(readelf -d "$LIBDIR/librlsq.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
[ "$soname" = "librlsq.so.0" ] || fail "SONAME is '$soname', want librlsq.so.0"
nm -D --defined-only "$LIBDIR/librlsq.so" | awk '{print $NF}' >"$WORK/exports"
if grep -v -e '^rlsq_' -e '^RLSQ_0$' "$WORK/exports" >"$WORK/extra"; then
  fail "librlsq.so exports more than the C API: $(head -5 "$WORK/extra" | tr '\n' ' ')"
fi
if grep -n -i -E 'antlr|absl|#include "(lib|rewriter)/' "$PREFIX/include/rlsq/"*; then fail "a public header names an internal type"; fi

POLICY="$ROOT/examples/policy.json"
SQL="SELECT n_name FROM nation"
WANT="SELECT n_name FROM nation WHERE (nation.n_regionkey IN (3, 4))"
check_run() {  # check_run LABEL PROGRAM
  local got
  got="$("$2" "$POLICY" alice "$SQL")" || fail "$1: exit $?"
  [ "$got" = "$WANT" ] || fail "$1: printed '$got', want '$WANT'"
  if "$2" "$POLICY" mallory "$SQL" 2>"$WORK/stderr"; then fail "$1: an unknown user was not refused"; fi
  grep -q mallory "$WORK/stderr" || fail "$1: the refusal does not name the user: $(cat "$WORK/stderr")"
  echo "  ok: $1"
}

for mode in shared static; do
  static=OFF; [ $mode = static ] && static=ON
  cmake -S "$ROOT/examples/consumer" -B "$WORK/consumer-$mode" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$PREFIX" -DRLSQ_CONSUMER_STATIC=$static >"$WORK/consumer-$mode.log" 2>&1 \
    && cmake --build "$WORK/consumer-$mode" >>"$WORK/consumer-$mode.log" 2>&1 \
    || { cat "$WORK/consumer-$mode.log" >&2; fail "examples/consumer ($mode) did not build"; }
  ldd "$WORK/consumer-$mode/consumer" >"$WORK/ldd-$mode"
  if [ $mode = shared ]; then
    grep -q "$LIBDIR/librlsq.so.0" "$WORK/ldd-$mode" || fail "consumer is not linked to the installed librlsq.so.0"
  else
    ! grep -q librlsq "$WORK/ldd-$mode" || fail "the static consumer links librlsq.so"
  fi
  check_run "find_package, C++, $mode" "$WORK/consumer-$mode/consumer"
  check_run "find_package, C, $mode" "$WORK/consumer-$mode/consumer_c"
done

export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
cc -std=c99 -Wall -Werror -o "$WORK/pc_shared" "$ROOT/examples/consumer/main.c" $(pkg-config --cflags --libs rlsq) \
  -Wl,-rpath,"$LIBDIR" || fail "pkg-config (shared) build failed"
check_run "pkg-config, C, shared" "$WORK/pc_shared"
cc -std=c99 -Wall -Werror -static-libgcc -o "$WORK/pc_static" "$ROOT/examples/consumer/main.c" \
  $(pkg-config --cflags rlsq) -Wl,-Bstatic -lrlsq -Wl,-Bdynamic $(pkg-config --static --libs rlsq | sed 's/-lrlsq//') \
  || fail "pkg-config (static) build failed"
ldd "$WORK/pc_static" >"$WORK/ldd-pc-static"
! grep -q librlsq "$WORK/ldd-pc-static" || fail "the pkg-config static program links librlsq.so"
check_run "pkg-config, C, static" "$WORK/pc_static"
echo "test-install: installed tree OK ($PREFIX, removed)"
