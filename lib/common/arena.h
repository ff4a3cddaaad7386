// Arena for AST nodes. Nodes and their containers draw memory from one monotonic resource and are released
// together; node types therefore hold only trivially-destructible data or pmr containers from the same arena.
#pragma once

#include <cstring>
#include <memory_resource>
#include <string_view>
#include <utility>
#include <vector>

namespace rlsq {

class Arena {
 public:
  explicit Arena(size_t initial_bytes = 16 * 1024) : resource_(initial_bytes) {}
  // Draws from `buffer` first (not owned; it must outlive the arena), then from the heap: Release() then costs no
  // allocation when the buffer sufficed.
  Arena(void* buffer, size_t size) : resource_(buffer, size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  std::pmr::memory_resource* resource() { return &resource_; }

  // Constructs a T in the arena. T's destructor never runs: T must own nothing outside the arena.
  template <class T, class... Args>
  T* New(Args&&... args) {
    void* p = resource_.allocate(sizeof(T), alignof(T));
    return new (p) T(std::forward<Args>(args)...);
  }

  // Copies a string into the arena.
  std::string_view Intern(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(resource_.allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // Frees everything allocated so far (the arena can then be reused; nothing allocated before may be used).
  void Release() { resource_.release(); }

  template <class T>
  std::pmr::vector<T> MakeVector() {
    return std::pmr::vector<T>(&resource_);
  }

 private:
  std::pmr::monotonic_buffer_resource resource_;
};

}  // namespace rlsq
