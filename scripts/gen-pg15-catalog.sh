#!/usr/bin/env bash
# Regenerates rlsq's model of the PostgreSQL 15 catalogs from a throwaway server, and checks the hand-written
# lists against it.
#
# Writes (overwrites), sorted, with `#` header lines naming `SELECT version()` and this script:
#   lib/dialect/pg15/relations.tsv  schema<TAB>name<TAB>relkind of every pg_class relation in pg_catalog and
#                                   information_schema of a fresh cluster (no indexes, toast tables or
#                                   composite types)
#   lib/dialect/pg15/functions.tsv  name<TAB>class of every distinct pg_catalog function name with prokind
#                                   f/a/w; class is `safe` unless lib/dialect/pg15/unsafe_functions.tsv
#                                   (hand review) gives another one
#   lib/dialect/pg15/operators.txt  every distinct pg_catalog operator name, one per line (header lines start
#                                   with "# ", a hash and a space: operator names such as # and #> never do)
#   lib/dialect/pg15/types.tsv      schema<TAB>name of every pg_type row in pg_catalog and information_schema
#                                   (base, array, composite, domain, enum, pseudo and range types)
# Checks (fails with a message naming the offending line):
#   - unsafe_functions.tsv: three TAB-separated fields, a known class, no duplicates, every name a PG 15
#     pg_catalog function;
#   - metadata_relations.txt: every schema.name a relation of relations.tsv, no duplicates, none of the
#     relations that must never be allow-listed (statistics, passwords, activity ...);
#   - extension_relations.txt: well-formed, no duplicates, and no name that is a built-in relation (extension
#     relations are not in a fresh cluster, so they cannot be checked for existence).
#
# Run from anywhere (needs PostgreSQL 15 server binaries; as root the server runs as the `postgres` user):
#   scripts/gen-pg15-catalog.sh
# PG_BIN overrides the binary directory (default /usr/lib/postgresql/15/bin). The server listens only on a Unix
# socket inside a private temporary directory, which is stopped and removed on exit, also on failure.
# Idempotent: the same server build gives byte-identical files. Exit code 0 only when everything succeeded.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/catalog-lib.sh
source "$ROOT/scripts/catalog-lib.sh"
DIALECT_DIR="$ROOT/lib/dialect/pg15"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
SCRIPT_NAME="scripts/gen-pg15-catalog.sh"

RELATIONS="$DIALECT_DIR/relations.tsv"
TYPES="$DIALECT_DIR/types.tsv"
FUNCTIONS="$DIALECT_DIR/functions.tsv"
OPERATORS="$DIALECT_DIR/operators.txt"
UNSAFE="$DIALECT_DIR/unsafe_functions.tsv"
METADATA="$DIALECT_DIR/metadata_relations.txt"
EXTENSION="$DIALECT_DIR/extension_relations.txt"

die() {
  echo "gen-pg15-catalog: $*" >&2
  exit 1
}

for f in initdb pg_ctl psql; do
  [[ -x "$PG_BIN/$f" ]] || die "$PG_BIN/$f not found (set PG_BIN to the PostgreSQL 15 bin directory)"
done
for f in "$UNSAFE" "$METADATA" "$EXTENSION"; do
  [[ -f "$f" ]] || die "missing hand-written file $f"
done

# Commands that touch the cluster run as `postgres` when we are root (initdb refuses root).
as_pg() { as_user postgres "$@"; }

WORK="$(private_workdir rlsq-pg15cat postgres)" || die "cannot create a private work directory"
SERVER_STARTED=0
SERVER_OK=0 # set once the queries are done; later failures are about the files, not the server
cleanup() {
  local rc=$?
  if [[ $SERVER_STARTED -eq 1 ]]; then
    as_pg "$PG_BIN/pg_ctl" stop -D "$WORK/data" -m immediate -w -t 30 >>"$WORK/commands.log" 2>&1 || {
      # Fall back to SIGQUIT (immediate shutdown) of the postmaster we started.
      local pid
      pid="$(head -n1 "$WORK/data/postmaster.pid" 2>/dev/null || true)"
      if [[ -n "$pid" ]]; then
        kill -QUIT "$pid" 2>/dev/null || true
        sleep 1
      fi
    }
  fi
  if [[ $rc -ne 0 && $SERVER_OK -eq 0 && -f "$WORK/server.log" ]]; then
    echo "gen-pg15-catalog: server log tail:" >&2
    tail -n 20 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }

SERVER_STARTED=1
as_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$WORK/data" -l "$WORK/server.log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$WORK' -c port=5432 -c fsync=off" \
  >>"$WORK/commands.log" 2>&1 || die "pg_ctl start failed"

q() {
  "$PG_BIN/psql" -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -h "$WORK" -p 5432 -U postgres -d postgres -c "$1"
}

