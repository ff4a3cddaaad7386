#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into OUT/<target>/ (a build tree; nothing here is committed):
#   lexer, parser, rewrite: every query of the shared corpus sets in $FUZZ_SEED_SETS (default tpch tpcds charts)
#     and fuzz/regressions/*.sql;
#   policy: the example policies (examples/**/*.json), fuzz/regressions/*.json and a few hand-made documents.
# Usage: make_seeds.sh CORPUS_DIR SOURCE_DIR OUT
set -euo pipefail
corpus=$1 src=$2 out=$3
rm -rf "$out"
mkdir -p "$out"/{lexer,parser,rewrite,policy}
n=0
files=()
for set in ${FUZZ_SEED_SETS:-tpch tpcds charts}; do files+=("$corpus/$set"/*.sql); done
for f in "${files[@]}" "$src"/fuzz/regressions/*.sql; do
  [ -f "$f" ] || continue
  name=$(echo "$f" | sed 's|.*/\([^/]*\)/\([^/]*\)$|\1_\2|')
  for t in lexer parser rewrite; do cp "$f" "$out/$t/$name"; done
  n=$((n + 1))
done
m=0
for f in $(find "$src/examples" "$src/fuzz/regressions" -name '*.json' 2>/dev/null); do
  cp "$f" "$out/policy/$(echo "$f" | tr '/' '_')"
  m=$((m + 1))
done
cat > "$out/policy/handmade1.json" <<'J'
{"default_schema": "public", "roles": [{"name": "R1"}, {"name": "R2"}],
 "users": [{"username": "u", "roles": ["R1", "R2"]}, {"username": "v", "roles": []}],
 "rls_filters": [
  {"name": "a", "filter_type": "Regular", "tables": ["orders"], "roles": ["R1"], "group_key": "g", "clause": "o_orderkey > 5"},
  {"name": "b", "filter_type": "Regular", "tables": ["public.orders"], "roles": ["R2"], "group_key": "g", "clause": "o_custkey = 1"},
  {"name": "c", "filter_type": "Base", "tables": ["customer", "\"Nation\""], "roles": ["R2"], "clause": "c_custkey IN (1, 2) -- x"}]}
J
cat > "$out/policy/handmade2.json" <<'J'
{"roles": [{"name": "A", "permissions": [["datasource_access", "[db].[public].[orders]"]]}],
 "users": [{"username": "x", "id": 1, "email": "x@y", "roles": ["A"], "attributes": {"k": [1, "2", null, true]}}],
 "rls_filters": [{"name": "f", "filter_type": "Regular", "tables": ["lineitem"], "roles": ["A"], "clause": "l_comment LIKE E'\\\\%'"}]}
J
echo "fuzz seeds: $n queries, $((m + 2)) policies -> $out"
