// Name resolution on the search path, the system-relation rule and the function allow-list (lib/names/resolver.h),
// and the PostgreSQL 15 catalog data behind them (lib/dialect/pg15/).
#include "lib/names/resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {


const Dialect& Pg() { return Dialect::Postgres(); }

absl::StatusOr<NameResolver::Relation> Resolve(const DatabaseModel& m, std::vector<std::string_view> parts,
                                               std::vector<std::string> path = {}) {
  return NameResolver(Pg(), m, path).ResolveRelation(parts);
}

std::string Where(const absl::StatusOr<NameResolver::Relation>& r) {
  return r.ok() ? r->name.schema + "." + r->name.name + (r->system ? " (system)" : "") : r.status().ToString();
}

TEST(CatalogDataTest, Postgres15ListsAreLoaded) {
  const SystemCatalog& c = Pg().catalog();
  EXPECT_GT(c.relations.size(), 150u);
  EXPECT_GT(c.functions.size(), 2000u);
  EXPECT_TRUE(c.relations.contains("pg_catalog.pg_authid"));
  EXPECT_TRUE(c.relations.contains("information_schema.tables"));
  EXPECT_TRUE(c.metadata_relations.contains("pg_catalog.pg_class"));
  EXPECT_TRUE(c.metadata_relations.contains("information_schema.columns"));
  for (const char* secret : {"pg_catalog.pg_authid", "pg_catalog.pg_shadow", "pg_catalog.pg_stats",
                             "pg_catalog.pg_statistic", "pg_catalog.pg_stat_activity", "pg_catalog.pg_largeobject",
                             "pg_catalog.pg_user_mapping", "pg_catalog.pg_file_settings",
                             "pg_catalog.pg_stats_ext", "information_schema.user_mapping_options"})
    EXPECT_FALSE(c.metadata_relations.contains(secret)) << secret;
  EXPECT_TRUE(c.extension_names.contains("pg_stat_statements"));
  EXPECT_EQ(c.functions.at("lower"), FunctionClass::kSafe);
  EXPECT_EQ(c.functions.at("query_to_xml"), FunctionClass::kSqlText);
  EXPECT_EQ(c.functions.at("pg_read_file"), FunctionClass::kFile);
  EXPECT_EQ(c.functions.at("pg_sleep"), FunctionClass::kSleep);
  EXPECT_EQ(c.functions.at("pg_advisory_lock"), FunctionClass::kLock);
  EXPECT_EQ(c.functions.at("set_config"), FunctionClass::kState);
  EXPECT_EQ(c.functions.at("lo_import"), FunctionClass::kLargeObject);
  EXPECT_TRUE(c.IsSystemSchema("pg_toast"));
  EXPECT_TRUE(c.IsSystemSchema("information_schema"));
  EXPECT_FALSE(c.IsSystemSchema("public"));
}

TEST(ResolverTest, PgCatalogComesFirst) {
  DatabaseModel m;  // search_path {public}
  // The bypass of issue 11: unqualified pg_authid is pg_catalog.pg_authid, not public.pg_authid.
  EXPECT_THAT(Resolve(m, {"pg_authid"}), StatusIs(absl::StatusCode::kPermissionDenied, "pg_catalog.pg_authid"));
  EXPECT_THAT(Resolve(m, {"pg_catalog", "pg_authid"}), StatusIs(absl::StatusCode::kPermissionDenied, ""));
  EXPECT_EQ(Where(Resolve(m, {"pg_class"})), "pg_catalog.pg_class (system)");
  EXPECT_EQ(Where(Resolve(m, {"orders"})), "public.orders");
  EXPECT_EQ(Where(Resolve(m, {"sales", "orders"})), "sales.orders");
  // information_schema is not implicit: tables means public.tables unless the path names information_schema.
  EXPECT_EQ(Where(Resolve(m, {"tables"})), "public.tables");
  EXPECT_EQ(Where(Resolve(m, {"tables"}, {"information_schema", "public"})), "information_schema.tables (system)");
}

