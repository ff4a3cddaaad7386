// A bounded, sharded cache of injection plans keyed by SQL text (one cache per engine and dialect). A hit is one hash
// of the text, one short critical section and a shared_ptr copy. Eviction is CLOCK-like (second chance) per shard.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "rewriter/plan.h"

namespace rlsq::rewriter {

class PlanCache {
 public:
  explicit PlanCache(size_t capacity = 4096);

  std::shared_ptr<const Plan> Find(std::string_view sql);
  void Insert(std::string_view sql, std::shared_ptr<const Plan> plan);

  size_t size() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kShards = 16;
  struct Entry {
    std::shared_ptr<const Plan> plan;
    bool referenced = false;
  };
  struct Shard {
    mutable std::mutex mu;
    absl::flat_hash_map<std::string, Entry> map;
  };
  Shard& ShardFor(size_t hash) { return shards_[hash % kShards]; }

  size_t per_shard_capacity_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace rlsq::rewriter
