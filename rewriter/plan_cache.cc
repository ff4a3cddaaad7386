#include "rewriter/plan_cache.h"

#include "absl/hash/hash.h"
#include "lib/common/str_cat.h"

namespace rlsq::rewriter {

PlanCache::PlanCache(size_t capacity) : per_shard_capacity_(std::max<size_t>(1, capacity / kShards)) {}

size_t PlanCache::HashText(std::string_view sql) { return absl::Hash<absl::string_view>{}(ToAbsl(sql)); }

std::shared_ptr<const Plan> PlanCache::Find(std::string_view sql) {
  size_t h = HashText(sql);
  Shard& s = ShardFor(h);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.map.find(Probe{sql, h});
  if (it == s.map.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  it->second.referenced = true;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second.plan;
}

void PlanCache::Insert(std::string_view sql, std::shared_ptr<const Plan> plan) {
  size_t h = HashText(sql);
  Shard& s = ShardFor(h);
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.map.contains(Probe{sql, h})) return;
  while (s.map.size() >= per_shard_capacity_) {
    // Second chance: evict the first entry not referenced since the last sweep, clearing bits on the way.
    bool evicted = false;
    for (auto it = s.map.begin(); it != s.map.end(); ++it) {
      if (!it->second.referenced) {
        s.map.erase(it);
        evicted = true;
        break;
      }
      it->second.referenced = false;
    }
    if (!evicted) s.map.erase(s.map.begin());
  }
  s.map.emplace(Key{std::string(sql), h}, Entry{std::move(plan), false});
}

size_t PlanCache::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.map.size();
  }
  return n;
}

}  // namespace rlsq::rewriter
