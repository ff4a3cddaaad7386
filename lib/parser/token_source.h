// An antlr4::TokenSource over the tokens of rlsq's hand-written lexer. Private to lib/parser: it includes ANTLR.
//
// Words (kIdent, already folded to lower case) become the grammar's K_<WORD> keyword tokens when the grammar
// declares one (looked up once from the generated vocabulary), IDENT otherwise; quoted identifiers are never
// keywords. Operators and punctuation map to their named token types, any other operator to OP. The ANTLR token
// index equals the index into the rlsq token vector, so transforms can get back the rlsq::Token (byte span,
// decoded text) of any terminal.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "antlr4-runtime.h"
#include "lib/lexer/token.h"

namespace rlsq::parser_internal {

// The grammar token type of an rlsq token.
size_t GrammarTokenType(const Token& token);

// The grammar token type of a folded keyword (e.g. "select" -> K_SELECT), or 0 when the word is no keyword of the
// grammar.
size_t KeywordTokenType(std::string_view folded_word);

class RlsqTokenSource : public antlr4::TokenSource {
 public:
  RlsqTokenSource();

  // Starts over on `tokens` (which must end with a kEof token and outlive the parse). `limit` is the index of the
  // token that is presented as EOF (tokens from there on are not shown to the parser).
  void Reset(const std::vector<Token>* tokens, size_t limit);

  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override;
  size_t getCharPositionInLine() override;
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "rlsq"; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  const std::vector<Token>* tokens_ = nullptr;
  size_t limit_ = 0;
  size_t next_ = 0;
};

}  // namespace rlsq::parser_internal
