// String concatenation that takes std::string_view. Debian's abseil is built with its own absl::string_view (not
// std::string_view), so absl::StrCat rejects std::string_view arguments; rlsq code uses rlsq::Cat / rlsq::Append.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace rlsq {

namespace str_internal {
inline void Put(std::string* out, std::string_view s) { out->append(s.data(), s.size()); }
inline void Put(std::string* out, const char* s) { out->append(s); }
inline void Put(std::string* out, const std::string& s) { out->append(s); }
inline void Put(std::string* out, char c) { out->push_back(c); }
template <class T>
  requires(std::is_same_v<T, absl::string_view> && !std::is_same_v<absl::string_view, std::string_view>)
void Put(std::string* out, T s) {
  out->append(s.data(), s.size());
}
template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, bool>)
void Put(std::string* out, T v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}
}  // namespace str_internal

// Conversions between std::string_view and Debian's absl::string_view (e.g. absl::Status::message(), and keys for
// heterogeneous lookup in absl::flat_hash_map<std::string, ...>).
inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

template <class... A>
void Append(std::string* out, const A&... a) {
  (str_internal::Put(out, a), ...);
}

template <class... A>
std::string Cat(const A&... a) {
  std::string out;
  Append(&out, a...);
  return out;
}

}  // namespace rlsq
