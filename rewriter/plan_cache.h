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
  // The text's hash is computed once per call and carried with the key, so the map never re-hashes the text.
  struct Key {
    std::string text;
    size_t hash;
  };
  struct Probe {
    std::string_view text;
    size_t hash;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const Key& k) const { return k.hash; }
    size_t operator()(const Probe& k) const { return k.hash; }
  };
  struct KeyEq {
    using is_transparent = void;
    static std::string_view Text(const Key& k) { return k.text; }
    static std::string_view Text(const Probe& k) { return k.text; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return Text(a) == Text(b);
    }
  };
  struct Shard {
    mutable std::mutex mu;
    absl::flat_hash_map<Key, Entry, KeyHash, KeyEq> map;
  };
  static size_t HashText(std::string_view sql);
  Shard& ShardFor(size_t hash) { return shards_[(hash >> 56) % kShards]; }

  size_t per_shard_capacity_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace rlsq::rewriter
