// The shape of a query text: its token stream with the values of literal constants left out. Two texts with one
// shape differ only in whitespace, comments and the values of literals the parser consumed as constants, so they
// parse to the same tree up to those values, and their table reads, scopes and edit points are the same (the
// analysis never reads a constant's value: see ast::Literal). rewriter/plan_cache.h keys plans by shape.
//
// Which tokens are left out is decided by the parse, not by the token kind alone: the transform records each
// token whose text became only the value of an ast::Literal or ast::TypedLiteral (ParsedQuery::value_tokens). A
// literal token used any other way (today: the precision of INTERVAL ... SECOND(3), which becomes part of a type;
// in other dialects a string used as a name) is pinned: the plan is reused only for texts with that same value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/lexer/token.h"

namespace rlsq {

// A token kind whose value a parse may consume as a constant (strings, bit and hex strings, numbers).
bool IsLiteralToken(TokenKind kind);

// Appends the lookup key of `tokens` (the last, kEof, is not included) to `out`: per token its kind, and its text
// except for literal tokens (of which the key keeps the kind and the string form). A lookup key does not know
// which literals a parse would pin; QueryShape::pinned is compared after a match.
void AppendShapeKey(std::span<const Token> tokens, std::string* out);

struct QueryShape {
  std::string key;                      // AppendShapeKey of the text's tokens
  std::vector<uint32_t> begins, ends;   // each token's byte offsets in the text the shape was taken from
  // Literal tokens whose value is part of the plan: (token index, text as lexed). Sorted by index.
  std::vector<std::pair<uint32_t, std::string>> pinned;

  // Whether `tokens` (of another text, with this key) has the pinned values.
  bool PinnedMatch(std::span<const Token> tokens) const;
  // The offset, in a text with this key whose tokens are `tokens`, of `offset` of this shape's text: the begin
  // (`end` false) or the end (`end` true) of a token of this shape's text. False when it is no such offset. Touching
  // tokens share an offset (`a+b`) that whitespace separates in another text (`a + b`): the side says which is meant.
  bool MapOffset(uint32_t offset, bool end, std::span<const Token> tokens, uint32_t* out) const;
  // Whether `offset` is the begin (`end` false) or the end of a token of this shape's text.
  bool IsBoundary(uint32_t offset, bool end) const { return TokenAt(offset, end) != kNoToken; }

 private:
  static constexpr size_t kNoToken = ~size_t{0};
  // The index of the token that begins (ends) at `offset`, or kNoToken.
  size_t TokenAt(uint32_t offset, bool end) const;
};

// The shape of a parsed text: `tokens` its tokens (ending with kEof), `value_tokens` the indices the parse consumed
// as constants' values.
QueryShape MakeQueryShape(std::span<const Token> tokens, std::span<const uint32_t> value_tokens);

}  // namespace rlsq
