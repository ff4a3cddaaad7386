// User-aware clauses proven on PostgreSQL 15: for several callers, including malicious attribute values, the rows
// of rlsq's rewrite (run with row_security = off) equal those of native row-level security whose policies read the
// same values with current_setting('rlsq.<name>'). The values reach PostgreSQL's settings through set_config() as
// bind parameters of the test's own connection (never through rlsq), so the oracle does not share rlsq's quoting.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "lib/common/str_cat.h"
#include "lib/json/json.h"
#include "rewriter/engine.h"
#include "tests/support/corpus.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using testing::PgConnection;
using testing::PgServer;

constexpr const char* kPolicy = R"({"default_database": "tpch",
  "roles": [{"name": "Reader", "permissions": [["schema_access", "[tpch].[public]"]]}],
  "rls_filters": [
    {"name": "segment", "filter_type": "Regular", "tables": ["customer"], "roles": ["Reader"],
     "clause": "c_mktsegment = {{ user_attr('segment') }} OR c_name = {{ current_username() }}"},
    {"name": "nations", "filter_type": "Regular", "tables": ["customer"], "roles": ["Reader"],
     "clause": "c_nationkey IN {{ user_attr('nations') }}"},
    {"name": "supplier_nations", "filter_type": "Regular", "tables": ["supplier"], "roles": ["Reader"],
     "clause": "s_nationkey IN {{ user_attr('nations') }} AND s_comment NOT LIKE '%{{ user_attr('tag', 'zzz') }}%'"},
    {"name": "orders", "filter_type": "Regular", "tables": ["orders"], "roles": ["Reader"],
     "clause": "o_orderpriority <> {{ user_attr('priority') }} AND o_custkey % 7 <> {{ current_user_id() }} AND o_clerk <> {{ current_user_email() }}"}
  ]})";

// Native equivalents, reading the values from settings.
constexpr const char* kNative = R"(
  ALTER TABLE customer ENABLE ROW LEVEL SECURITY;
  ALTER TABLE supplier ENABLE ROW LEVEL SECURITY;
  ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
  CREATE POLICY allow_c ON customer AS PERMISSIVE FOR SELECT TO probe USING (true);
  CREATE POLICY allow_s ON supplier AS PERMISSIVE FOR SELECT TO probe USING (true);
  CREATE POLICY allow_o ON orders AS PERMISSIVE FOR SELECT TO probe USING (true);
  CREATE POLICY segment ON customer AS RESTRICTIVE FOR SELECT TO probe
    USING (c_mktsegment = current_setting('rlsq.segment') OR c_name = current_setting('rlsq.username'));
  CREATE POLICY nations ON customer AS RESTRICTIVE FOR SELECT TO probe
    USING (c_nationkey = ANY (string_to_array(current_setting('rlsq.nations'), ',')::int[]));
  CREATE POLICY nations ON supplier AS RESTRICTIVE FOR SELECT TO probe
    USING (s_nationkey = ANY (string_to_array(current_setting('rlsq.nations'), ',')::int[])
           AND s_comment NOT LIKE '%' || current_setting('rlsq.tag') || '%');
  CREATE POLICY orders ON orders AS RESTRICTIVE FOR SELECT TO probe
    USING (o_orderpriority <> current_setting('rlsq.priority') AND o_custkey % 7 <> current_setting('rlsq.id')::int
           AND o_clerk <> current_setting('rlsq.email'));
)";

struct Values {
  std::string username, email, segment, priority, tag;
  int id;
  std::vector<int> nations;
};

class TemplatePgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::unique_ptr<PgServer> server;
    std::unique_ptr<PgConnection> db;
    RLSQ_ASSERT_OK(testing::StartTpchWithProbe(&server, &db));
    server_ = server.release();
    db_ = db.release();
    RLSQ_ASSERT_OK(db_->Exec(kNative));
  }
  static void TearDownTestSuite() {
    delete db_;
    delete server_;
    db_ = nullptr;
    server_ = nullptr;
  }

  // set_config(name, value) with both as bind parameters.
  static absl::Status SetConfig(const std::string& name, const std::string& value) {
    const char* params[2] = {name.c_str(), value.c_str()};
    PGresult* r = PQexecParams(db_->raw(), "SELECT set_config($1, $2, false)", 2, nullptr, params, nullptr, nullptr, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string error = ok ? "" : PQresultErrorMessage(r);
    PQclear(r);
    return ok ? absl::OkStatus() : absl::InternalError(error);
  }

  static PgServer* server_;
  static PgConnection* db_;
};

PgServer* TemplatePgTest::server_ = nullptr;
PgConnection* TemplatePgTest::db_ = nullptr;

std::string CallerJson(const Values& v) {
  std::string out = "{\"username\": ";
  json::AppendString(v.username, &out);
  Append(&out, ", \"id\": ", v.id, ", \"email\": ");
  json::AppendString(v.email, &out);
  out += ", \"roles\": [\"Reader\"], \"attributes\": {\"segment\": ";
  json::AppendString(v.segment, &out);
  out += ", \"priority\": ";
  json::AppendString(v.priority, &out);
  out += ", \"tag\": ";
  json::AppendString(v.tag, &out);
  out += ", \"nations\": [";
  for (size_t i = 0; i < v.nations.size(); ++i) Append(&out, i ? ", " : "", v.nations[i]);
  out += "]}}";
  return out;
}

