#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into OUT/<target>/ (a build tree; nothing here is committed):
#   lexer, parser, rewrite: every query of the shared corpus sets in $FUZZ_SEED_SETS (default tpch tpcds charts)
#     and fuzz/regressions/*.sql;
#   policy: the example policies (examples/**/*.json), fuzz/regressions/*.json and a few hand-made documents;
#   template: the templated clauses of the example policies, fuzz/regressions/*.clause and hand-made clauses, some
#     followed by a NUL and an inline caller (fuzz_template.cc's input format);
#   encoding: every query seed behind the selector byte of LATIN1 (fuzz_encoding.cc's input format: one byte picking
#     the client encoding, then the text), a small query under each listed encoding, hand-made LATIN1 and SJIS texts,
#     fuzzed-name inputs (0xFF, name, NUL, query) and fuzz/regressions/*.enc;
#   http: hand-made requests to rlsqd's endpoints (fuzz_http.cc feeds the raw bytes to Beast and the handler);
#   proxy: hand-made client message sequences after login (fuzz_proxy.cc: a chunk-size byte, then the bytes);
#   every target: the kept corpus fuzz/corpus/<target>/ when there is one (minimized campaign finds).
# Usage: make_seeds.sh CORPUS_DIR SOURCE_DIR OUT
set -euo pipefail
corpus=$1 src=$2 out=$3
rm -rf "$out"
mkdir -p "$out"/{lexer,parser,rewrite,policy,template,encoding,http,proxy}
n=0
files=()
for set in ${FUZZ_SEED_SETS:-tpch tpcds charts}; do files+=("$corpus/$set"/*.sql); done
for f in "${files[@]}" "$src"/fuzz/regressions/*.sql; do
  [ -f "$f" ] || continue
  dir=${f%/*}
  name=${dir##*/}_${f##*/}
  for t in lexer parser rewrite; do cp "$f" "$out/$t/$name"; done
  { printf '\002'; cat "$f"; } > "$out/encoding/latin1_$name"
  n=$((n + 1))
done
m=0
while IFS= read -r f; do
  cp "$f" "$out/policy/$(echo "$f" | tr '/' '_')"
  m=$((m + 1))
done < <(find "$src/examples" "$src/fuzz/regressions" -name '*.json' 2>/dev/null)
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
# Encoding inputs: selector byte (fuzz_encoding.cc's kNames: 0 UTF8, 1 SQL_ASCII, 2 LATIN1, 3 SJIS, ...), then text.
e=0
sel() { printf '%b' "\\0$(printf %03o "$1")"; }
for i in $(seq 0 33); do
  { sel "$i"; printf '%s' "SELECT o_orderkey FROM orders JOIN nation ON o_custkey = n_nationkey WHERE o_comment = 'x'"; } \
    > "$out/encoding/name$i"
  e=$((e + 1))
done
latin1=(
  $'SELECT * FROM orders WHERE o_comment = \'caf\351\' AND o_clerk <> E\'\351\\\\\''
  $'SELECT "\351t\351" FROM customer AS "\374ber" WHERE U&\'\\00e9\' = \'x\377\''
  $'SELECT n_name FROM nation WHERE n_comment LIKE \'%\240%\' -- \337\n'
  $'SELECT 1 FROM orders o, lineitem WHERE o.o_orderkey = l_orderkey AND $$\300$$ = $a$\377$a$'
)
for q in "${latin1[@]}"; do
  { sel 2; printf '%s' "$q"; } > "$out/encoding/latin1_hand$e"
  e=$((e + 1))
done
# The SJIS attack of README "Client encoding": 0x83 0x5C is one character on the server, so the quote ends early.
{ sel 3; printf '%s' $'SELECT * FROM orders WHERE o_comment = E\'\203\\\' OR 1=1 --\''; } > "$out/encoding/sjis_attack"
e=$((e + 1))
for name in utf-8 Shift_JIS ISO_8859_1 windows-1252 EUC-JP x; do
  { printf '\377%s\0' "$name"; printf '%s' "SELECT * FROM customer WHERE c_name = 'a'"; } > "$out/encoding/fuzzname_$name"
  e=$((e + 1))
done
printf '\377%s' "latin-1" > "$out/encoding/fuzzname_fixed_query"
e=$((e + 1))
for f in "$src"/fuzz/regressions/*.enc; do [ -f "$f" ] && cp "$f" "$out/encoding/" && e=$((e + 1)); done
# rlsqd requests: each endpoint, good and bad bodies, a pipelined pair, chunked and 100-continue.
h=0
http_seed() {  # METHOD PATH BODY [extra header line]
  local body=$3
  printf '%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%bContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "${4:-}" "${#body}" "$body" > "$out/http/req$h"
  h=$((h + 1))
}
http_seed POST /v1/rewrite '{"sql": "SELECT n_name FROM nation", "user": "alice"}'
http_seed POST /v1/rewrite '{"sql": "SELECT * FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey", "user": "carol", "explain": true}'
http_seed POST /v1/rewrite '{"sql": "SELECT 1", "caller": {"username": "x", "roles": ["Gamma"], "attributes": {"k": 1}}, "guest_rules": [{"clause": "n_nationkey < 5"}]}'
http_seed POST /v1/rewrite '{"sql": "SELECT * FROM supplier", "user": "dave", "database": "tpch", "search_path": ["public"]}'
http_seed POST /v1/rewrite '{"sql": "SELEC 1", "anonymous": true, "dialect": "postgres"}'
http_seed POST /v1/rewrite '{"sql": "SELECT 1", "user": "nobody"}'
http_seed POST /v1/check '{"user": "alice", "permission": "can_read", "resource": "Dashboard"}'
http_seed GET /v1/policy ''
http_seed POST /v1/reload '' 'Authorization: Bearer abc\r\n'
http_seed GET /readyz ''
http_seed GET /metrics ''
http_seed DELETE /v1/rewrite ''
printf 'GET /livez HTTP/1.1\r\nHost: x\r\n\r\nPOST /v1/rewrite HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}' > "$out/http/pipelined"
printf 'POST /v1/rewrite HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n9\r\n{"sql": 1\r\n1\r\n}\r\n0\r\n\r\n' > "$out/http/chunked"
h=$((h + 2))
# Client messages after login (fuzz_proxy.cc): byte 0 is the chunk size - 1, then protocol messages.
p=$(python3 - "$out/proxy" <<'PY'
import struct, sys
def m(t, body=b""):
    return t.encode() + struct.pack("!i", len(body) + 4) + body
def z(s):
    return s.encode() + b"\0"
seeds = [
    m("Q", z("SELECT count(*) FROM orders")),
    m("Q", z("BEGIN; SELECT n_name FROM nation; DELETE FROM orders; COMMIT")),
    m("Q", z("SET search_path = other, public")) + m("Q", z("SELECT 1 FROM orders")),
    m("P", z("s1") + z("SELECT * FROM orders WHERE o_orderkey = $1") + struct.pack("!hi", 1, 23))
    + m("B", z("") + z("s1") + struct.pack("!hhihh", 0, 1, 1, 0, 0)[:-2] + b"7" + struct.pack("!h", 0))
    + m("D", b"P" + z("")) + m("E", z("") + struct.pack("!i", 0)) + m("S"),
    m("P", z("") + z("DELETE FROM t") + struct.pack("!h", 0)) + m("B", z("") + z("") + struct.pack("!hhh", 0, 0, 0))
    + m("S") + m("Q", z("SELECT 1")),
    m("F", struct.pack("!ihhh", 1234, 0, 0, 0)) + m("Q", z("ROLLBACK")) + m("X"),
]
for i, s in enumerate(seeds):
    open(f"{sys.argv[1]}/s{i}", "wb").write(b"\xff" + s)
open(f"{sys.argv[1]}/truncated", "wb").write(b"\x02" + m("Q", z("SELECT 1")) + b"P\0\0")
print(len(seeds) + 1)
PY
)

# The kept corpora (minimized campaign finds, fuzz/README.md "Campaign").
kept=0
for t in lexer parser rewrite policy template encoding http proxy; do
  [ -d "$src/fuzz/corpus/$t" ] || continue
  for f in "$src/fuzz/corpus/$t"/*; do [ -f "$f" ] && cp "$f" "$out/$t/kept_$(basename "$f")" && kept=$((kept + 1)); done
done
echo "fuzz seeds: $n queries, $((m + 2)) policies, $((k + 2)) template clauses, $((n + e)) encoding inputs," \
  "$h requests, $p proxy sessions, $kept kept corpus files -> $out"
