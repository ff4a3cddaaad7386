// The predicate cache per (role set, table): computed once, shared by every user with the same roles, no heap
// allocation on a hit, safe under concurrent first use.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "lib/policy/policy.h"
#include "tests/rewriter/test_policy.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Counts every heap allocation of this test binary.
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace rlsq::policy {
namespace {

TEST(PredicateCacheTest, HitAllocatesNothingAndIsSharedByRoleSet) {
  auto loaded = Policy::FromJson(testing::kTestPolicy, Dialect::Postgres());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Policy& p = **loaded;
  int32_t orders = p.TableId(TableName{"", "public", "orders"}.Key());
  ASSERT_GE(orders, 0);
  EXPECT_EQ(p.TableId(TableName{"", "public", "lineitem"}.Key()), -1);  // no filter names it
  uint32_t alice = p.FindUser("alice")->role_set;
  std::vector<std::unique_ptr<Predicate>> overflow;
  const Predicate* first = p.PredicateFor(alice, orders, &overflow);  // miss: computed and published
  ASSERT_NE(first, nullptr);
  size_t cached = p.cached_predicates();
  long before = g_allocations.load();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(p.PredicateFor(alice, orders, &overflow), first);
  EXPECT_EQ(g_allocations.load(), before) << "a cache hit allocated";
  EXPECT_EQ(p.cached_predicates(), cached);
  EXPECT_TRUE(overflow.empty());
}

TEST(PredicateCacheTest, ConcurrentFirstUseYieldsOneEntry) {
  auto loaded = Policy::FromJson(testing::kTestPolicy, Dialect::Postgres());
  ASSERT_TRUE(loaded.ok());
  const Policy& p = **loaded;
  int32_t nation = p.TableId(TableName{"", "public", "nation"}.Key());
  uint32_t bob = p.FindUser("bob")->role_set;
  std::vector<const Predicate*> seen(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      std::vector<std::unique_ptr<Predicate>> overflow;
      seen[t] = p.PredicateFor(bob, nation, &overflow);
    });
  for (auto& t : threads) t.join();
  for (const Predicate* s : seen) EXPECT_EQ(s, seen[0]);
  ASSERT_NE(seen[0], nullptr);
  EXPECT_EQ(seen[0]->terms.size(), 1u);  // one ORed group (region)
  EXPECT_EQ(seen[0]->terms[0].filters.size(), 2u);
}

}  // namespace
}  // namespace rlsq::policy
