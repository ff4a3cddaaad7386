// Security II (issue 11) on a throwaway PostgreSQL 15 server: for each class of leak, the text the old rlsq produced
// or passed through really reads hidden data on the server, and the engine now refuses it or rewrites it so that
// its rows equal native row-level security.
//
// One server per test process (SetUpTestSuite); every test creates its own NOLOGIN role and native policies for it,
// so the tests are independent of each other and of their order (ctest runs each in its own process).
//
// Native RLS is the oracle as in tests/rewriter/rls_differential_test.cc: the role gets one PERMISSIVE USING (true)
// and one RESTRICTIVE USING (clause) per table; the original query runs as that role, rlsq's rewrite runs as the
// superuser with row_security = off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <string>
#include <vector>

#include "lib/common/str_cat.h"
#include "lib/json/json.h"
#include "rewriter/engine.h"
#include "tests/support/corpus.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PgConnection;
using testing::PgResult;
using testing::PgServer;

constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;
constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// The hidden rows of table `secrets`: ids above 900 hold "the-secret", id 2000 a long value that lives in TOAST.
constexpr const char* kSecretsFilter = "id <= 900";

// A filter of role R (user "u") as policy JSON.
std::string Filter(std::string_view name, std::string_view table, std::string_view clause) {
  std::string out = "{\"name\": ";
  json::AppendString(name, &out);
  out += ", \"filter_type\": \"Regular\", \"roles\": [\"R\"], \"tables\": [";
  json::AppendString(table, &out);
  out += "], \"clause\": ";
  json::AppendString(clause, &out);
  out += "}";
  return out;
}

// A policy with one role R (`permissions`, a JSON list of pairs) held by user "u"; `extra` holds more top-level
// keys, each followed by a comma.
std::string PolicyJson(std::string_view permissions, std::string_view filters, std::string_view extra = "") {
  return Cat("{", extra, R"( "default_database": "tpch", "roles": [{"name": "R", "permissions": [)", permissions,
             R"(]}], "users": [{"username": "u", "roles": ["R"]}], "rls_filters": [)", filters, "]}");
}

constexpr const char* kPublicSchema = R"(["schema_access", "[tpch].[public]"])";
constexpr const char* kAllDatasources = R"(["all_datasource_access", "all_datasource_access"])";

std::unique_ptr<Engine> MakeEngine(const std::string& json) {
  auto e = Engine::FromPolicyJson(json);
  EXPECT_TRUE(e.ok()) << e.status() << "\n" << json;
  return e.ok() ? std::move(*e) : nullptr;
}

absl::StatusOr<Rewrite> RewriteFor(const Engine& engine, std::string_view sql, RewriteOptions options = {}) {
  options.verify = true;
  return engine.rewrite(sql, Caller{"u"}, options);
}

// The first cell of the first row ("<none>" when there is none, "<NULL>" for NULL).
std::string Cell(const absl::StatusOr<PgResult>& r) {
  if (!r.ok()) return Cat("<error ", r.status().ToString(), ">");
  if (r->rows.empty() || r->rows[0].empty()) return "<none>";
  return r->rows[0][0] ? *r->rows[0][0] : "<NULL>";
}

class SecurityPgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::unique_ptr<PgServer> server;
    std::unique_ptr<PgConnection> db;
    RLSQ_ASSERT_OK(testing::StartTpchWithProbe(&server, &db));
    server_ = server.release();
    db_ = db.release();
    // A table whose hidden rows (id > 900 under kSecretsFilter) hold a value that must not leak; EXTERNAL storage
    // keeps the long value uncompressed in its TOAST table. ANALYZE puts its most common value into pg_stats.
    RLSQ_ASSERT_OK(db_->Exec(
        "CREATE TABLE secrets (id integer PRIMARY KEY, label text NOT NULL);"
        "ALTER TABLE secrets ALTER COLUMN label SET STORAGE EXTERNAL;"
        "INSERT INTO secrets SELECT i, CASE WHEN i > 900 THEN 'the-secret' ELSE 'public-' || (i % 50) END "
        "  FROM generate_series(1, 1000) i;"
        "INSERT INTO secrets VALUES (2000, 'the-secret:' || repeat('x', 4000));"
        "ANALYZE secrets;"
        "CREATE TABLE words (id integer PRIMARY KEY, w text NOT NULL);"
        "INSERT INTO words VALUES (1, 'café'), (2, 'cafe'), (3, 'thé'), (4, 'café');"
        "CREATE SCHEMA sales;"
        // sales.orders: other rows than public.orders (every third order, priorities rotated).
        "CREATE TABLE sales.orders AS SELECT o_orderkey, o_custkey, o_orderstatus, o_totalprice, o_orderdate, "
        "  CASE o_orderpriority WHEN '1-URGENT' THEN '2-HIGH' WHEN '2-HIGH' THEN '1-URGENT' "
        "    ELSE o_orderpriority END AS o_orderpriority, o_clerk, o_shippriority, o_comment "
        "  FROM public.orders WHERE o_orderkey % 3 = 0;"
        "ANALYZE sales.orders;"));
  }
  static void TearDownTestSuite() {
    delete db_;
    delete server_;
    db_ = nullptr;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(db_, nullptr); }

  // A NOLOGIN role that may read every table of public and sales, with a PERMISSIVE USING (true) policy on each:
  // a table on which another test enabled row-level security still shows it every row until NativePolicy adds a
  // RESTRICTIVE one for it.
  static void CreateRole(std::string_view role) {
    RLSQ_ASSERT_OK(db_->Exec(
        Cat("CREATE ROLE ", role, " NOLOGIN; GRANT USAGE ON SCHEMA public, sales TO ", role,
            "; GRANT SELECT ON ALL TABLES IN SCHEMA public, sales TO ", role, "; ",
            "DO $$ DECLARE t record; BEGIN FOR t IN SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname IN ('public', 'sales') LOOP EXECUTE format('CREATE POLICY %I ON %I.%I AS PERMISSIVE FOR "
            "SELECT TO %I USING (true)', '",
            role, "_all', t.schemaname, t.tablename, '", role, "'); END LOOP; END $$;")));
  }
  // The native counterpart of one rlsq filter on `table` for `role` (made by CreateRole).
  static void NativePolicy(std::string_view role, std::string_view table, std::string_view clause) {
    RLSQ_ASSERT_OK(db_->Exec(Cat("ALTER TABLE ", table, " ENABLE ROW LEVEL SECURITY; CREATE POLICY ", role, "_f ON ",
                                 table, " AS RESTRICTIVE FOR SELECT TO ", role, " USING (", clause, ");")));
  }
  // The rows of `rewritten` (row_security off) equal those of `original` as `role` under native RLS.
  static void ExpectSameRowsAsNative(std::string_view role, std::string_view original, std::string_view rewritten) {
    auto native = db_->QueryAsRole(role, original);
    ASSERT_TRUE(native.ok()) << native.status() << "\n" << original;
    auto actual = db_->QueryWithoutRowSecurity(rewritten);
    ASSERT_TRUE(actual.ok()) << actual.status() << "\n" << rewritten;
    EXPECT_EQ(native->SortedRows(), actual->SortedRows()) << "rewrite:\n"
                                                          << rewritten << "\nnative rows:\n"
                                                          << native->ToString() << "\nrewrite rows:\n"
                                                          << actual->ToString();
  }

  static PgServer* server_;
  static PgConnection* db_;
};

