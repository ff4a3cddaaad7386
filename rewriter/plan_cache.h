// A bounded, sharded cache of injection plans keyed by SQL text (one per policy snapshot and database), and behind it
// by the text's shape (its tokens without the values of its constants: lib/parser/shape.h), so that a chart's query
// with another time range or filter value costs a lex, a key, a lookup and a rebase instead of a parse.
//
// Two levels. Each thread keeps a front (thread-local, 2-way set-associative, 1024 sets, 64 KB) of the plans it
// used last; a hit there hashes the text, compares it with the plan's and returns a pointer: no lock, no reference
// count, no write to any shared cache line, so threads serving the same dashboards do not slow each other down. Behind it, the shared
// cache: 16 shards (one cache line or more each), a short critical section on the text's shard, CLOCK-like
// eviction (second chance) per shard. A plan evicted from the shared cache stays alive while a thread's front
// still holds it (at most 2048 plans per thread); a new cache (a reload publishes a new snapshot with new caches)
// never matches another's front entries.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "lib/lexer/token.h"
#include "rewriter/plan.h"

namespace rlsq::rewriter {

class PlanCache {
 public:
  explicit PlanCache(size_t capacity = 4096);

  // The plan for `sql`, or null. The pointer stays valid until this thread's next Find or Insert on any PlanCache.
  // `count_miss` false: a miss is not counted (a probe that the caller follows with a counted Find).
  // `text_hash`, when given, receives the hash of `sql` the lookup computed.
  const Plan* Find(std::string_view sql, bool count_miss = true, size_t* text_hash = nullptr);
  // Adds a plan under its text (Plan::sql), also to this thread's front; a plan already cached for the text is kept.
  // A plan with a shape (Plan::shape) is also added under its shape, unless a plan of that shape is cached.
  void Insert(std::shared_ptr<const Plan> plan);

  // The shape level: the plan of a text with shape key `key` (lib/parser/shape.h AppendShapeKey of `tokens`) and
  // the values the plan pins, or null. The whole key is compared, not only its hash. The caller rebases the plan
  // onto its text (RebasePlan) and Inserts the result under that text. `count_miss` false: a miss is not counted.
  // Counted: a hit in shape_hits(), a miss in misses() (after an uncounted Find of the text).
  std::shared_ptr<const Plan> FindShape(std::string_view key, std::span<const Token> tokens, bool count_miss = true);

  uint64_t id() const { return id_; }  // unique over the process's lifetime
  size_t size() const;         // plans cached under their text
  size_t shape_count() const;  // plans cached under their shape
  uint64_t hits() const;       // text hits and shape hits
  uint64_t shape_hits() const;
  uint64_t misses() const;

 private:
  static constexpr size_t kShards = 16;
  struct Entry {
    std::shared_ptr<const Plan> plan;
    bool referenced = false;
  };
  // The text's hash is computed once per call and carried with the key, so the map never re-hashes the text. The
  // text is the entry's Plan::sql (alive as long as the entry).
  struct Key {
    std::string_view text;
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
  // One cache line (or more) per shard: threads working on different shards share no written line. The hit and
  // miss counts live under the shard's lock for the same reason (a global atomic counter was written by every
  // request and cost a third of the 2-thread throughput of cached rewrites).
  struct alignas(64) Shard {
    mutable std::mutex mu;
    absl::flat_hash_map<Key, Entry, KeyHash, KeyEq> map;
    absl::flat_hash_map<Key, Entry, KeyHash, KeyEq> shapes;  // keyed by the plan's Plan::shape->key
    uint64_t hits = 0, misses = 0, shape_hits = 0;
  };
  // Makes room for one more entry in `map` (second chance: the first entry not referenced since the last sweep).
  void Evict(absl::flat_hash_map<Key, Entry, KeyHash, KeyEq>& map) const;
  static size_t HashText(std::string_view sql);
  // The thread-local front: 2-way set-associative, the set for `hash`.
  struct LocalEntry {
    uint64_t cache_id = 0;  // 0: empty
    size_t hash = 0;
    std::shared_ptr<const Plan> plan;  // its sql is the key
  };
  struct LocalSet {
    LocalEntry way[2];  // most recently used first
  };
  static LocalSet& LocalFor(size_t hash);
  // Puts `plan` first in `set` (the older way drops out); returns it.
  const Plan* Remember(LocalSet& set, size_t hash, std::shared_ptr<const Plan> plan) const;
  // Hits in the fronts, counted per thread home (padded) so that counting writes no shared line.
  struct alignas(64) LocalCounter {
    std::atomic<uint64_t> hits{0};
  };
  static constexpr size_t kLocalCounters = 64;
  void CountLocalHit();
  // The sum of `of(shard)` over the shards, each read under its lock.
  template <class F>
  uint64_t SumShards(F&& of) const;

  Shard& ShardFor(size_t hash) { return shards_[(hash >> 56) % kShards]; }

  const uint64_t id_;  // unique over the process's lifetime
  size_t per_shard_capacity_;
  std::array<Shard, kShards> shards_;
  std::array<LocalCounter, kLocalCounters> local_hits_;
};

}  // namespace rlsq::rewriter
