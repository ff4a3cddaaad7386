// The tokens a dialect's lexer makes of a text, as "kind:text" strings (id, qid, str, bit, hex, int, num, param, op,
// p, var, cs), without the end token; a lexing error is the one string "error: <message>". For token-level
// expectations in the dialect tests (header-only: the test binaries link the dialects, the support library does not).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/common/arena.h"
#include "lib/dialect/dialect.h"

namespace rlsq::testing {

inline std::vector<std::string> LexTokens(const Dialect& d, std::string_view sql) {
  Arena arena;
  std::vector<Token> tokens;
  absl::Status s = d.Tokenize(sql, arena, &tokens);
  if (!s.ok()) return {std::string("error: ") + std::string(s.message())};
  std::vector<std::string> out;
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::kEof) break;
    const char* k = "?";
    switch (t.kind) {
      case TokenKind::kIdent: k = "id"; break;
      case TokenKind::kQuotedIdent: k = "qid"; break;
      case TokenKind::kString: k = "str"; break;
      case TokenKind::kBitString: k = "bit"; break;
      case TokenKind::kHexString: k = "hex"; break;
      case TokenKind::kInteger: k = "int"; break;
      case TokenKind::kNumeric: k = "num"; break;
      case TokenKind::kParam: k = "param"; break;
      case TokenKind::kOperator: k = "op"; break;
      case TokenKind::kPunct: k = "p"; break;
      case TokenKind::kVariable: k = "var"; break;
      case TokenKind::kIntroducer: k = "cs"; break;
      default: break;
    }
    out.push_back(std::string(k) + ":" + std::string(t.text));
  }
  return out;
}

}  // namespace rlsq::testing