PgServer* SecurityPgTest::server_ = nullptr;
PgConnection* SecurityPgTest::db_ = nullptr;

// ---------------------------------------------------------------------------------------------------------------
// 1. Name resolution is PostgreSQL's.

TEST_F(SecurityPgTest, UnqualifiedPgAuthidIsPgCatalogsAndRefused) {
  RLSQ_ASSERT_OK(db_->Exec("CREATE ROLE victim LOGIN PASSWORD 'hunter2'"));
  const std::string sql = "SELECT rolname, rolpassword FROM pg_authid";

  // The leak: the old rlsq resolved `pg_authid` to public.pg_authid, which schema_access on [tpch].[public] grants,
  // and passed the text through. PostgreSQL looks in pg_catalog first and returns the password hash.
  auto leaked = db_->Query(sql + " WHERE rolname = 'victim'");
  ASSERT_TRUE(leaked.ok()) << leaked.status();
  ASSERT_EQ(leaked->rows.size(), 1u);
  ASSERT_TRUE(leaked->rows[0][1].has_value());
  EXPECT_THAT(*leaked->rows[0][1], ::testing::StartsWith("SCRAM-SHA-256$"));
  EXPECT_EQ(Cell(db_->Query("SELECT to_regclass('public.pg_authid') IS NULL, "
                            "'pg_authid'::regclass = 'pg_catalog.pg_authid'::regclass")),
            "t");  // there is no public.pg_authid; the name is pg_catalog's

  auto engine = MakeEngine(PolicyJson(kPublicSchema, ""));
  ASSERT_NE(engine, nullptr);
  auto granted_public = engine->can(Caller{"u"}, "schema_access", "[tpch].[public]");
  ASSERT_TRUE(granted_public.ok()) << granted_public.status();
  EXPECT_TRUE(*granted_public);
  for (std::string q :
       {sql, sql + " WHERE rolname = 'victim'", std::string("SELECT rolpassword FROM pg_catalog.pg_authid"),
        std::string("SELECT * FROM PG_AUTHID a JOIN orders o ON true")}) {
    SCOPED_TRACE(q);
    EXPECT_THAT(RewriteFor(*engine, q),
                StatusIs(kDenied,
                         "reading pg_catalog.pg_authid is not allowed: it is a system relation that holds "
                         "more than metadata"));
  }
  // pg_shadow and pg_user_mappings read the same credentials.
  EXPECT_THAT(RewriteFor(*engine, "SELECT usename, passwd FROM pg_shadow"),
              StatusIs(kDenied, "reading pg_catalog.pg_shadow is not allowed"));
  ASSERT_TRUE(db_->Query("SELECT usename, passwd FROM pg_shadow WHERE passwd LIKE 'SCRAM%'").ok());

  // A grant for every dataset is not a grant for the catalogs.
  auto all = MakeEngine(PolicyJson(kAllDatasources, ""));
  ASSERT_NE(all, nullptr);
  EXPECT_THAT(RewriteFor(*all, sql), StatusIs(kDenied, "reading pg_catalog.pg_authid is not allowed"));

  // What the old resolution granted really is public.pg_authid, which does not exist: rlsq passes it (a user table
  // of public) and the server refuses it; the real catalog is never read under that name.
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite qualified, RewriteFor(*engine, "SELECT rolname FROM public.pg_authid"));
  EXPECT_THAT(db_->Query(qualified.sql), StatusIs(kInvalid, "relation \"public.pg_authid\" does not exist"));
}

TEST_F(SecurityPgTest, SearchPathIsResolvedAsTheServerDoes) {
  CreateRole("r_path");
  // Native RLS on sales.orders for r_path; rlsq has the same filter on sales.orders and another one on
  // public.orders, so resolving to the wrong schema would give other rows.
  constexpr const char* kSalesClause = "o_orderpriority = '1-URGENT'";
  constexpr const char* kPublicClause = "o_orderpriority = '5-LOW'";
  NativePolicy("r_path", "sales.orders", kSalesClause);
  const std::string filters = Cat(Filter("sales_urgent", "sales.orders", kSalesClause), ", ",
                                  Filter("public_low", "public.orders", kPublicClause));
  const std::string perms = Cat(kPublicSchema, R"(, ["schema_access", "[tpch].[sales]"])");
  const std::string query = "SELECT o_orderpriority, count(*), sum(o_totalprice) FROM orders GROUP BY 1";

  // Without the relations that exist, `orders` could be sales.orders or public.orders: refused, not guessed.
  auto unknown = MakeEngine(PolicyJson(perms, filters, R"("search_path": ["sales", "public"],)"));
  ASSERT_NE(unknown, nullptr);
  EXPECT_THAT(RewriteFor(*unknown, query),
              StatusIs(kInvalid,
                       "relation orders is ambiguous on the search path (pg_catalog, sales, public): it "
                       "could be sales.orders or public.orders and rlsq does not know which tables exist"));
  // A qualified name is exact even then.
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite qualified, RewriteFor(*unknown, "SELECT count(*) FROM sales.orders"));
  EXPECT_THAT(qualified.sql, HasSubstr(kSalesClause));

  // With the relations listed, `orders` is sales.orders, as on the server under SET search_path = sales, public.
  auto known = MakeEngine(PolicyJson(
      perms, filters,
      R"("search_path": ["sales", "public"], "relations": ["sales.orders", "public.orders", "public.customer",
         "public.lineitem", "public.nation", "public.region", "public.part", "public.partsupp", "public.supplier"],)"));
  ASSERT_NE(known, nullptr);
  RewriteOptions explain;
  explain.explain = true;
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, RewriteFor(*known, query, explain));
  ASSERT_EQ(r.reads.size(), 1u);
  EXPECT_EQ(r.reads[0].table.schema, "sales");
  EXPECT_THAT(r.sql, HasSubstr(kSalesClause));
  EXPECT_THAT(r.sql, Not(HasSubstr(kPublicClause)));

  RLSQ_ASSERT_OK(db_->Exec("SET search_path = sales, public"));
  // The server reads sales.orders for `orders` under that path (the two tables differ).
  EXPECT_EQ(Cell(db_->Query("SELECT count(*) FROM orders")), Cell(db_->Query("SELECT count(*) FROM sales.orders")));
  EXPECT_NE(Cell(db_->Query("SELECT count(*) FROM orders")), Cell(db_->Query("SELECT count(*) FROM public.orders")));
  ExpectSameRowsAsNative("r_path", query, r.sql);
  // The filter changes the result (the comparison is not vacuous).
  EXPECT_NE(db_->Query(query)->SortedRows(), db_->QueryWithoutRowSecurity(r.sql)->SortedRows());
  RLSQ_ASSERT_OK(db_->Exec("RESET search_path"));

  // The connection's own path (RewriteOptions::search_path) reorders the lookup: public first means public.orders.
  RewriteOptions public_first = explain;
  public_first.search_path = {"public", "sales"};
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite p, RewriteFor(*known, query, public_first));
  ASSERT_EQ(p.reads.size(), 1u);
  EXPECT_EQ(p.reads[0].table.schema, "public");
  EXPECT_THAT(p.sql, HasSubstr(kPublicClause));
}

