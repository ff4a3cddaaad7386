#include "rewriter/plan_cache.h"

#include "absl/hash/hash.h"
#include "lib/common/str_cat.h"

namespace rlsq::rewriter {

namespace {
std::atomic<uint64_t> next_cache_id{1};
constexpr size_t kLocalSets = 1024;
}  // namespace

PlanCache::PlanCache(size_t capacity)
    : id_(next_cache_id.fetch_add(1, std::memory_order_relaxed)),
      per_shard_capacity_(std::max<size_t>(1, capacity / kShards)) {}

size_t PlanCache::HashText(std::string_view sql) { return absl::Hash<absl::string_view>{}(ToAbsl(sql)); }

PlanCache::LocalSet& PlanCache::LocalFor(size_t hash) {
  thread_local std::array<LocalSet, kLocalSets> front;
  return front[hash % kLocalSets];
}

const Plan* PlanCache::Remember(LocalSet& set, size_t hash, std::shared_ptr<const Plan> plan) const {
  set.way[1] = std::move(set.way[0]);
  set.way[0] = LocalEntry{id_, hash, std::move(plan)};
  return set.way[0].plan.get();
}

void PlanCache::CountLocalHit() {
  static std::atomic<uint32_t> next_home{0};
  thread_local uint32_t home = next_home.fetch_add(1, std::memory_order_relaxed);
  local_hits_[home % kLocalCounters].hits.fetch_add(1, std::memory_order_relaxed);
}

const Plan* PlanCache::Find(std::string_view sql, bool count_miss, size_t* text_hash) {
  size_t h = HashText(sql);
  if (text_hash) *text_hash = h;
  LocalSet& set = LocalFor(h);
  for (int w = 0; w < 2; ++w) {
    const LocalEntry& e = set.way[w];
    if (e.cache_id == id_ && e.hash == h && e.plan->sql == sql) {
      if (w) std::swap(set.way[0], set.way[1]);  // most recent first (swapping shared_ptrs counts nothing)
      CountLocalHit();
      return set.way[0].plan.get();
    }
  }
  Shard& s = ShardFor(h);
  std::shared_ptr<const Plan> plan;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.map.find(Probe{sql, h});
    if (it == s.map.end()) {
      if (count_miss) ++s.misses;
      return nullptr;
    }
    it->second.referenced = true;
    ++s.hits;
    plan = it->second.plan;
  }
  return Remember(set, h, std::move(plan));
}

void PlanCache::Evict(absl::flat_hash_map<Key, Entry, KeyHash, KeyEq>& map) const {
  while (map.size() >= per_shard_capacity_) {
    bool evicted = false;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->second.referenced) {
        map.erase(it);
        evicted = true;
        break;
      }
      it->second.referenced = false;
    }
    if (!evicted) map.erase(map.begin());
  }
}

void PlanCache::Insert(std::shared_ptr<const Plan> plan) {
  std::string_view sql = plan->sql;
  size_t h = HashText(sql);
  Remember(LocalFor(h), h, plan);
  {
    Shard& s = ShardFor(h);
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.map.contains(Probe{sql, h})) {
      Evict(s.map);
      s.map.emplace(Key{sql, h}, Entry{plan, false});
    }
  }
  if (!plan->shape) return;
  std::string_view key = plan->shape->key;
  size_t k = HashText(key);
  Shard& s = ShardFor(k);
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.shapes.contains(Probe{key, k})) return;
  Evict(s.shapes);
  s.shapes.emplace(Key{key, k}, Entry{std::move(plan), false});
}

std::shared_ptr<const Plan> PlanCache::FindShape(std::string_view key, std::span<const Token> tokens,
                                                 bool count_miss) {
  size_t k = HashText(key);
  Shard& s = ShardFor(k);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.shapes.find(Probe{key, k});  // KeyEq compares the whole key
  if (it == s.shapes.end() || !it->second.plan->shape->PinnedMatch(tokens)) {
    if (count_miss) ++s.misses;
    return nullptr;
  }
  it->second.referenced = true;
  ++s.shape_hits;
  return it->second.plan;
}

template <class F>
uint64_t PlanCache::SumShards(F&& of) const {
  uint64_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += of(s);
  }
  return n;
}

uint64_t PlanCache::hits() const {
  uint64_t n = SumShards([](const Shard& s) { return s.hits + s.shape_hits; });
  for (const LocalCounter& c : local_hits_) n += c.hits.load(std::memory_order_relaxed);
  return n;
}

uint64_t PlanCache::shape_hits() const {
  return SumShards([](const Shard& s) { return s.shape_hits; });
}

size_t PlanCache::shape_count() const { return SumShards([](const Shard& s) { return s.shapes.size(); }); }

uint64_t PlanCache::misses() const { return SumShards([](const Shard& s) { return s.misses; }); }

size_t PlanCache::size() const { return SumShards([](const Shard& s) { return s.map.size(); }); }

}  // namespace rlsq::rewriter
