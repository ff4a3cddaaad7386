// The two-level plan cache: the thread-local front (no shared write on a hit), the shared sharded cache behind it,
// hit/miss counting across threads, eviction, and isolation between cache instances (a reload's new caches never
// serve a front entry of an old one).
#include "rewriter/plan_cache.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rewriter/plan.h"

namespace rlsq::rewriter {
namespace {

std::shared_ptr<const Plan> MakePlan(std::string sql, size_t tag = 0) {
  auto p = std::make_shared<Plan>();
  p->sql = std::move(sql);
  p->sql_size = tag;
  return p;
}

TEST(PlanCacheTest, HitsFromTheFrontAndFromTheSharedCache) {
  PlanCache cache(64);
  EXPECT_EQ(cache.Find("SELECT 1"), nullptr);
  EXPECT_EQ(cache.misses(), 1u);
  auto plan = MakePlan("SELECT 1");
  cache.Insert(plan);
  const Plan* local = cache.Find("SELECT 1");  // this thread's front
  EXPECT_EQ(local, plan.get());
  EXPECT_EQ(cache.hits(), 1u);
  const Plan* shared = nullptr;
  std::thread([&] { shared = cache.Find("SELECT 1"); }).join();  // another thread: the shared cache
  EXPECT_EQ(shared, plan.get());
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.Find("SELECT 2"), nullptr);
  EXPECT_EQ(cache.Find("SELECT  1"), nullptr);  // the exact text is the key
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(PlanCacheTest, CachesNeverShareFrontEntries) {
  auto a_plan = MakePlan("SELECT 1");
  {
    PlanCache a(64);
    a.Insert(a_plan);
    ASSERT_EQ(a.Find("SELECT 1"), a_plan.get());
  }
  PlanCache b(64);  // possibly at the same address: a new id all the same
  EXPECT_EQ(b.Find("SELECT 1"), nullptr);
  auto b_plan = MakePlan("SELECT 1");
  b.Insert(b_plan);
  EXPECT_EQ(b.Find("SELECT 1"), b_plan.get());
}

TEST(PlanCacheTest, FrontKeepsAnEvictedPlanAliveAndBounded) {
  PlanCache cache(16);  // one entry per shard
  std::weak_ptr<const Plan> first;
  {
    auto p = MakePlan("SELECT 0");
    first = p;
    cache.Insert(std::move(p));
  }
  for (int i = 1; i < 20000; ++i) cache.Insert(MakePlan("SELECT " + std::to_string(i)));
  EXPECT_LE(cache.size(), 16u);
  // The front of this thread has 1024 sets of 2: after 20000 other inserts the first plan is gone everywhere (its
  // set receives fewer than 2 of them with probability below 1e-6).
  EXPECT_TRUE(first.expired());
  EXPECT_EQ(cache.Find("SELECT 0"), nullptr);
}

TEST(PlanCacheTest, ManyThreadsFindTheSamePlans) {
  PlanCache cache(4096);
  std::vector<std::shared_ptr<const Plan>> plans;
  for (int i = 0; i < 300; ++i) {
    plans.push_back(MakePlan("SELECT " + std::to_string(i), i));
    cache.Insert(plans.back());
  }
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round)
        for (int i = 0; i < 300; ++i) {
          const Plan* p = cache.Find("SELECT " + std::to_string((i + t * 75) % 300));
          if (!p || p->sql_size != static_cast<size_t>((i + t * 75) % 300)) ++wrong;
        }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.hits(), 4u * 20 * 300);
}

}  // namespace
}  // namespace rlsq::rewriter