// ---------------------------------------------------------------------------------------------------------------
// 2. System relations are data.

TEST_F(SecurityPgTest, StatisticsAndOtherSystemRelationsAreRefused) {
  const std::string stats =
      "SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'secrets' AND attname = 'label'";
  auto engine = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter)));
  ASSERT_NE(engine, nullptr);

  // rlsq hides the rows of secrets...
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite direct,
                            RewriteFor(*engine, "SELECT count(*) FROM secrets WHERE label LIKE 'the-secret%'"));
  EXPECT_EQ(Cell(db_->Query(direct.sql)), "0");
  // ...but pg_stats (passed through by the old rlsq as public.pg_stats) holds the hidden value.
  EXPECT_THAT(Cell(db_->Query(stats)), HasSubstr("the-secret"));
  // Native RLS hides pg_stats rows of a table whose RLS is active for the reader; rewrite-based RLS cannot.
  CreateRole("r_stats");
  NativePolicy("r_stats", "secrets", kSecretsFilter);
  EXPECT_EQ(Cell(db_->QueryAsRole("r_stats", stats)), "<none>");

  EXPECT_THAT(RewriteFor(*engine, stats),
              StatusIs(kDenied,
                       "reading pg_catalog.pg_stats is not allowed: it is a system relation that holds more "
                       "than metadata (other tables' values, credentials, server activity or files)"));
  for (const char* table : {"pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic", "pg_stat_activity", "pg_largeobject",
                            "pg_catalog.pg_stats", "pg_file_settings", "pg_hba_file_rules"}) {
    SCOPED_TRACE(table);
    std::string name = std::string(table).find('.') == std::string::npos ? Cat("pg_catalog.", table) : table;
    EXPECT_THAT(RewriteFor(*engine, Cat("SELECT * FROM ", table)),
                StatusIs(kDenied, Cat("reading ", name, " is not allowed")));
    ASSERT_TRUE(db_->Query(Cat("SELECT * FROM ", table, " LIMIT 1")).ok());  // they exist on the server
  }
  // In a subquery, a CTE or a scalar subquery it is the same read.
  EXPECT_THAT(RewriteFor(*engine, "WITH s AS (SELECT * FROM pg_stats) SELECT count(*) FROM s"),
              StatusIs(kDenied, "pg_catalog.pg_stats"));
  EXPECT_THAT(RewriteFor(*engine, "SELECT (SELECT query FROM pg_stat_activity LIMIT 1) FROM secrets"),
              StatusIs(kDenied, "pg_catalog.pg_stat_activity"));

  // The TOAST table of secrets holds the hidden long value in its chunks; named by its qualified name it is refused.
  const std::string toast =
      Cell(db_->Query("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'secrets'"));
  ASSERT_THAT(toast, ::testing::StartsWith("pg_toast.pg_toast_"));
  const std::string chunks =
      Cat("SELECT position('the-secret' in convert_from(string_agg(chunk_data, ''::bytea ORDER BY "
          "chunk_id, chunk_seq), 'UTF8')) > 0 FROM ",
          toast);
  EXPECT_EQ(Cell(db_->Query(chunks)), "t");
  EXPECT_THAT(RewriteFor(*engine, chunks), StatusIs(kDenied, Cat("reading ", toast, " is not allowed")));

  // all_datasource_access grants datasets, not these.
  auto all = MakeEngine(PolicyJson(kAllDatasources, Filter("visible", "secrets", kSecretsFilter)));
  ASSERT_NE(all, nullptr);
  EXPECT_THAT(RewriteFor(*all, stats), StatusIs(kDenied, "reading pg_catalog.pg_stats is not allowed"));
  EXPECT_THAT(RewriteFor(*all, "SELECT rolpassword FROM pg_authid"),
              StatusIs(kDenied, "reading pg_catalog.pg_authid is not allowed"));

  // The policy can grant a system relation explicitly: then it runs unchanged (and unfiltered).
  auto granted = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter),
                                       R"("allow_relations": ["pg_catalog.pg_stats"],)"));
  ASSERT_NE(granted, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite g, RewriteFor(*granted, stats));
  EXPECT_FALSE(g.changed);
  EXPECT_EQ(g.sql, stats);
  EXPECT_THAT(Cell(db_->Query(g.sql)), HasSubstr("the-secret"));
  EXPECT_THAT(RewriteFor(*granted, "SELECT * FROM pg_stats_ext"), StatusIs(kDenied, "pg_catalog.pg_stats_ext"));
}

