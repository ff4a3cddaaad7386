// The engine's memory stays flat over many rewrites: a mix of the corpus (tpch, tpcds, charts) rewritten for
// several users, through the plan cache and (one in eight) uncached, plus refused inputs, with RSS sampled from
// /proc/self/statm after a warm-up (10% of the run) and at the end. Growth beyond the bound fails the test.
//
//   RLSQ_MEMORY_REWRITES=1000000 ./memory_test     # the 1M run (about a minute in Release)
// Default: 100000 rewrites. Under ASan the RSS bound is not meaningful (quarantine); the run still happens and
// LeakSanitizer checks the end state.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "rewriter/engine.h"
#include "tests/support/corpus.h"

#if defined(__SANITIZE_ADDRESS__)
#define RLSQ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RLSQ_ASAN 1
#endif
#endif

namespace rlsq {
namespace {

constexpr const char* kPolicy = R"json({
  "default_schema": "public",
  "roles": [{"name": "Reader", "permissions": [["all_datasource_access", "all_datasource_access"]]},
            {"name": "Finance"}, {"name": "Sales"}],
  "users": [{"username": "alice", "roles": ["Reader", "Finance"]}, {"username": "bob", "roles": ["Reader", "Finance", "Sales"]},
            {"username": "carol", "roles": ["Reader", "Sales"]}, {"username": "nobody", "roles": ["Reader"]}],
  "rls_filters": [
    {"name": "urgent", "filter_type": "Regular", "tables": ["orders"], "roles": ["Finance"], "clause": "o_orderpriority = '1-URGENT'"},
    {"name": "europe", "filter_type": "Regular", "tables": ["nation", "region"], "roles": ["Finance"], "group_key": "r", "clause": "1 = 1"},
    {"name": "asia", "filter_type": "Regular", "tables": ["nation"], "roles": ["Sales"], "group_key": "r", "clause": "n_regionkey = 2"},
    {"name": "dates", "filter_type": "Regular", "tables": ["date_dim", "store_sales", "lineitem"], "roles": ["Sales"], "clause": "true"},
    {"name": "no_building", "filter_type": "Base", "tables": ["customer", "item"], "roles": ["Sales"], "clause": "1 <> 2"}
  ]
})json";

long RssKb() {
  std::ifstream f("/proc/self/statm");
  long size = 0, resident = 0;
  f >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

TEST(MemoryTest, RssStaysFlatOverManyRewrites) {
  long total = std::getenv("RLSQ_MEMORY_REWRITES") ? std::atol(std::getenv("RLSQ_MEMORY_REWRITES")) : 100000;
  std::vector<std::string> queries;
  for (const char* set : {"tpch", "tpcds", "charts"})
    for (auto& q : testing::LoadCorpus(set)) queries.push_back(q.sql);
  // Refusals exercise the error paths.
  queries.push_back("SELECT 1; SELECT 2");
  queries.push_back("SELECT * FROM orders WHERE (");
  queries.push_back("WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d");
  ASSERT_GT(queries.size(), 200u);
  auto engine = Engine::FromPolicyJson(kPolicy);
  ASSERT_TRUE(engine.ok()) << engine.status();
  const char* users[] = {"alice", "bob", "carol", "nobody"};

  long warmup = total / 10, rss_warm = 0, ok = 0, refused = 0;
  size_t out_bytes = 0;
  for (long i = 0; i < total; ++i) {
    if (i == warmup) rss_warm = RssKb();
    RewriteOptions options;
    options.use_plan_cache = (i % 8) != 0;
    auto r = (*engine)->rewrite(queries[i % queries.size()], {users[(i / queries.size()) % 4]}, options);
    if (r.ok()) {
      ++ok;
      out_bytes += r->sql.size();
    } else {
      ++refused;
    }
  }
  long rss_end = RssKb();
  std::printf("[memory] %ld rewrites (%ld ok, %ld refused, %zu bytes out): RSS %ld KB after %ld, %ld KB at the end "
              "(growth %ld KB)\n",
              total, ok, refused, out_bytes, rss_warm, warmup, rss_end, rss_end - rss_warm);
  EXPECT_GT(ok, total * 9 / 10);
#ifndef RLSQ_ASAN
  // Flat: after the warm-up (plan cache filled, parser caches grown) the remaining 90% add at most 4 MB.
  EXPECT_LE(rss_end - rss_warm, 4096) << "RSS grew from " << rss_warm << " KB to " << rss_end << " KB";
#endif
}

}  // namespace
}  // namespace rlsq