[[ "$(q 'SHOW server_version_num')" =~ ^15[0-9]{4}$ ]] || die "server is not PostgreSQL 15: $(q 'SELECT version()')"
VERSION="$(q 'SELECT version()')"

TMP_REL="$WORK/relations.tsv"
TMP_FUN="$WORK/functions.tsv"
TMP_NAMES="$WORK/proc_names"

q "SELECT n.nspname, c.relname, c.relkind
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm', 'S', 'f', 'p')
    ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"" >"$WORK/rel_rows"
q "SELECT DISTINCT p.proname COLLATE \"C\"
     FROM pg_catalog.pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND p.prokind IN ('f', 'a', 'w')
    ORDER BY 1" >"$TMP_NAMES"

q "SELECT DISTINCT o.oprname COLLATE \"C\"
     FROM pg_catalog.pg_operator o
    WHERE o.oprnamespace = 'pg_catalog'::pg_catalog.regnamespace
    ORDER BY 1" >"$WORK/operators"

q "SELECT n.nspname COLLATE \"C\", t.typname COLLATE \"C\"
     FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname IN ('pg_catalog', 'information_schema')
    ORDER BY 1, 2" >"$WORK/types"

[[ -s "$WORK/operators" ]] || die "no operators returned"
[[ -s "$WORK/types" ]] || die "no types returned"
[[ -s "$WORK/rel_rows" ]] || die "no relations returned"
[[ -s "$TMP_NAMES" ]] || die "no functions returned"
# The lists must already be in C order (the ORDER BY above); re-sorting would only hide a collation surprise.
sort -c -t $'\t' -k1,1 -k2,2 "$WORK/rel_rows" || die "relations not in C order"
sort -c -u "$TMP_NAMES" || die "function names not unique / not in C order"
SERVER_OK=1

# --- check the hand-written files ---------------------------------------------------------------------------------

# Strip comments (a `#` at line start or after whitespace) and trailing whitespace; skip blank lines.
# Prints "lineno<TAB>content".
strip_comments() {
  awk '{ sub(/(^|[ \t]+)#.*$/, ""); sub(/[ \t]+$/, ""); if ($0 != "") printf "%d\t%s\n", NR, $0 }' "$1"
}

# unsafe_functions.tsv -> "name<TAB>class"
strip_comments "$UNSAFE" | awk -F'\t' -v file="$UNSAFE" -v names="$TMP_NAMES" '
  BEGIN {
    while ((getline n < names) > 0) known[n] = 1
    split("sql_text file network large_object raw_page state lock sleep secret", cl, " ")
    for (i in cl) classes[cl[i]] = 1
    bad = 0
  }
  {
    line = $1
    if (NF != 4) { printf "%s:%d: want name<TAB>class<TAB>reason (one TAB between fields)\n", file, line > "/dev/stderr"; bad = 1; next }
    name = $2; class = $3; reason = $4
    if (name !~ /^[a-z_][a-z0-9_]*$/) { printf "%s:%d: bad function name \"%s\"\n", file, line, name > "/dev/stderr"; bad = 1 }
    if (!(class in classes)) { printf "%s:%d: unknown class \"%s\"\n", file, line, class > "/dev/stderr"; bad = 1 }
    if (reason == "") { printf "%s:%d: empty reason\n", file, line > "/dev/stderr"; bad = 1 }
    if (name in seen) { printf "%s:%d: duplicate \"%s\" (first at line %d)\n", file, line, name, seen[name] > "/dev/stderr"; bad = 1 }
    seen[name] = line
    if (!(name in known)) { printf "%s:%d: \"%s\" is not a PostgreSQL 15 pg_catalog function (prokind f/a/w)\n", file, line, name > "/dev/stderr"; bad = 1 }
    print name "\t" class
  }
  END { exit bad }' >"$WORK/unsafe_classes" || die "$UNSAFE failed the checks above"

awk -F'\t' '{ print $1 "." $2 }' "$WORK/rel_rows" >"$WORK/rel_names"