TEST_F(TemplatePgTest, RewriteMatchesNativeRlsWithCurrentSetting) {
  ASSERT_NE(db_, nullptr);
  auto engine = Engine::FromPolicyJson(kPolicy);
  ASSERT_TRUE(engine.ok()) << engine.status();
  const std::vector<Values> callers = {
      {"Customer#000000001", "Clerk#000000951", "BUILDING", "1-URGENT", "Customer", 3, {1, 2, 3, 5, 8, 13, 21}},
      {"nobody", "nobody@example.com", "MACHINERY", "5-LOW", "regular", 0, {0, 4, 9, 24}},
      {"nobody", "x", "AUTOMOBILE", "2-HIGH", "zzz", 6, {}},  // empty list: nothing
      // Malicious values: each must behave as plain text.
      {"x' OR '1'='1", "' OR 1=1 --", "BUILDING' OR 'a'='a", "1-URGENT' OR '1'='1", "%' OR '1'='1", 1, {7}},
      {"x\\' OR 1=1 --", "*/ OR 1=1 /*", "BUILDING\\", "a\nb\r\n", "\\", 2, {3, 7}},
      {"$$ OR true $$", "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC", "''", "'", "'; SELECT 1; --", 4, {1, 2}},
  };
  std::vector<testing::CorpusQuery> queries = testing::LoadCorpus("tpch");
  for (const char* extra : {"SELECT c_mktsegment, count(*) FROM customer GROUP BY 1",
                            "SELECT count(*), min(o_orderkey) FROM orders",
                            "SELECT s_suppkey, s_nationkey FROM supplier",
                            "SELECT c_custkey FROM customer c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.o_custkey "
                            "= c.c_custkey)"})
    queries.push_back({"extra", extra, "", extra});
  int compared = 0, nonempty = 0, mismatches = 0;
  for (const Values& v : callers) {
    RLSQ_ASSERT_OK(SetConfig("rlsq.username", v.username));
    RLSQ_ASSERT_OK(SetConfig("rlsq.email", v.email));
    RLSQ_ASSERT_OK(SetConfig("rlsq.segment", v.segment));
    RLSQ_ASSERT_OK(SetConfig("rlsq.priority", v.priority));
    RLSQ_ASSERT_OK(SetConfig("rlsq.tag", v.tag));
    RLSQ_ASSERT_OK(SetConfig("rlsq.id", std::to_string(v.id)));
    std::string nations;
    for (size_t i = 0; i < v.nations.size(); ++i) Append(&nations, i ? "," : "", v.nations[i]);
    RLSQ_ASSERT_OK(SetConfig("rlsq.nations", nations));
    auto identity = ParseCallerJson(CallerJson(v));
    ASSERT_TRUE(identity.ok()) << identity.status();
    Caller caller;
    caller.identity = std::make_shared<const CallerIdentity>(*identity);
    for (const auto& q : queries) {
      RewriteOptions options;
      options.verify = true;
      auto rewritten = (*engine)->rewrite(q.sql, caller, options);
      ASSERT_TRUE(rewritten.ok()) << q.name << ": " << rewritten.status();
      auto expected = db_->QueryAsRole("probe", q.sql);
      ASSERT_TRUE(expected.ok()) << q.name << ": " << expected.status();
      auto actual = db_->QueryWithoutRowSecurity(rewritten->sql);
      ASSERT_TRUE(actual.ok()) << q.name << ": " << actual.status() << "\n" << rewritten->sql;
      ++compared;
      if (!expected->rows.empty()) ++nonempty;
      if (expected->SortedRows() != actual->SortedRows()) {
        ++mismatches;
        ADD_FAILURE() << q.name << " for " << CallerJson(v) << ": rows differ\nrewrite:\n" << rewritten->sql
                      << "\nnative rows:\n" << expected->ToString() << "\nrewrite rows:\n" << actual->ToString();
      }
    }
  }
  std::printf("[templates] %zu callers, %d query comparisons, %d with non-empty results, %d mismatches\n",
              callers.size(), compared, nonempty, mismatches);
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(nonempty, compared / 3);
}

TEST_F(TemplatePgTest, MaliciousValuesNeverWidenTheRows) {
  ASSERT_NE(db_, nullptr);
  auto engine = Engine::FromPolicyJson(kPolicy);
  ASSERT_TRUE(engine.ok()) << engine.status();
  // No customer has these segments or names: every read of customer must be empty, whatever the quoting tricks.
  for (std::string evil : {std::string("x' OR '1'='1"), std::string("x' OR 1=1 --"), std::string("x\\' OR 1=1 --"),
                           std::string("*/ OR 1=1 /*"), std::string("x'\nOR 1=1\n--"), std::string("$$ OR true --"),
                           std::string("x') OR ('1'='1"), std::string("E'\\x27 OR 1=1")}) {
    Values v{evil, evil, evil, evil, evil, 1, {1, 2, 3}};
    auto identity = ParseCallerJson(CallerJson(v));
    ASSERT_TRUE(identity.ok()) << identity.status();
    Caller caller;
    caller.identity = std::make_shared<const CallerIdentity>(*identity);
    auto rewritten = (*engine)->rewrite("SELECT count(*) FROM customer", caller);
    ASSERT_TRUE(rewritten.ok()) << rewritten.status();
    auto rows = db_->QueryWithoutRowSecurity(rewritten->sql);
    ASSERT_TRUE(rows.ok()) << rows.status() << "\n" << rewritten->sql;
    ASSERT_EQ(rows->rows.size(), 1u);
    EXPECT_EQ(rows->rows[0][0], std::optional<std::string>("0")) << rewritten->sql;
  }
}

}  // namespace
}  // namespace rlsq
