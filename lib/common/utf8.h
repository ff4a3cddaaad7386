// UTF-8, shared by the lexer (U& and E'' escapes, input validation) and the JSON reader (\u escapes, input
// validation: policy files, callers and guest rules must be UTF-8 like the SQL they end up in).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rlsq {

// Appends code point `cp` (<= U+10FFFF, not a surrogate: callers validate) as UTF-8.
inline void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the strict UTF-8 sequence starting at p[0] (1..4), or 0 if it is invalid or a NUL byte. No overlong
// forms, no surrogates, nothing above U+10FFFF.
inline size_t Utf8SequenceLength(const unsigned char* p, size_t avail) {
  unsigned char c = p[0];
  if (c < 0x80) return c == 0 ? 0 : 1;
  auto cont = [&](size_t i, unsigned char lo, unsigned char hi) { return i < avail && p[i] >= lo && p[i] <= hi; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;  // no overlongs
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2, 0x80, 0xBF) ? 3 : 0;  // no surrogates
  if (c >= 0xE1 && c <= 0xEF) return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;  // <= U+10FFFF
  return 0;
}

// The offset of the first byte that is not valid strict UTF-8 (or a NUL byte), or text.size(). When `ascii` is
// given it is cleared if any multi-byte sequence is seen.
size_t FindInvalidUtf8(std::string_view text, bool* ascii = nullptr);

// PostgreSQL's message naming the offending bytes at `at`: invalid byte sequence for encoding "UTF8": 0xc3 0x28.
std::string InvalidUtf8Message(std::string_view text, size_t at);

}  // namespace rlsq