TEST_F(SecurityPgTest, DriverMetadataQueriesRunUnchanged) {
  // A caller with access to one table only: metadata needs no data permission.
  auto engine = MakeEngine(PolicyJson(R"(["datasource_access", "[tpch].[public].[secrets]"])",
                                      Filter("visible", "secrets", kSecretsFilter)));
  ASSERT_NE(engine, nullptr);
  struct Case {
    const char* sql;
    const char* expect;  // a value some row holds
  };
  const Case cases[] = {
      // psql 15 \dt (psql -E)
      {"SELECT n.nspname as \"Schema\",\n"
       "  c.relname as \"Name\",\n"
       "  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN "
       "'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN "
       "'partitioned table' WHEN 'I' THEN 'partitioned index' END as \"Type\",\n"
       "  pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\"\n"
       "FROM pg_catalog.pg_class c\n"
       "     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
       "     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam\n"
       "WHERE c.relkind IN ('r','p','')\n"
       "      AND n.nspname <> 'pg_catalog'\n"
       "      AND n.nspname !~ '^pg_toast'\n"
       "      AND n.nspname <> 'information_schema'\n"
       "  AND pg_catalog.pg_table_is_visible(c.oid)\n"
       "ORDER BY 1,2;",
       "secrets"},
      // SQLAlchemy 1.4 first connect and inspector
      {"SELECT t.oid, typarray FROM pg_type t JOIN pg_namespace ns ON typnamespace = ns.oid WHERE typname = 'hstore'",
       nullptr},
      {"select pg_catalog.version()", "PostgreSQL 15"},
      {"select current_schema()", "public"},
      {"SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%'", "sales"},
      {"SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
       "AND c.relkind in ('r','p')",
       "orders"},
      // Superset's catalog list, and a column listing through information_schema
      {"SELECT datname FROM pg_database WHERE datistemplate = false;", "tpch"},
      {"SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND "
       "table_name = 'orders' ORDER BY ordinal_position",
       "o_orderkey"},
      {"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", "lineitem"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    auto r = RewriteFor(*engine, c.sql);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->changed);
    EXPECT_EQ(r->sql, c.sql);
    auto rows = db_->Query(r->sql);
    ASSERT_TRUE(rows.ok()) << rows.status();
    if (!c.expect) continue;
    bool found = false;
    for (const auto& row : rows->rows)
      for (const auto& cell : row) found = found || (cell && cell->find(c.expect) != std::string::npos);
    EXPECT_TRUE(found) << "no cell holds " << c.expect << ":\n" << rows->ToString();
  }
  // A metadata query joined with a user table still filters the user table.
  RLSQ_ASSERT_OK_AND_ASSIGN(
      Rewrite mixed,
      RewriteFor(*engine, "SELECT count(*) FROM secrets s JOIN pg_class c ON c.relname = 'secrets' WHERE s.id > 900"));
  EXPECT_TRUE(mixed.changed);
  EXPECT_EQ(Cell(db_->Query(mixed.sql)), "0");
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Functions: an allow-list.

TEST_F(SecurityPgTest, FunctionsThatRunSqlTextAreRefused) {
  RLSQ_ASSERT_OK(db_->Exec("CREATE EXTENSION IF NOT EXISTS tablefunc"));
  RLSQ_ASSERT_OK(
      db_->Exec("CREATE FUNCTION public.my_safe_fn(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';"
                "CREATE FUNCTION public.run_sql(q text) RETURNS SETOF text LANGUAGE plpgsql AS "
                "$$ BEGIN RETURN QUERY EXECUTE q; END $$;"));
  auto engine = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter)));
  ASSERT_NE(engine, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite direct, RewriteFor(*engine, "SELECT count(*) FROM secrets WHERE id > 900"));
  EXPECT_EQ(Cell(db_->Query(direct.sql)), "0");  // the rows are hidden...

  // ...but crosstab runs the SQL text it is given: the old deny-list had not heard of it, the query names no
  // table, so it was passed through, and the server returns the hidden rows. (crosstab2 is tablefunc's form with a
  // declared row type; the generic crosstab(text) needs a column definition list, `AS t(a text, b text)`, which
  // rlsq's grammar does not parse: refused either way.)
  const std::string crosstab =
      "SELECT * FROM crosstab2('SELECT label, ''c''::text, label FROM secrets WHERE id > 900 ORDER BY 1')";
  auto leaked = db_->Query(crosstab);
  ASSERT_TRUE(leaked.ok()) << leaked.status();
  EXPECT_THAT(leaked->ToString(), HasSubstr("the-secret"));
  EXPECT_THAT(RewriteFor(*engine, crosstab),
              StatusIs(kInvalid, "function crosstab2 is not allowed: it is not a built-in function of postgres"));
  EXPECT_THAT(RewriteFor(*engine, "SELECT * FROM public.crosstab('SELECT 1', 'SELECT 1')"),
              StatusIs(kInvalid, "function public.crosstab is not allowed"));
  EXPECT_THAT(RewriteFor(*engine, "SELECT crosstab2('SELECT 1')"),
              StatusIs(kInvalid, "function crosstab2 is not allowed"));
  const std::string coldef =
      "SELECT * FROM crosstab('SELECT label, ''c''::text, label FROM secrets ORDER BY 1') AS t(row_name text, c text)";
  ASSERT_TRUE(db_->Query(coldef).ok());
  EXPECT_THAT(RewriteFor(*engine, coldef), StatusIs(kInvalid, ""));
  // A user's plpgsql function that EXECUTEs its argument is the same leak.
  const std::string run_sql = "SELECT * FROM run_sql('SELECT label FROM secrets WHERE id > 900')";
  EXPECT_EQ(Cell(db_->Query(run_sql)), "the-secret");
  EXPECT_THAT(RewriteFor(*engine, run_sql), StatusIs(kInvalid, "function run_sql is not allowed"));

  // query_to_xml: a built-in that runs SQL text (unsafe in the catalog's review).
  const std::string xml = "SELECT query_to_xml('select * from secrets', true, true, '')";
  EXPECT_THAT(Cell(db_->Query(xml)), HasSubstr("the-secret"));
  EXPECT_THAT(RewriteFor(*engine, xml), StatusIs(kInvalid, "function pg_catalog.query_to_xml is not allowed"));
  EXPECT_THAT(RewriteFor(*engine, "SELECT pg_catalog.query_to_xml('select 1', true, true, '')"),
              StatusIs(kInvalid, "function pg_catalog.query_to_xml is not allowed"));

  // A user function is refused unless the policy allows it by schema and name.
  const std::string safe = "SELECT public.my_safe_fn(id) FROM secrets";
  EXPECT_THAT(RewriteFor(*engine, safe), StatusIs(kInvalid, "function public.my_safe_fn is not allowed"));
  auto allowing = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter),
                                        R"("allow_functions": ["public.my_safe_fn"],)"));
  ASSERT_NE(allowing, nullptr);
  CreateRole("r_fn");
  NativePolicy("r_fn", "secrets", kSecretsFilter);
  for (const std::string& q : {safe, std::string("SELECT max(my_safe_fn(id)) FROM secrets")}) {
    SCOPED_TRACE(q);
    RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, RewriteFor(*allowing, q));
    EXPECT_TRUE(r.changed);
    ExpectSameRowsAsNative("r_fn", q, r.sql);
  }
  EXPECT_EQ(Cell(db_->QueryWithoutRowSecurity(RewriteFor(*allowing, "SELECT max(my_safe_fn(id)) FROM secrets")->sql)),
            "901");
  // Allowing one function allows no other.
  EXPECT_THAT(RewriteFor(*allowing, crosstab), StatusIs(kInvalid, "function crosstab2 is not allowed"));
  EXPECT_THAT(RewriteFor(*allowing, run_sql), StatusIs(kInvalid, "function run_sql is not allowed"));
}

