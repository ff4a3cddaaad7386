#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into OUT/<target>/ (a build tree; nothing here is committed):
#   lexer, parser, rewrite: every query of the shared corpus sets in $FUZZ_SEED_SETS (default tpch tpcds charts)
#     and fuzz/regressions/*.sql;
#   policy: the example policies (examples/**/*.json), fuzz/regressions/*.json and a few hand-made documents;
#   template: the templated clauses of the example policies, fuzz/regressions/*.clause and hand-made clauses, some
#     followed by a NUL and an inline caller (fuzz_template.cc's input format).
# Usage: make_seeds.sh CORPUS_DIR SOURCE_DIR OUT
set -euo pipefail
corpus=$1 src=$2 out=$3
rm -rf "$out"
mkdir -p "$out"/{lexer,parser,rewrite,policy,template}
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
# Template clauses: from the example policies (one per file), the regressions and by hand.
k=0
while IFS= read -r clause; do
  printf '%s' "$clause" > "$out/template/example$k"; k=$((k + 1))
done < <(grep -ho '"clause": "[^"]*{{[^"]*"' "$src"/examples/*.json | sed 's/^"clause": "//; s/"$//')
for f in "$src"/fuzz/regressions/*.clause; do [ -f "$f" ] && cp "$f" "$out/template/" && k=$((k + 1)); done
hand=(
  "o_clerk = {{ current_username() }}"
  "o_custkey = {{ current_user_id() }} OR o_comment LIKE '%{{ current_user_email() }}%'"
  "o_orderstatus IN {{ user_attr('list') }} AND o_clerk NOT IN {{ current_user_roles() }}"
  "o_totalprice < {{ user_attr('level', 10) }} * 2 AND o_shippriority = {{ user_attr('neg') }}"
  "o_comment = 'a{{ user_attr(\"region\", 'x') }}b' || {{ user_attr('uni') }}"
  "coalesce(o_comment, {{ user_attr('missing', 'none') }}) <> E'\\{{ current_username() }}'"
  "o_orderdate > DATE '1995-01-01' AND {{ user_attr('flag') }} AND {{ user_attr('null') }} IS NULL"
  "o_comment = \$\$ {{ current_username() }} \$\$ AND o_clerk IN ({{ user_attr('region') }}, 'x')"
)
for c in "${hand[@]}"; do printf '%s' "$c" > "$out/template/hand$k"; k=$((k + 1)); done
printf '%s\0%s' "o_clerk = {{ current_username() }} AND o_orderstatus IN {{ user_attr('s') }}" \
  '{"username": "x\u0027y", "roles": ["R"], "attributes": {"s": ["O", "F\u0027--"]}}' > "$out/template/caller1"
printf '%s\0%s' "o_custkey = {{ current_user_id() }}" '{"id": 5, "roles": ["R", "R2"]}' > "$out/template/caller2"
echo "fuzz seeds: $n queries, $((m + 2)) policies, $((k + 2)) template clauses -> $out"
