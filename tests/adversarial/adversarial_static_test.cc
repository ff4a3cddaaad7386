// The adversarial suite without a database: every case is refused with InvalidArgument or rewritten, as its
// expectation says, and every rewrite satisfies the structural property (fuzz/rewrite_property.h). Refusals must not
// be over-broad: every query of the shared corpus (tpch, tpcds, charts) is accepted and satisfies the property too.
// Row-level comparison with PostgreSQL is in adversarial_test.cc.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "fuzz/rewrite_property.h"
#include "rewriter/engine.h"
#include "tests/adversarial/cases.h"
#include "tests/support/corpus.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using adversarial::Expect;

class AdversarialStaticTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::FromPolicyJson(adversarial::kPolicy);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
    user_ = fuzz::AsPolicy(engine_->policy()).UserIndex("probe");
  }
  std::unique_ptr<Engine> engine_;
  int user_ = -1;
};

TEST_F(AdversarialStaticTest, EveryCaseIsRewrittenSafelyOrRefused) {
  int accepted = 0, refused = 0;
  for (const auto& c : adversarial::Cases()) {
    RewriteOptions options;
    options.verify = true;
    auto r = engine_->rewrite(c.sql, {"probe"}, options);
    if (!r.ok()) {
      ++refused;
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << r.status();
      EXPECT_NE(c.expect, Expect::kAccept) << c.name << " refused: " << r.status() << "\n" << c.sql;
      // Refusals name a position: "line:column: message".
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(r.status().message()[0]))) << c.name << ": " << r.status();
      continue;
    }
    ++accepted;
    EXPECT_NE(c.expect, Expect::kRefuse) << c.name << " was rewritten:\n" << r->sql;
    absl::Status p = fuzz::CheckRewriteProperty(c.sql, r->sql, fuzz::AsPolicy(engine_->policy()), user_);
    EXPECT_TRUE(p.ok()) << c.name << ": " << p << "\n" << r->sql;
  }
  std::printf("[adversarial] %zu cases: %d rewritten, %d refused\n", adversarial::Cases().size(), accepted, refused);
}

TEST_F(AdversarialStaticTest, NulByteAndControlBytesAreRefused) {
  for (std::string sql : {std::string("SELECT 1\0 FROM orders", 22), std::string("SELECT 1 FROM orders\0", 21),
                          std::string("SELECT '\xff' FROM orders"), std::string("SELECT 1 \x01 FROM orders")}) {
    auto r = engine_->rewrite(sql, {"probe"});
    EXPECT_FALSE(r.ok()) << r->sql;
    if (!r.ok()) EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  }
}

TEST_F(AdversarialStaticTest, CorpusQueriesAreAcceptedAndCarryTheirFilters) {
  int n = 0;
  for (const char* set : {"tpch", "tpcds", "charts"}) {
    for (const auto& q : testing::LoadCorpus(set)) {
      auto r = engine_->rewrite(q.sql, {"probe"});
      ASSERT_TRUE(r.ok()) << set << "/" << q.name << ": " << r.status();
      absl::Status p = fuzz::CheckRewriteProperty(q.sql, r->sql, fuzz::AsPolicy(engine_->policy()), user_);
      EXPECT_TRUE(p.ok()) << set << "/" << q.name << ": " << p << "\n" << r->sql;
      ++n;
    }
  }
  EXPECT_GE(n, 201);
}

// The property checker itself must catch a rewrite that drops or misplaces a filter.
TEST_F(AdversarialStaticTest, PropertyCheckerDetectsMissingFilters) {
  const char* in = "SELECT count(*) FROM orders o LEFT JOIN customer c ON c.c_custkey = o.o_custkey";
  auto r = engine_->rewrite(in, {"probe"});
  ASSERT_TRUE(r.ok()) << r.status();
  RLSQ_EXPECT_OK(fuzz::CheckRewriteProperty(in, r->sql, fuzz::AsPolicy(engine_->policy()), user_));
  // Unfiltered output.
  EXPECT_FALSE(fuzz::CheckRewriteProperty(in, in, fuzz::AsPolicy(engine_->policy()), user_).ok());
  // The customer filter in the WHERE of the preserved side's ON instead of the null-supplying side's: the orders
  // filter is on the preserved side's ON, which does not restrict orders.
  EXPECT_FALSE(fuzz::CheckRewriteProperty(
                   in,
                   "SELECT count(*) FROM orders o LEFT JOIN customer c ON c.c_custkey = o.o_custkey AND "
                   "(o.o_orderpriority = '1-URGENT') AND ((c.c_mktsegment = 'BUILDING' OR c.c_acctbal < 0))",
                   fuzz::AsPolicy(engine_->policy()), user_)
                   .ok());
  // Filter qualified with the wrong name (self join: both predicates on one side).
  const char* self = "SELECT 1 FROM orders a, orders b";
  EXPECT_FALSE(fuzz::CheckRewriteProperty(self,
                                          "SELECT 1 FROM orders a, orders b WHERE (a.o_orderpriority = '1-URGENT') "
                                          "AND (a.o_orderpriority = '1-URGENT')",
                                          fuzz::AsPolicy(engine_->policy()), user_)
                   .ok());
  EXPECT_TRUE(fuzz::CheckRewriteProperty(self,
                                         "SELECT 1 FROM orders a, orders b WHERE (a.o_orderpriority = '1-URGENT') "
                                         "AND (b.o_orderpriority = '1-URGENT')",
                                         fuzz::AsPolicy(engine_->policy()), user_)
                  .ok());
  // An extra table read in the output.
  EXPECT_FALSE(fuzz::CheckRewriteProperty(self,
                                          "SELECT 1 FROM orders a, orders b WHERE (a.o_orderpriority = '1-URGENT') "
                                          "AND (b.o_orderpriority = '1-URGENT') AND EXISTS (SELECT 1 FROM region)",
                                          fuzz::AsPolicy(engine_->policy()), user_)
                   .ok());
}

}  // namespace
}  // namespace rlsq