TEST(ResolverTest, PgCatalogListedLaterIsSearchedThere) {
  DatabaseModel m;
  // search_path public, pg_catalog: pg_class could be public.pg_class; rlsq does not know: it refuses.
  EXPECT_THAT(Resolve(m, {"pg_class"}, {"public", "pg_catalog"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "ambiguous"));
  EXPECT_EQ(Where(Resolve(m, {"orders"}, {"public", "pg_catalog"})), "public.orders");
  m.relations_known = true;
  m.relations = {"public.orders"};
  EXPECT_EQ(Where(Resolve(m, {"pg_class"}, {"public", "pg_catalog"})), "pg_catalog.pg_class (system)");
  m.relations.insert("public.pg_class");
  EXPECT_EQ(Where(Resolve(m, {"pg_class"}, {"public", "pg_catalog"})), "public.pg_class");
}

TEST(ResolverTest, SeveralSchemasNeedTheTableList) {
  DatabaseModel m;
  m.search_path = {"sales", "public"};
  EXPECT_THAT(Resolve(m, {"orders"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "could be sales.orders or public.orders and rlsq does not know which tables exist"));
  EXPECT_EQ(Where(Resolve(m, {"public", "orders"})), "public.orders");
  m.relations_known = true;
  m.relations = {"public.orders", "sales.customer", "public.customer"};
  EXPECT_EQ(Where(Resolve(m, {"orders"})), "public.orders");
  EXPECT_EQ(Where(Resolve(m, {"customer"})), "sales.customer");
  EXPECT_THAT(Resolve(m, {"nope"}), StatusIs(absl::StatusCode::kInvalidArgument, "does not exist"));
}

TEST(ResolverTest, SystemRelations) {
  DatabaseModel m;
  EXPECT_THAT(Resolve(m, {"pg_stats"}), StatusIs(absl::StatusCode::kPermissionDenied, "pg_catalog.pg_stats"));
  EXPECT_THAT(Resolve(m, {"pg_stat_activity"}), StatusIs(absl::StatusCode::kPermissionDenied, ""));
  EXPECT_THAT(Resolve(m, {"pg_largeobject"}), StatusIs(absl::StatusCode::kPermissionDenied, ""));
  EXPECT_THAT(Resolve(m, {"pg_toast", "pg_toast_1259"}), StatusIs(absl::StatusCode::kPermissionDenied, ""));
  EXPECT_THAT(Resolve(m, {"pg_catalog", "no_such_thing"}),
              StatusIs(absl::StatusCode::kPermissionDenied, "not a system relation"));
  EXPECT_THAT(Resolve(m, {"pg_temp", "t"}), StatusIs(absl::StatusCode::kInvalidArgument, "temporary"));
  // Extension relations, in whatever schema the extension was installed.
  EXPECT_THAT(Resolve(m, {"pg_stat_statements"}), StatusIs(absl::StatusCode::kPermissionDenied, "extension"));
  EXPECT_THAT(Resolve(m, {"monitoring", "pg_stat_statements"}), StatusIs(absl::StatusCode::kPermissionDenied, ""));
  EXPECT_EQ(Where(Resolve(m, {"information_schema", "columns"})), "information_schema.columns (system)");
  // The policy grants what it names.
  m.allow_relations = {"pg_catalog.pg_stats", "public.pg_stat_statements"};
  EXPECT_EQ(Where(Resolve(m, {"pg_stats"})), "pg_catalog.pg_stats (system)");
  EXPECT_EQ(Where(Resolve(m, {"pg_stat_statements"})), "public.pg_stat_statements");
  EXPECT_THAT(Resolve(m, {"pg_authid"}), StatusIs(absl::StatusCode::kPermissionDenied, ""));
}

absl::Status Fn(const DatabaseModel& m, std::vector<std::string_view> parts, std::vector<std::string> path = {}) {
  return NameResolver(Pg(), m, path).CheckFunction(parts);
}

TEST(ResolverTest, FunctionsAreAnAllowList) {
  DatabaseModel m;
  for (std::string_view name : {"sum", "count", "lower", "date_trunc", "to_char", "generate_series", "pg_typeof",
                                "current_setting", "row_number", "format_type", "pg_get_viewdef",
                                "has_table_privilege", "version", "pg_backend_pid"}) {
    RLSQ_EXPECT_OK(Fn(m, {name})) << name;
    RLSQ_EXPECT_OK(Fn(m, {"pg_catalog", name})) << name;
  }
  for (std::string_view name :
       {"query_to_xml", "table_to_xml", "cursor_to_xml", "ts_stat", "set_config", "pg_read_file", "pg_ls_dir",
        "pg_stat_file", "lo_import", "lo_export", "loread", "pg_sleep", "pg_terminate_backend", "pg_cancel_backend",
        "pg_reload_conf", "pg_advisory_lock", "pg_try_advisory_lock", "nextval", "setval", "pg_notify",
        "txid_current", "pg_current_xact_id", "setseed", "pg_logical_slot_get_changes", "pg_stat_get_activity"}) {
    EXPECT_THAT(Fn(m, {name}), StatusIs(absl::StatusCode::kInvalidArgument, "is not allowed")) << name;
    EXPECT_THAT(Fn(m, {"pg_catalog", name}), StatusIs(absl::StatusCode::kInvalidArgument, "")) << name;
  }
  // What a deny-list misses: extension and user functions, in any schema.
  for (std::vector<std::string_view> name : std::vector<std::vector<std::string_view>>{
           {"crosstab"}, {"public", "crosstab"}, {"dblink"}, {"cron", "schedule"}, {"get_raw_page"}, {"my_udf"},
           {"public", "lower"}, {"pg_catalog", "no_such_function"}})
    EXPECT_THAT(Fn(m, name), StatusIs(absl::StatusCode::kInvalidArgument, "")) << name.back();
  m.allow_functions = {"public.my_udf"};
  RLSQ_EXPECT_OK(Fn(m, {"my_udf"}));
  RLSQ_EXPECT_OK(Fn(m, {"public", "my_udf"}));
  EXPECT_THAT(Fn(m, {"other", "my_udf"}), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  // Unqualified, with two schemas on the path, it must be allowed in both (either could hold an overload).
  EXPECT_THAT(Fn(m, {"my_udf"}, {"sales", "public"}), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  m.allow_functions.insert("sales.my_udf");
  RLSQ_EXPECT_OK(Fn(m, {"my_udf"}, {"sales", "public"}));
  // A path that lists pg_catalog after a user schema makes built-in names ambiguous.
  EXPECT_THAT(Fn(m, {"lower"}, {"public", "pg_catalog"}), StatusIs(absl::StatusCode::kInvalidArgument, "ambiguous"));
  RLSQ_EXPECT_OK(Fn(m, {"pg_catalog", "lower"}, {"public", "pg_catalog"}));
}

TEST(ResolverTest, OperatorsAreBuiltInOnly) {
  DatabaseModel m;
  NameResolver r(Pg(), m);
  for (std::string_view op : {"+", "-", "=", "<>", "!=", "||", "@>", "~~", "#>>", "^", "AND", "AT TIME ZONE",
                              "OPERATOR(pg_catalog.~)", "OPERATOR(+)"})
    RLSQ_EXPECT_OK(r.CheckOperator(op)) << op;
  for (std::string_view op : {"#~#", "===", "OPERATOR(public.+)", "OPERATOR(\"Ext\".@@)", "OPERATOR(pg_catalog.#~#)"})
    EXPECT_THAT(r.CheckOperator(op), StatusIs(absl::StatusCode::kInvalidArgument, "is not allowed")) << op;
}

// With the policy's lists of user functions, operators and types (`functions`, `operators`, `types`), a built-in
// name that a user schema of the path also defines is refused: PostgreSQL picks overloads by argument types.
TEST(ResolverTest, OverloadsOfBuiltInFunctionsAreRefusedWithTheFunctionList) {
  DatabaseModel m;
  m.search_path = {"sales", "public"};
  // Without the list rlsq assumes no user schema overloads a built-in (README "Overloading").
  RLSQ_EXPECT_OK(Fn(m, {"lower"}));
  m.functions_known = true;
  m.functions = {"public.lower", "sales.fmt", "public.fmt"};
  // public comes after pg_catalog, and its lower(text, integer) still answers lower(x, 1).
  EXPECT_THAT(Fn(m, {"lower"}), StatusIs(absl::StatusCode::kInvalidArgument,
                                         "function lower is ambiguous: public.lower on the search path overloads"));
  RLSQ_EXPECT_OK(Fn(m, {"pg_catalog", "lower"}));
  RLSQ_EXPECT_OK(Fn(m, {"upper"}));
  RLSQ_EXPECT_OK(Fn(m, {"lower"}, {"sales"}));  // a path without public
  // An allowed user function may be the one PostgreSQL picks.
  m.allow_functions = {"public.lower"};
  RLSQ_EXPECT_OK(Fn(m, {"lower"}));
  // A user function name: every schema of the path that defines it must allow it; one that none defines is refused.
  m.allow_functions.insert("sales.fmt");
  EXPECT_THAT(Fn(m, {"fmt"}), StatusIs(absl::StatusCode::kInvalidArgument, "function public.fmt is not allowed"));
  RLSQ_EXPECT_OK(Fn(m, {"fmt"}, {"sales"}));
  m.allow_functions.insert("public.fmt");
  RLSQ_EXPECT_OK(Fn(m, {"fmt"}));
  m.allow_functions.insert("public.gone");
  EXPECT_THAT(Fn(m, {"gone"}), StatusIs(absl::StatusCode::kInvalidArgument, "does not exist on the search path"));
  // Unsafe built-ins stay refused, listed or not.
  EXPECT_THAT(Fn(m, {"pg_read_file"}), StatusIs(absl::StatusCode::kInvalidArgument, "server files"));
}

TEST(ResolverTest, OverloadsOfBuiltInOperatorsAreRefusedWithTheOperatorList) {
  DatabaseModel m;
  m.operators_known = true;
  m.operators = {"public.||", "public.~~", "other.+"};
  NameResolver r(Pg(), m);
  EXPECT_THAT(r.CheckOperator("||"), StatusIs(absl::StatusCode::kInvalidArgument,
                                              "operator || is ambiguous: public.|| on the search path overloads"));
  EXPECT_THAT(r.CheckOperator("OPERATOR(||)"), StatusIs(absl::StatusCode::kInvalidArgument, "ambiguous"));
  RLSQ_EXPECT_OK(r.CheckOperator("OPERATOR(pg_catalog.||)"));
  RLSQ_EXPECT_OK(r.CheckOperator("+"));  // other is not on the path
  RLSQ_EXPECT_OK(r.CheckOperator("AND"));
  EXPECT_THAT(r.CheckImplicitOperator("~~", "LIKE"),
              StatusIs(absl::StatusCode::kInvalidArgument, "LIKE is ambiguous: PostgreSQL runs it as the operator ~~"));
  RLSQ_EXPECT_OK(r.CheckImplicitOperator("=", "IN"));
  // Without the list nothing is known, and nothing is refused for it.
  DatabaseModel unknown;
  RLSQ_EXPECT_OK(NameResolver(Pg(), unknown).CheckOperator("||"));
  RLSQ_EXPECT_OK(NameResolver(Pg(), unknown).CheckImplicitOperator("~~", "LIKE"));
}

absl::Status Type(const DatabaseModel& m, std::vector<std::string_view> parts, bool quoted = false,
                  std::vector<std::string> path = {}) {
  return NameResolver(Pg(), m, path).CheckType(parts, quoted);
}

TEST(ResolverTest, TypesAreBuiltInOrAllowed) {
  DatabaseModel m;
  for (std::string_view t : {"integer", "int", "double precision", "timestamp with time zone", "character varying",
                             "numeric", "interval", "bit varying", "national character"})
    RLSQ_EXPECT_OK(Type(m, {t})) << t;
  for (std::string_view t : {"date", "text", "int4", "jsonb", "regclass", "_int4", "char", "pg_class", "tsvector"})
    RLSQ_EXPECT_OK(Type(m, {t})) << t;
  RLSQ_EXPECT_OK(Type(m, {"pg_catalog", "int8"}));
  RLSQ_EXPECT_OK(Type(m, {"information_schema", "cardinal_number"}));
  RLSQ_EXPECT_OK(Type(m, {"char"}, /*quoted=*/true));  // "char" is pg_catalog's one-byte type
  // A quoted "integer" is a name looked up on the path, and no built-in type is called that.
  EXPECT_THAT(Type(m, {"integer"}, true), StatusIs(absl::StatusCode::kInvalidArgument, "type public.\"integer\""));
  EXPECT_THAT(Type(m, {"pg_catalog", "nope"}), StatusIs(absl::StatusCode::kInvalidArgument, "not a built-in type"));
  // A user type (a domain runs its CHECK, a user cast its function) is refused unless allowed.
  EXPECT_THAT(Type(m, {"mood"}), StatusIs(absl::StatusCode::kInvalidArgument,
                                          "type public.mood is not allowed: it is not a built-in type of postgres"));
  EXPECT_THAT(Type(m, {"public", "mood"}), StatusIs(absl::StatusCode::kInvalidArgument, "allow_types"));
  m.allow_types = {"public.mood"};
  RLSQ_EXPECT_OK(Type(m, {"mood"}));
  RLSQ_EXPECT_OK(Type(m, {"public", "mood"}));
  // Unknown types on a two-schema path: either schema could hold it.
  EXPECT_THAT(Type(m, {"mood"}, false, {"sales", "public"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "type sales.mood"));
  // With the type list, the first schema that holds it decides.
  m.types_known = true;
  m.types = {"public.mood", "sales.other"};
  RLSQ_EXPECT_OK(Type(m, {"mood"}, false, {"sales", "public"}));
  EXPECT_THAT(Type(m, {"other"}, false, {"sales", "public"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "type sales.other is not allowed"));
  EXPECT_THAT(Type(m, {"nothing"}, false, {"sales", "public"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "does not exist on the search path"));
  // Built-in types come from pg_catalog first, whatever the user schemas hold (types have no overloads)...
  m.types.insert("public.text");
  RLSQ_EXPECT_OK(Type(m, {"text"}));
  // ...unless the path lists pg_catalog after them.
  EXPECT_THAT(Type(m, {"text"}, false, {"public", "pg_catalog"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "type public.text is not allowed"));
}

TEST(ResolverTest, SearchPathEntries) {
  EXPECT_EQ(*ParseSearchPathEntry("Sales", Pg()), "sales");
  EXPECT_EQ(*ParseSearchPathEntry("\"Sales\"", Pg()), "Sales");
  EXPECT_THAT(ParseSearchPathEntry("$user", Pg()), StatusIs(absl::StatusCode::kInvalidArgument, "$user"));
  EXPECT_THAT(ParseSearchPathEntry("pg_temp", Pg()), StatusIs(absl::StatusCode::kInvalidArgument, ""));
  EXPECT_THAT(ParseSearchPathEntry("a.b", Pg()), StatusIs(absl::StatusCode::kInvalidArgument, ""));
}

}  // namespace
}  // namespace rlsq