# metadata_relations.txt: exact schema.name of a built-in relation, never one of the forbidden ones.
strip_comments "$METADATA" | awk -F'\t' -v file="$METADATA" -v rels="$WORK/rel_names" '
  BEGIN { while ((getline r < rels) > 0) known[r] = 1; bad = 0 }
  {
    line = $1; name = $2
    if (name !~ /^(pg_catalog|information_schema)\.[a-z_][a-z0-9_]*$/) {
      printf "%s:%d: want pg_catalog.name or information_schema.name, got \"%s\"\n", file, line, name > "/dev/stderr"; bad = 1; next
    }
    if (name in seen) { printf "%s:%d: duplicate \"%s\" (first at line %d)\n", file, line, name, seen[name] > "/dev/stderr"; bad = 1 }
    seen[name] = line
    if (!(name in known)) { printf "%s:%d: \"%s\" is not a relation of a fresh PostgreSQL 15 cluster\n", file, line, name > "/dev/stderr"; bad = 1 }
    rel = name; sub(/^[^.]*\./, "", rel)
    if (rel ~ /^pg_stat(_|io_|s$|s_|istic$|istic_ext_data$)/ || rel ~ /^(pg_authid|pg_shadow|pg_largeobject|pg_largeobject_metadata|pg_sequences|pg_locks|pg_file_settings|pg_hba_file_rules|pg_ident_file_mappings|pg_config|pg_db_role_setting|pg_subscription|pg_backend_memory_contexts|pg_shmem_allocations|pg_prepared_xacts|pg_prepared_statements|pg_cursors)$/ || rel ~ /^pg_replication_/ || rel ~ /user_mapping/) {
      printf "%s:%d: \"%s\" holds data or secrets and must not be allow-listed\n", file, line, name > "/dev/stderr"; bad = 1
    }
  }
  END { exit bad }' || die "$METADATA failed the checks above"

# extension_relations.txt: name or schema.name; must not be a built-in relation.
strip_comments "$EXTENSION" | awk -F'\t' -v file="$EXTENSION" -v rels="$WORK/rel_names" '
  BEGIN {
    while ((getline r < rels) > 0) { known[r] = 1; bare = r; sub(/^[^.]*\./, "", bare); known_bare[bare] = 1 }
    bad = 0
  }
  {
    line = $1; name = $2
    if (name !~ /^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$/) {
      printf "%s:%d: want name or schema.name, got \"%s\"\n", file, line, name > "/dev/stderr"; bad = 1; next
    }
    if (name in seen) { printf "%s:%d: duplicate \"%s\" (first at line %d)\n", file, line, name, seen[name] > "/dev/stderr"; bad = 1 }
    seen[name] = line
    if ((name ~ /\./ && name in known) || (name !~ /\./ && name in known_bare)) {
      printf "%s:%d: \"%s\" is a built-in PostgreSQL 15 relation, not an extension relation\n", file, line, name > "/dev/stderr"; bad = 1
    }
  }
  END { exit bad }' || die "$EXTENSION failed the checks above"

# --- write the generated files --------------------------------------------------------------------------------------

{
  echo "# $VERSION"
  echo "# Generated by $SCRIPT_NAME from a fresh cluster; do not edit."
  echo "# Relations of pg_catalog and information_schema (relkind r, v, m, S, f, p), sorted: schema<TAB>name<TAB>relkind"
  cat "$WORK/rel_rows"
} >"$TMP_REL"

{
  echo "# $VERSION"
  echo "# Generated by $SCRIPT_NAME from a fresh cluster and unsafe_functions.tsv; do not edit."
  echo "# Distinct pg_catalog function names (prokind f, a, w), sorted: name<TAB>class (safe unless unsafe_functions.tsv says otherwise)"
  awk -F'\t' -v unsafe="$WORK/unsafe_classes" '
    BEGIN { while ((getline l < unsafe) > 0) { split(l, p, "\t"); cls[p[1]] = p[2] } }
    { print $1 "\t" (($1 in cls) ? cls[$1] : "safe") }' "$TMP_NAMES"
} >"$TMP_FUN"

{
  echo "# $VERSION"
  echo "# Generated by $SCRIPT_NAME from a fresh cluster; do not edit."
  echo "# Distinct pg_catalog operator names (pg_operator.oprname), sorted in C order, one per line"
  cat "$WORK/operators"
} >"$WORK/operators.txt"
{
  echo "# $VERSION"
  echo "# Generated by $SCRIPT_NAME from a fresh cluster; do not edit."
  echo "# Types (pg_type) of pg_catalog and information_schema, sorted in C order: schema<TAB>name"
  cat "$WORK/types"
} >"$WORK/types.tsv"
mv -f "$WORK/operators.txt" "$OPERATORS"
mv -f "$WORK/types.tsv" "$TYPES"
mv -f "$TMP_REL" "$RELATIONS"
mv -f "$TMP_FUN" "$FUNCTIONS"
chmod 644 "$RELATIONS" "$FUNCTIONS" "$OPERATORS" "$TYPES"

echo "gen-pg15-catalog: $VERSION"
echo "gen-pg15-catalog: $(grep -vc '^#' "$RELATIONS") relations -> ${RELATIONS#"$ROOT"/}"
echo "gen-pg15-catalog: $(grep -vc '^#' "$OPERATORS") operator names -> ${OPERATORS#"$ROOT"/}"
echo "gen-pg15-catalog: $(grep -vc '^#' "$TYPES") types -> ${TYPES#"$ROOT"/}"
echo "gen-pg15-catalog: $(grep -vc '^#' "$FUNCTIONS") functions ($(wc -l <"$WORK/unsafe_classes") unsafe) -> ${FUNCTIONS#"$ROOT"/}"