// An operator is a call of the function behind it: a user operator over a SQL-running function is the same leak.
TEST_F(SecurityPgTest, UserOperatorsAreRefused) {
  RLSQ_ASSERT_OK(db_->Exec(
      "CREATE FUNCTION public.first_of(q text, n integer) RETURNS text LANGUAGE plpgsql AS "
      "$$DECLARE r text; BEGIN EXECUTE q INTO r; RETURN r; END$$;"
      "CREATE OPERATOR public.#~# (LEFTARG = text, RIGHTARG = integer, FUNCTION = public.first_of);"));
  auto engine = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter)));
  ASSERT_NE(engine, nullptr);
  for (const std::string& q : {std::string("SELECT 'SELECT label FROM secrets WHERE id > 900' #~# 1"),
                               std::string("SELECT 'SELECT label FROM secrets WHERE id > 900' OPERATOR(public.#~#) 1")}) {
    SCOPED_TRACE(q);
    EXPECT_EQ(Cell(db_->Query(q)), "the-secret");  // the server runs the text
    EXPECT_THAT(RewriteFor(*engine, q), StatusIs(kInvalid, "is not allowed"));
  }
  EXPECT_THAT(RewriteFor(*engine, "SELECT 'x' #~# 1"),
              StatusIs(kInvalid, "1:8: operator #~# is not allowed: it is not a built-in operator of postgres"));
  EXPECT_THAT(RewriteFor(*engine, "SELECT 1 OPERATOR(public.+) 1"),
              StatusIs(kInvalid, "operator OPERATOR(public.+) is not allowed"));
  // Built-in operators, also spelled with OPERATOR(pg_catalog.op) as psql does, run unchanged.
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite ok, RewriteFor(*engine, "SELECT count(*) FROM pg_class WHERE relname "
                                                            "OPERATOR(pg_catalog.~) '^pg_' AND 2 ^ 3 > 1 AND 1 != 2"));
  EXPECT_FALSE(ok.changed);
  EXPECT_TRUE(db_->Query(ok.sql).ok());
}

// Overloading: PostgreSQL picks a function or operator by name and argument types across every schema of the
// path, so a user object spelled like a built-in answers the built-in's call. With the catalog's lists of user
// functions, operators and types (scripts/pg-catalog-lists.sql, the policy keys `functions`, `operators`, `types`),
// rlsq refuses the built-in name wherever a user schema of the path also defines it.
TEST_F(SecurityPgTest, OverloadsOfBuiltInNamesAreRefusedWithTheCatalogLists) {
  RLSQ_ASSERT_OK(db_->Exec(
      "CREATE FUNCTION public.run_text(q text, n integer) RETURNS text LANGUAGE plpgsql AS "
      "$$DECLARE r text; BEGIN EXECUTE q INTO r; RETURN r; END$$;"
      "CREATE FUNCTION public.lower(q text, n integer) RETURNS text LANGUAGE sql AS $$SELECT public.run_text(q, n)$$;"
      "CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = integer, FUNCTION = public.run_text);"
      "CREATE OPERATOR public.~~ (LEFTARG = text, RIGHTARG = integer, FUNCTION = public.run_text);"));
  const std::string hidden = "'SELECT label FROM secrets WHERE id > 900'";
  const std::vector<std::string> overloads = {
      Cat("SELECT lower(", hidden, ", 1)"),  // public.lower(text, integer), although pg_catalog comes first
      Cat("SELECT ", hidden, " || 1"),       // public.||(text, integer) beats pg_catalog.||(text, anynonarray)
      Cat("SELECT ", hidden, " LIKE 1"),     // LIKE is the operator ~~
  };
  // Without the lists rlsq cannot see the overloads: it rewrites nothing (no table is read), and the server runs
  // the text. This is the gap the lists close.
  auto blind = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter)));
  ASSERT_NE(blind, nullptr);
  for (const std::string& q : overloads) {
    SCOPED_TRACE(q);
    RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, RewriteFor(*blind, q));
    EXPECT_FALSE(r.changed);
    EXPECT_EQ(Cell(db_->Query(r.sql)), "the-secret");
  }
  // The lists, straight from this server's catalogs.
  auto lists = db_->Query(testing::ReadFileOrDie(RLSQ_SOURCE_DIR "/scripts/pg-catalog-lists.sql"));
  std::string object = Cell(lists);
  ASSERT_TRUE(object.size() > 2 && object.front() == '{' && object.back() == '}') << object;
  EXPECT_THAT(object, HasSubstr("\"public.lower\""));
  EXPECT_THAT(object, HasSubstr("\"public.||\""));
  EXPECT_THAT(object, HasSubstr("\"public.secrets\""));
  auto engine = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter),
                                      Cat(object.substr(1, object.size() - 2), ",")));
  ASSERT_NE(engine, nullptr);
  EXPECT_THAT(RewriteFor(*engine, overloads[0]),
              StatusIs(kInvalid, "1:8: function lower is ambiguous: public.lower on the search path overloads the "
                                 "built-in function"));
  EXPECT_THAT(RewriteFor(*engine, overloads[1]),
              StatusIs(kInvalid, "operator || is ambiguous: public.|| on the search path overloads the built-in"));
  EXPECT_THAT(RewriteFor(*engine, overloads[2]),
              StatusIs(kInvalid, "LIKE is ambiguous: PostgreSQL runs it as the operator ~~"));
  // The built-ins stay reachable, qualified; names no user schema defines are untouched; the table is filtered.
  for (const std::string& q : {Cat("SELECT pg_catalog.lower('ABC') OPERATOR(pg_catalog.||) 'd'"),
                               std::string("SELECT upper(label) FROM secrets WHERE label ILIKE 'the%' OR id < 3")}) {
    SCOPED_TRACE(q);
    RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, RewriteFor(*engine, q));
    auto rows = db_->QueryWithoutRowSecurity(r.sql);
    ASSERT_TRUE(rows.ok()) << rows.status() << "\n" << r.sql;
    EXPECT_THAT(rows->ToString(), Not(HasSubstr("THE-SECRET")));
  }
  EXPECT_EQ(Cell(db_->Query(RewriteFor(*engine, "SELECT pg_catalog.lower('ABC') OPERATOR(pg_catalog.||) 'd'")->sql)),
            "abcd");
  // The user function itself, when the policy allows it, is the caller's to run.
  auto allowing = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter),
                                        Cat(object.substr(1, object.size() - 2), R"(, "allow_functions": ["public.lower"],)")));
  ASSERT_NE(allowing, nullptr);
  RLSQ_EXPECT_OK(RewriteFor(*allowing, "SELECT lower('ABC')").status());
}

