// Lock-free publication of immutable snapshots (the engine's policy and caches) with safe reclamation.
//
// Readers protect the current snapshot with a hazard slot: one compare-and-swap on a slot that is, in practice,
// private to the thread (slots are cache-line padded and chosen by thread), a re-check of the current pointer, and a
// store to release. No lock and no shared reference count on the hot path, so readers on different cores do not
// contend. A writer publishes a new snapshot with one exchange, then waits until no slot still protects the old one
// (readers hold a slot for one request) and deletes it: an old snapshot is freed when its last reader leaves, and a
// reader never sees a half-built one.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace rlsq::rewriter {

template <class T>
class SnapshotHolder {
 public:
  explicit SnapshotHolder(std::unique_ptr<T> initial) : current_(initial.release()) {}
  ~SnapshotHolder() { delete current_.load(); }
  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;

  // Keeps one snapshot alive for its lifetime.
  class Reader {
   public:
    explicit Reader(const SnapshotHolder& h) : slot_(&h.Claim()) {
      T* p = h.current_.load(std::memory_order_seq_cst);
      for (;;) {
        slot_->store(p, std::memory_order_seq_cst);
        T* again = h.current_.load(std::memory_order_seq_cst);
        if (again == p) break;
        p = again;
      }
      snapshot_ = p;
    }
    ~Reader() { slot_->store(nullptr, std::memory_order_release); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    const T& operator*() const { return *snapshot_; }
    const T* operator->() const { return snapshot_; }

   private:
    std::atomic<T*>* slot_;
    const T* snapshot_;
  };

  // Publishes `next`; returns once the previous snapshot has no reader left and has been deleted.
  void Publish(std::unique_ptr<T> next) {
    std::lock_guard<std::mutex> lock(writer_mu_);
    T* old = current_.exchange(next.release(), std::memory_order_seq_cst);
    for (auto& s : slots_)
      while (s.p.load(std::memory_order_seq_cst) == old) std::this_thread::yield();
    delete old;
    generation_.fetch_add(1, std::memory_order_relaxed);
  }

  // How many snapshots have been published after the first.
  uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kSlots = 128;
  static T* Claimed() { return reinterpret_cast<T*>(alignof(T)); }  // marks a slot taken before it holds a pointer
  struct alignas(64) Slot {
    std::atomic<T*> p{nullptr};
  };

  // A free slot, preferring the one this thread used last.
  std::atomic<T*>& Claim() const {
    static std::atomic<uint32_t> next_thread{0};
    thread_local uint32_t home = next_thread.fetch_add(1, std::memory_order_relaxed);
    for (uint32_t i = 0;; ++i) {
      Slot& s = slots_[(home + i) % kSlots];
      T* expected = nullptr;
      if (s.p.compare_exchange_strong(expected, Claimed(), std::memory_order_acq_rel)) return s.p;
      if (i % kSlots == kSlots - 1) std::this_thread::yield();
    }
  }

  std::atomic<T*> current_;
  mutable Slot slots_[kSlots];
  std::mutex writer_mu_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace rlsq::rewriter
