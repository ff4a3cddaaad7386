// The adversarial suite against PostgreSQL 15's native row-level security (the method of
// tests/rewriter/rls_differential_test.cc): the probe role gets one RESTRICTIVE policy per filtered table plus a
// PERMISSIVE USING (true); every case that rlsq rewrites must return, with row_security = off, exactly the rows the
// original returns as the probe role. Refused cases must be refused with InvalidArgument. Cases are in cases.h.
#include <gtest/gtest.h>

#include "fuzz/rewrite_property.h"
#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/adversarial/cases.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using adversarial::Expect;
using testing::PgConnection;
using testing::PgServer;

class AdversarialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::unique_ptr<PgServer> server;
    std::unique_ptr<PgConnection> db;
    RLSQ_ASSERT_OK(testing::StartTpchWithProbe(&server, &db));
    server_ = server.release();
    db_ = db.release();
    std::string sql;
    for (const auto& p : adversarial::NativePolicies()) {
      Append(&sql, "ALTER TABLE ", p.table, " ENABLE ROW LEVEL SECURITY; CREATE POLICY allow_all ON ", p.table,
             " AS PERMISSIVE FOR SELECT TO probe USING (true); CREATE POLICY f ON ", p.table,
             " AS RESTRICTIVE FOR SELECT TO probe USING (", p.clause, "); ");
    }
    RLSQ_ASSERT_OK(db_->Exec(sql));
  }
  static void TearDownTestSuite() {
    delete db_;
    delete server_;
    db_ = nullptr;
    server_ = nullptr;
  }
  static PgServer* server_;
  static PgConnection* db_;
};

PgServer* AdversarialTest::server_ = nullptr;
PgConnection* AdversarialTest::db_ = nullptr;

TEST_F(AdversarialTest, RewritesMatchNativeRowLevelSecurityOrAreRefused) {
  ASSERT_NE(db_, nullptr);
  auto engine = Engine::FromPolicyJson(adversarial::kPolicy);
  ASSERT_TRUE(engine.ok()) << engine.status();
  int user = fuzz::AsPolicy((*engine)->policy()).UserIndex("probe");
  int compared = 0, refused = 0, filtered = 0;
  for (const auto& c : adversarial::Cases()) {
    SCOPED_TRACE(c.name);
    RewriteOptions options;
    options.verify = true;
    auto r = (*engine)->rewrite(c.sql, {"probe"}, options);
    if (!r.ok()) {
      ++refused;
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
      EXPECT_NE(c.expect, Expect::kAccept) << "refused: " << r.status() << "\n" << c.sql;
      continue;
    }
    EXPECT_NE(c.expect, Expect::kRefuse) << "rewritten:\n" << r->sql;
    RLSQ_EXPECT_OK(fuzz::CheckRewriteProperty(c.sql, r->sql, fuzz::AsPolicy((*engine)->policy()), user));
    auto expected = db_->QueryAsRole("probe", c.sql);
    ASSERT_TRUE(expected.ok()) << "native: " << expected.status() << "\n" << c.sql;
    auto actual = db_->QueryWithoutRowSecurity(r->sql);
    ASSERT_TRUE(actual.ok()) << "rewrite: " << actual.status() << "\n" << r->sql;
    // The unfiltered rows, to show the case exercises a filter (reported, not asserted per case).
    auto unfiltered = db_->Query(c.sql);
    if (unfiltered.ok() && unfiltered->SortedRows() != expected->SortedRows()) ++filtered;
    ++compared;
    EXPECT_EQ(expected->SortedRows(), actual->SortedRows())
        << "rows differ\nrewrite:\n" << r->sql << "\nnative rows:\n" << expected->ToString() << "\nrewrite rows:\n"
        << actual->ToString();
  }
  std::printf("[adversarial] %d rewrites compared with native RLS (%d where RLS changes the result), %d refused\n",
              compared, filtered, refused);
  EXPECT_GT(filtered, compared / 2);
}

}  // namespace
}  // namespace rlsq
