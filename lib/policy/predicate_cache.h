// A lock-free, insert-only cache of combined predicates per (role set, table), for the rewrite hot path.
// Readers probe an open-addressing table of atomic slots: no lock, no allocation on a hit. A miss computes the
// predicate and publishes it with one compare-and-swap; a thread that loses the race adopts the winner's entry.
// The capacity is fixed when the policy is loaded; when the table is three-quarters full, further predicates are
// computed per request and not cached (the caller supplies the storage), so memory stays bounded.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace rlsq::policy {

template <class T>
class InsertOnlyCache {
 public:
  explicit InsertOnlyCache(size_t min_capacity) {
    size_t cap = 1024;
    while (cap < min_capacity) cap <<= 1;
    mask_ = cap - 1;
    slots_ = std::make_unique<Slot[]>(cap);
  }
  ~InsertOnlyCache() {
    for (size_t i = 0; i <= mask_; ++i) delete slots_[i].value.load(std::memory_order_relaxed);
  }
  InsertOnlyCache(const InsertOnlyCache&) = delete;
  InsertOnlyCache& operator=(const InsertOnlyCache&) = delete;

  // `key` must not be 0.
  const T* Find(uint64_t key) const {
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      uint64_t k = slots_[i].key.load(std::memory_order_acquire);
      if (k == key) return slots_[i].value.load(std::memory_order_acquire);  // null while being published
      if (k == 0) return nullptr;
    }
  }

  // Publishes `value` for `key` and returns the cached entry (the winner's if another thread published first), or
  // null when the cache is full (the value is then not kept: the caller must keep its own copy).
  const T* Insert(uint64_t key, std::unique_ptr<T> value) {
    if (size_.load(std::memory_order_relaxed) * 4 >= (mask_ + 1) * 3) return nullptr;
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      uint64_t k = slots_[i].key.load(std::memory_order_acquire);
      if (k == 0) {
        uint64_t expected = 0;
        if (slots_[i].key.compare_exchange_strong(expected, key, std::memory_order_acq_rel)) {
          size_.fetch_add(1, std::memory_order_relaxed);
          const T* p = value.release();
          slots_[i].value.store(p, std::memory_order_release);
          return p;
        }
        k = expected;
      }
      if (k == key) {
        // Another thread claimed this key; its value appears right after its compare-and-swap.
        const T* p;
        while (!(p = slots_[i].value.load(std::memory_order_acquire))) {
        }
        return p;
      }
    }
  }

  size_t size() const { return size_.load(std::memory_order_relaxed); }
  size_t capacity() const { return mask_ + 1; }

 private:
  struct alignas(16) Slot {
    std::atomic<uint64_t> key{0};
    std::atomic<const T*> value{nullptr};
  };
  static size_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  std::unique_ptr<Slot[]> slots_;
  size_t mask_ = 0;
  std::atomic<size_t> size_{0};
};

}  // namespace rlsq::policy
