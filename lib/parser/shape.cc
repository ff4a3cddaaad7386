#include "lib/parser/shape.h"

#include <algorithm>
#include <cstring>

namespace rlsq {

bool IsLiteralToken(TokenKind kind) {
  switch (kind) {
    case TokenKind::kString:
    case TokenKind::kBitString:
    case TokenKind::kHexString:
    case TokenKind::kInteger:
    case TokenKind::kNumeric:
      return true;
    default:
      return false;
  }
}

void AppendShapeKey(std::span<const Token> tokens, std::string* out) {
  size_t n = tokens.empty() ? 0 : tokens.size() - 1;  // the kEof token is not part of the key
  // The size first (one allocation, then plain stores): per token a kind byte, then the string form for a literal,
  // or the text's length (a varint, at most 5 bytes for a 32-bit length) and the text.
  size_t size = 0;
  for (size_t i = 0; i < n; ++i) size += IsLiteralToken(tokens[i].kind) ? 2 : 6 + tokens[i].text.size();
  size_t at = out->size();
  out->resize(at + size);
  char* p = out->data() + at;
  for (size_t i = 0; i < n; ++i) {
    const Token& t = tokens[i];
    *p++ = static_cast<char>(t.kind);
    if (IsLiteralToken(t.kind)) {
      *p++ = static_cast<char>(t.string_form);
      continue;
    }
    // Length first: no text can run into the next token's kind byte.
    size_t len = t.text.size();
    while (len >= 0x80) {
      *p++ = static_cast<char>(0x80 | (len & 0x7f));
      len >>= 7;
    }
    *p++ = static_cast<char>(len);
    std::memcpy(p, t.text.data(), t.text.size());
    p += t.text.size();
  }
  out->resize(static_cast<size_t>(p - out->data()));
}

QueryShape MakeQueryShape(std::span<const Token> tokens, std::span<const uint32_t> value_tokens) {
  QueryShape shape;
  AppendShapeKey(tokens, &shape.key);
  shape.begins.reserve(tokens.size());
  shape.ends.reserve(tokens.size());
  for (const Token& t : tokens) {
    shape.begins.push_back(t.begin);
    shape.ends.push_back(t.end);
  }
  std::vector<bool> value(tokens.size(), false);
  for (uint32_t i : value_tokens)
    if (i < tokens.size()) value[i] = true;
  for (size_t i = 0; i + 1 < tokens.size(); ++i)
    if (IsLiteralToken(tokens[i].kind) && !value[i])
      shape.pinned.emplace_back(static_cast<uint32_t>(i), std::string(tokens[i].text));
  return shape;
}

bool QueryShape::PinnedMatch(std::span<const Token> tokens) const {
  for (const auto& [index, text] : pinned)
    if (index >= tokens.size() || tokens[index].text != text) return false;
  return true;
}

size_t QueryShape::TokenAt(uint32_t offset, bool end) const {
  // Offsets only grow from one token to the next, so both lists are sorted; the first match is a real token
  // before the kEof token (which begins and ends at the text's end).
  const std::vector<uint32_t>& list = end ? ends : begins;
  auto it = std::lower_bound(list.begin(), list.end(), offset);
  if (it == list.end() || *it != offset) return kNoToken;
  return static_cast<size_t>(it - list.begin());
}

bool QueryShape::MapOffset(uint32_t offset, bool end, std::span<const Token> tokens, uint32_t* out) const {
  size_t i = TokenAt(offset, end);
  if (i >= tokens.size()) return false;
  *out = end ? tokens[i].end : tokens[i].begin;
  return true;
}

}  // namespace rlsq