// A cast to a user type runs that type's functions: a domain's CHECK, the type's or a user cast's function. The
// domain here raises an error that carries what its CHECK read. User types are refused unless the policy allows
// them (`allow_types`), with or without the catalog lists.
TEST_F(SecurityPgTest, CastsToUserTypesAreRefused) {
  RLSQ_ASSERT_OK(db_->Exec(
      "CREATE FUNCTION public.shout(q text) RETURNS boolean LANGUAGE plpgsql AS "
      "$$DECLARE r text; BEGIN EXECUTE q INTO r; RAISE EXCEPTION 'read: %', r; END$$;"
      "CREATE DOMAIN public.checked AS text CHECK (public.shout(VALUE));"
      "CREATE TYPE public.mood AS ENUM ('ok', 'sad');"));
  const std::string hidden = "'SELECT label FROM secrets WHERE id > 900'";
  const std::vector<std::string> casts = {Cat("SELECT ", hidden, "::checked"),
                                          Cat("SELECT CAST(", hidden, " AS public.checked)"),
                                          Cat("SELECT checked ", hidden),
                                          Cat("SELECT count(*) FROM secrets WHERE label = ", hidden, "::checked")};
  auto engine = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter)));
  ASSERT_NE(engine, nullptr);
  for (const std::string& q : casts) {
    SCOPED_TRACE(q);
    auto leaked = db_->Query(q);  // the server's error message carries the hidden value
    ASSERT_FALSE(leaked.ok());
    EXPECT_THAT(leaked.status().message(), HasSubstr("read: the-secret"));
    EXPECT_THAT(RewriteFor(*engine, q),
                StatusIs(kInvalid, "is not allowed: it is not a built-in type of postgres, and a cast to a user type "
                                   "runs that type's functions"));
  }
  EXPECT_THAT(RewriteFor(*engine, "SELECT 'ok'::mood"), StatusIs(kInvalid, "type public.mood is not allowed"));
  // Built-in types in every spelling run unchanged.
  RLSQ_ASSERT_OK_AND_ASSIGN(
      Rewrite builtin,
      RewriteFor(*engine, "SELECT 1::integer, 2::int4, 3::pg_catalog.int8, 4.5::double precision, 'x'::\"char\", "
                          "'a'::character varying(3), DATE '1995-01-01', now()::timestamp with time zone, "
                          "'1 day'::interval, '{1}'::int[], 'pg_class'::regclass, "
                          "0::information_schema.cardinal_number"));
  EXPECT_FALSE(builtin.changed);
  EXPECT_TRUE(db_->Query(builtin.sql).ok());
  // An allowed user type is the caller's to use.
  auto allowing = MakeEngine(PolicyJson(kPublicSchema, Filter("visible", "secrets", kSecretsFilter),
                                        R"("allow_types": ["public.mood"],)"));
  ASSERT_NE(allowing, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite mood, RewriteFor(*allowing, "SELECT 'ok'::mood"));
  EXPECT_EQ(Cell(db_->Query(mood.sql)), "ok");
  EXPECT_THAT(RewriteFor(*allowing, casts[0]), StatusIs(kInvalid, "type public.checked is not allowed"));
}

// Class 4: a clause on orders whose subquery reads customer, and a filter on customer for the same role.
constexpr const char* kOrdersByCustomer = "o_custkey IN (SELECT c_custkey FROM customer WHERE c_nationkey < 10)";
constexpr const char* kCustomerBuilding = "c_mktsegment = 'BUILDING'";

TEST_F(SecurityPgTest, ClauseSubqueriesAreBoundAtLoadAndFiltered) {
  CreateRole("r_clause");
  NativePolicy("r_clause", "orders", kOrdersByCustomer);    // PostgreSQL binds `customer` at CREATE POLICY
  NativePolicy("r_clause", "customer", kCustomerBuilding);  // and applies it inside the policy's subquery
  auto engine = MakeEngine(PolicyJson(
      R"(["datasource_access", "[tpch].[public].[orders]"], ["datasource_access", "[tpch].[public].[customer]"])",
      Cat(Filter("by_customer", "orders", kOrdersByCustomer), ", ",
          Filter("building", "customer", kCustomerBuilding))));
  ASSERT_NE(engine, nullptr);

  const std::string plain_count = "SELECT count(*) FROM orders";
  const std::string brief_cte = "WITH customer AS (SELECT * FROM public.customer) SELECT count(*) FROM orders";
  const std::string capture_cte =
      "WITH customer AS (SELECT c_custkey, 0 AS c_nationkey FROM public.customer) SELECT count(*) FROM orders";
  const std::string native = Cell(db_->QueryAsRole("r_clause", plain_count));
  const std::string unfiltered = Cell(db_->Query(plain_count));
  ASSERT_NE(native, unfiltered);
  ASSERT_NE(native, "0");

  // The old rewrites, by hand: the clause pasted into the WHERE as written, its subquery unfiltered and unbound.
  // (a) The table the clause reads got no filter: more rows than native RLS, which filters customer inside.
  const std::string old_plain =
      "SELECT count(*) FROM orders WHERE (orders.o_custkey IN (SELECT c_custkey FROM customer WHERE c_nationkey < 10))";
  EXPECT_GT(std::stoll(Cell(db_->Query(old_plain))), std::stoll(native));
  // (b) A CTE named customer captures the clause's subquery: every customer's nation is 0 in it, so the orders of
  // nations 10-24 pass. (The CTE body's own read of public.customer was filtered by the old rlsq too.)
  const std::string old_capture =
      "WITH customer AS (SELECT c_custkey, 0 AS c_nationkey FROM public.customer WHERE (customer.c_mktsegment = "
      "'BUILDING')) SELECT count(*) FROM orders WHERE (orders.o_custkey IN (SELECT c_custkey FROM customer WHERE "
      "c_nationkey < 10))";
  EXPECT_GT(std::stoll(Cell(db_->Query(old_capture))), std::stoll(native));
  EXPECT_EQ(Cell(db_->QueryAsRole("r_clause", capture_cte)), native);  // PostgreSQL's binding ignores the CTE

  // The new rewrites equal native RLS under both placements.
  for (auto mode : {policy::PlacementMode::kFenced, policy::PlacementMode::kPlain}) {
    RewriteOptions options;
    options.placement = mode;
    for (const std::string& q :
         {plain_count, brief_cte, capture_cte,
          std::string("SELECT c_nationkey, count(*) FROM orders JOIN customer ON c_custkey = o_custkey GROUP BY 1"),
          std::string("SELECT count(*) FROM customer c LEFT JOIN orders o ON o.o_custkey = c.c_custkey AND "
                      "o.o_orderpriority = '1-URGENT'")}) {
      SCOPED_TRACE(Cat(policy::ToString(mode), ": ", q));
      RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, RewriteFor(*engine, q, options));
      // The clause's table is schema-qualified and filtered with the caller's predicate on it.
      EXPECT_THAT(r.sql, HasSubstr("FROM public.customer WHERE"));
      ExpectSameRowsAsNative("r_clause", q, r.sql);
    }
  }

  // The caller needs access to the tables the clauses read.
  auto orders_only = MakeEngine(PolicyJson(R"(["datasource_access", "[tpch].[public].[orders]"])",
                                           Filter("by_customer", "orders", kOrdersByCustomer)));
  ASSERT_NE(orders_only, nullptr);
  EXPECT_THAT(RewriteFor(*orders_only, plain_count),
              StatusIs(kDenied, "You need access to the following tables: public.customer"));
  // The tables read inside a clause can be granted without being filtered (no filter on customer here).
  auto no_customer_filter = MakeEngine(PolicyJson(
      R"(["datasource_access", "[tpch].[public].[orders]"], ["datasource_access", "[tpch].[public].[customer]"])",
      Filter("by_customer", "orders", kOrdersByCustomer)));
  ASSERT_NE(no_customer_filter, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite unfiltered_inner, RewriteFor(*no_customer_filter, capture_cte));
  CreateRole("r_clause2");
  NativePolicy("r_clause2", "orders", kOrdersByCustomer);
  ExpectSameRowsAsNative("r_clause2", capture_cte, unfiltered_inner.sql);
}

