// ASCII case for SQL words and names: the one place rlsq lower-cases text. SQL's case rules are ASCII-only in every
// dialect rlsq reads (PostgreSQL's downcase_identifier, MySQL's table-name folding, keywords), so none of these
// touch bytes outside A-Z.
#pragma once

#include <string>
#include <string_view>

namespace rlsq {

constexpr char AsciiLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline void AsciiLowerInPlace(std::string* s) {
  for (char& c : *s) c = AsciiLowerChar(c);
}

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  AsciiLowerInPlace(&out);
  return out;
}

// Appends `s` lower-cased to `out`.
inline void AppendAsciiLower(std::string_view s, std::string* out) {
  for (char c : s) out->push_back(AsciiLowerChar(c));
}

constexpr bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLowerChar(a[i]) != AsciiLowerChar(b[i])) return false;
  return true;
}

}  // namespace rlsq
