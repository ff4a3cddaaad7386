#include "lib/common/utf8.h"

#include <cstring>

namespace rlsq {

size_t FindInvalidUtf8(std::string_view text, bool* ascii) {
  const unsigned char* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  while (i < n) {
    // ASCII fast path: 8 bytes without high bits and without zero bytes.
    while (i + 8 <= n) {
      uint64_t v;
      std::memcpy(&v, s + i, 8);
      if (((v & kHigh) | ((v - kOnes) & ~v & kHigh)) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    size_t len = Utf8SequenceLength(s + i, n - i);
    if (len == 0) return i;
    if (len > 1 && ascii) *ascii = false;
    i += len;
  }
  return n;
}

std::string InvalidUtf8Message(std::string_view text, size_t at) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data()) + at;
  size_t avail = text.size() - at;
  if (p[0] == 0) return "invalid byte sequence for encoding \"UTF8\": 0x00 (NUL byte)";
  size_t want = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 1;
  if (want > avail) want = avail;
  std::string msg = "invalid byte sequence for encoding \"UTF8\":";
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < want; ++i) {
    char b[6] = {' ', '0', 'x', kHex[p[i] >> 4], kHex[p[i] & 15], 0};
    msg += b;
  }
  return msg;
}

}  // namespace rlsq
