// Policy reload under load: readers on every core rewrite without pause while a writer swaps the policy over and
// over. Every reader must see one whole policy (never a mix, never freed memory), and an old policy is freed when its
// last reader leaves. Also built with ThreadSanitizer (scripts/test-tsan.sh).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "lib/common/str_cat.h"
#include "rewriter/engine.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

std::string PolicyWith(std::string_view value) {
  return Cat(R"({"default_database": "db", "placement": "plain", "roles": [{"name": "R", "permissions": [["all_datasource_access",
      "all_datasource_access"]]}], "users": [{"username": "u", "roles": ["R"]}], "rls_filters": [
      {"name": "f", "filter_type": "Regular", "tables": ["t", "s"], "roles": ["R"], "clause": "x = )",
             value, R"("}]})");
}

std::shared_ptr<const policy::Policy> Load(std::string_view value) {
  auto p = policy::Policy::FromJson(PolicyWith(value), Dialect::Postgres());
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

TEST(ReloadTest, ReadersAlwaysSeeOneWholePolicy) {
  Engine engine(Load("1"));
  std::vector<std::shared_ptr<const policy::Policy>> policies = {Load("1"), Load("2")};
  const char* kQueries[] = {"SELECT * FROM t", "SELECT * FROM t JOIN s ON true", "SELECT 1"};
  auto valid = [](std::string_view sql, std::string_view out) {
    for (const char* v : {"1", "2"}) {
      if (sql == "SELECT * FROM t" && out == Cat("SELECT * FROM t WHERE (t.x = ", v, ")")) return true;
      if (sql == "SELECT * FROM t JOIN s ON true" &&
          out == Cat("SELECT * FROM t JOIN s ON true WHERE (t.x = ", v, ") AND (s.x = ", v, ")"))
        return true;
    }
    return sql == "SELECT 1" && out == "SELECT 1";
  };

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> rewrites{0}, bad{0};
  unsigned readers = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      uint64_t i = r;
      while (!stop.load(std::memory_order_relaxed)) {
        const char* sql = kQueries[i++ % 3];
        auto out = engine.rewrite(sql, {"u"});
        if (!out.ok() || !valid(sql, out->sql)) bad.fetch_add(1);
        rewrites.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  // Each reload is followed by at least one completed rewrite, so reloads and reads truly interleave.
  const int kReloads = 300;
  for (int i = 0; i < kReloads; ++i) {
    engine.Reload(policies[i % 2]);
    uint64_t seen = rewrites.load();
    while (rewrites.load() == seen) std::this_thread::yield();
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GE(rewrites.load(), static_cast<uint64_t>(kReloads));
  EXPECT_EQ(engine.reloads(), static_cast<uint64_t>(kReloads));
}

TEST(ReloadTest, OldPolicyIsFreedWhenItsLastReaderLeaves) {
  auto first = Load("1");
  std::weak_ptr<const policy::Policy> watch = first;
  Engine engine(std::move(first));
  ASSERT_EQ(engine.rewrite("SELECT * FROM t", {"u"})->sql, "SELECT * FROM t WHERE (t.x = 1)");
  {
    auto held = engine.policy();  // a reader that keeps the policy object (not the snapshot) alive
    engine.Reload(Load("2"));
    EXPECT_FALSE(watch.expired());
  }
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(engine.rewrite("SELECT * FROM t", {"u"})->sql, "SELECT * FROM t WHERE (t.x = 2)");
}

TEST(ReloadTest, ReloadFromFileKeepsTheOldPolicyOnError) {
  Engine engine(Load("1"));
  EXPECT_THAT(engine.ReloadFromFile("/nonexistent.json"), StatusIs(absl::StatusCode::kFailedPrecondition, "cannot read"));
  EXPECT_EQ(engine.rewrite("SELECT * FROM t", {"u"})->sql, "SELECT * FROM t WHERE (t.x = 1)");
  EXPECT_EQ(engine.reloads(), 0u);
}

}  // namespace
}  // namespace rlsq