TEST_F(SecurityPgTest, ClauseCyclesAreRefusedAtLoadAsPostgresRefusesThem) {
  constexpr const char* kCustomerByOrders = "c_custkey IN (SELECT o_custkey FROM orders WHERE o_orderstatus = 'F')";
  auto cyclic =
      Engine::FromPolicyJson(PolicyJson(kPublicSchema, Cat(Filter("by_customer", "orders", kOrdersByCustomer), ", ",
                                                           Filter("by_orders", "customer", kCustomerByOrders))));
  EXPECT_THAT(cyclic, StatusIs(absl::StatusCode::kFailedPrecondition,
                               "the clauses of filters \"by_orders\", \"by_customer\" read each other's tables in a "
                               "cycle (public.customer -> public.orders -> public.customer): PostgreSQL refuses such "
                               "policies as infinite recursion"));
  // A longer cycle through a third table, and a clause reading its own table.
  auto longer = Engine::FromPolicyJson(
      PolicyJson(kPublicSchema, Cat(Filter("o", "orders", kOrdersByCustomer), ", ",
                                    Filter("c", "customer", "c_nationkey IN (SELECT n_nationkey FROM nation)"), ", ",
                                    Filter("n", "nation",
                                           "n_nationkey IN (SELECT c_nationkey FROM customer WHERE c_custkey IN "
                                           "(SELECT o_custkey FROM orders))"))));
  EXPECT_THAT(longer, StatusIs(absl::StatusCode::kFailedPrecondition, "read each other's tables in a cycle"));
  auto self = Engine::FromPolicyJson(
      PolicyJson(kPublicSchema, Filter("self", "orders", "o_orderkey IN (SELECT max(o_orderkey) FROM orders)")));
  EXPECT_THAT(self, StatusIs(absl::StatusCode::kFailedPrecondition, "(public.orders -> public.orders)"));

  // PostgreSQL refuses the same native policies when they are used.
  CreateRole("r_cycle");
  NativePolicy("r_cycle", "orders", kOrdersByCustomer);
  NativePolicy("r_cycle", "customer", kCustomerByOrders);
  EXPECT_THAT(db_->QueryAsRole("r_cycle", "SELECT count(*) FROM orders"),
              StatusIs(kInvalid, "infinite recursion detected in policy for relation \"orders\""));
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Client encoding.

TEST_F(SecurityPgTest, ClientEncodingIsTheConnections) {
  auto engine = MakeEngine(PolicyJson(kPublicSchema, Filter("no_tea", "words", "w <> 'thé' AND id <> 4")));
  ASSERT_NE(engine, nullptr);
  RewriteOptions sjis;
  sjis.client_encoding = "SJIS";
  EXPECT_THAT(RewriteFor(*engine, "SELECT * FROM words", sjis), StatusIs(kInvalid, "client encoding SJIS is refused"));
  sjis.client_encoding = "BIG5";
  EXPECT_THAT(RewriteFor(*engine, "SELECT * FROM words", sjis), StatusIs(kInvalid, "client encoding BIG5 is refused"));

  // LATIN1: 0xE9 is é. The rewrite keeps the query's bytes and writes the clause's é in LATIN1 too.
  CreateRole("r_latin1");
  NativePolicy("r_latin1", "words", "w <> 'thé' AND id <> 4");
  const std::string query = "SELECT id, w FROM words WHERE w IN ('caf\xE9', 'th\xE9')";
  RewriteOptions latin1;
  latin1.client_encoding = "LATIN1";
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite r, RewriteFor(*engine, query, latin1));
  EXPECT_THAT(r.sql, HasSubstr("'caf\xE9'"));
  EXPECT_THAT(r.sql, HasSubstr("<> 'th\xE9'"));
  EXPECT_THAT(r.sql, Not(HasSubstr("\xC3\xA9")));  // no UTF-8 é
  ASSERT_EQ(PQsetClientEncoding(db_->raw(), "LATIN1"), 0);
  auto unfiltered = db_->Query(query);
  auto native = db_->QueryAsRole("r_latin1", query);
  auto rewritten = db_->QueryWithoutRowSecurity(r.sql);
  ASSERT_EQ(PQsetClientEncoding(db_->raw(), "UTF8"), 0);
  ASSERT_TRUE(unfiltered.ok()) << unfiltered.status();
  ASSERT_TRUE(native.ok()) << native.status();
  ASSERT_TRUE(rewritten.ok()) << rewritten.status();
  EXPECT_EQ(unfiltered->rows.size(), 3u);  // café (1, 4) and thé (3): the literals matched on the server
  EXPECT_EQ(native->SortedRows(), rewritten->SortedRows()) << rewritten->ToString();
  ASSERT_EQ(rewritten->rows.size(), 1u);
  EXPECT_EQ(rewritten->rows[0][0], "1");
  EXPECT_EQ(rewritten->rows[0][1], "caf\xE9");  // returned in LATIN1
}

// ---------------------------------------------------------------------------------------------------------------
// 6. The error side channel.

TEST_F(SecurityPgTest, FencedPlacementClosesTheErrorSideChannel) {
  // Eight hidden orders, K the first. A list of eight (below PostgreSQL's hashed-IN threshold of nine) costs about
  // four operator evaluations, more than the user's three, so the planner runs the user's condition first when both
  // are ANDed in one WHERE.
  auto keys =
      db_->Query("SELECT o_orderkey FROM orders WHERE o_orderkey % 2 = 1 ORDER BY o_orderkey LIMIT 8 OFFSET 50");
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->rows.size(), 8u);
  std::string list;
  for (const auto& row : keys->rows) Append(&list, list.empty() ? "" : ", ", *row[0]);
  const std::string k = *keys->rows[0][0];
  const std::string clause = Cat("o_orderkey NOT IN (", list, ")");
  const std::string query = Cat("SELECT count(*) FROM orders WHERE 1 / (o_orderkey - ", k, ") > 0");
  CreateRole("r_fence");
  NativePolicy("r_fence", "orders", clause);
  auto engine = MakeEngine(PolicyJson(kPublicSchema, Filter("hidden", "orders", clause)));
  ASSERT_NE(engine, nullptr);

  // Native RLS evaluates its own condition first: no error, and only K + 1 passes the user's condition.
  auto native = db_->QueryAsRole("r_fence", query);
  ASSERT_TRUE(native.ok()) << native.status();
  EXPECT_EQ(Cell(native), "1");

  // Plain placement: the predicate is ANDed after the user's condition, which runs on K and fails: K exists.
  RewriteOptions plain;
  plain.placement = policy::PlacementMode::kPlain;
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite p, RewriteFor(*engine, query, plain));
  EXPECT_EQ(p.sql, Cat(query.substr(0, query.find("WHERE ") + 6), "(1 / (o_orderkey - ", k, ") > 0) AND (orders.",
                       clause, ")"));
  EXPECT_THAT(db_->QueryWithoutRowSecurity(p.sql), StatusIs(kInvalid, "division by zero [SQLSTATE 22012]"));
  // The same with the policy's "placement": "plain".
  auto plain_policy =
      MakeEngine(PolicyJson(kPublicSchema, Filter("hidden", "orders", clause), R"("placement": "plain",)"));
  ASSERT_NE(plain_policy, nullptr);
  EXPECT_EQ(RewriteFor(*plain_policy, query)->sql, p.sql);

  // Plain is also the policy's default.
  EXPECT_EQ(RewriteFor(*engine, query)->sql, p.sql);

  // Fenced: no error, and the count equals native RLS.
  RewriteOptions fenced_options;
  fenced_options.placement = policy::PlacementMode::kFenced;
  RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite f, RewriteFor(*engine, query, fenced_options));
  EXPECT_THAT(f.sql, HasSubstr("OFFSET 0) AS orders"));
  auto fenced = db_->QueryWithoutRowSecurity(f.sql);
  ASSERT_TRUE(fenced.ok()) << fenced.status() << "\n" << f.sql;
  EXPECT_EQ(fenced->SortedRows(), native->SortedRows());

  // The same condition elsewhere: an outer join's ON, a correlated subquery, a join, a CTE. Plain leaks in some of
  // every one of these; fenced in none, and each equals native RLS.
  for (const std::string& q :
       {Cat("SELECT count(*) FROM customer c LEFT JOIN orders o ON o.o_custkey = c.c_custkey AND 1 / (o.o_orderkey - ",
            k, ") > 0"),
        Cat("SELECT count(*) FROM customer c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.o_custkey = c.c_custkey AND ",
            "1 / (o.o_orderkey - ", k, ") > 0)"),
        Cat("SELECT count(*) FROM lineitem JOIN orders ON l_orderkey = o_orderkey WHERE 1 / (o_orderkey - ", k,
            ") > 0"),
        Cat("WITH x AS (SELECT * FROM orders) SELECT count(*) FROM x WHERE 1 / (o_orderkey - ", k, ") > 0"),
        Cat("SELECT count(*) FROM orders GROUP BY o_orderkey HAVING 1 / (o_orderkey - ", k, ") > 0")}) {
    SCOPED_TRACE(q);
    RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite qp, RewriteFor(*engine, q, plain));
    EXPECT_THAT(db_->QueryWithoutRowSecurity(qp.sql), StatusIs(kInvalid, "division by zero")) << qp.sql;
    RLSQ_ASSERT_OK_AND_ASSIGN(Rewrite qf, RewriteFor(*engine, q, fenced_options));
    ExpectSameRowsAsNative("r_fence", q, qf.sql);
  }

  // The planner: plain evaluates both conditions in one Filter of the scan of orders, the user's first; fenced
  // keeps the user's condition above a Subquery Scan, and the scan of orders filters by the predicate alone.
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string plain_plan, db_->Explain(p.sql));
  std::vector<std::string> filters;
  for (size_t at = 0; (at = plain_plan.find("Filter: ", at)) != std::string::npos; ++at)
    filters.push_back(plain_plan.substr(at, plain_plan.find('\n', at) - at));
  ASSERT_EQ(filters.size(), 1u) << plain_plan;
  const size_t user_at = filters[0].find(Cat("(1 / (o_orderkey - ", k, "))"));
  const size_t policy_at = filters[0].find("<> ALL");
  ASSERT_NE(user_at, std::string::npos) << plain_plan;
  ASSERT_NE(policy_at, std::string::npos) << plain_plan;
  EXPECT_LT(user_at, policy_at) << plain_plan;
  EXPECT_THAT(plain_plan, Not(HasSubstr("Subquery Scan")));

  RLSQ_ASSERT_OK_AND_ASSIGN(std::string fenced_plan, db_->Explain(f.sql));
  std::vector<std::string> lines;
  for (size_t at = 0, end; at < fenced_plan.size(); at = end + 1) {
    end = fenced_plan.find('\n', at);
    if (end == std::string::npos) end = fenced_plan.size();
    lines.push_back(fenced_plan.substr(at, end - at));
  }
  size_t subquery = lines.size(), scan = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("Subquery Scan on orders") != std::string::npos && subquery == lines.size()) subquery = i;
    if (lines[i].find("Scan on orders orders_1") != std::string::npos ||
        (lines[i].find("Seq Scan on orders") != std::string::npos && i > subquery))
      scan = i;
  }
  ASSERT_LT(subquery, lines.size()) << fenced_plan;
  ASSERT_LT(scan, lines.size()) << fenced_plan;
  ASSERT_LT(subquery, scan) << fenced_plan;
  // The Subquery Scan's own Filter (between it and the scan) holds the user's condition...
  bool user_above = false;
  for (size_t i = subquery + 1; i < scan; ++i)
    user_above =
        user_above || (lines[i].find("Filter:") != std::string::npos && lines[i].find("1 / (") != std::string::npos);
  EXPECT_TRUE(user_above) << fenced_plan;
  // ...and the scan of orders (its Filter, the lines after it) holds the predicate and not the user's condition.
  std::string below;
  for (size_t i = scan; i < lines.size(); ++i) Append(&below, lines[i], "\n");
  EXPECT_THAT(below, HasSubstr("<> ALL"));
  EXPECT_THAT(below, Not(HasSubstr("1 / (")));
}

}  // namespace
}  // namespace rlsq
