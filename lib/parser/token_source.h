// An antlr4::TokenSource over the tokens of rlsq's hand-written lexer. Private to lib/parser: it includes ANTLR.
//
// Words (kIdent, already folded to lower case) become the grammar's K_<WORD> keyword tokens when the grammar
// declares one (looked up once from the generated vocabulary), IDENT otherwise; quoted identifiers are never
// keywords. Operators and punctuation map to their named token types, any other operator to OP. The ANTLR token
// index equals the index into the rlsq token vector, so transforms can get back the rlsq::Token (byte span,
// decoded text) of any terminal.
//
// RlsqTokenStream is what the parser reads: an antlr4::TokenStream over one reusable array of small tokens, built
// in one pass per parse (no per-token heap allocation, no token text copies, no lazy fetching or channel
// filtering as in CommonTokenStream).
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "antlr4-runtime.h"
#include "lib/dialect/dialect.h"
#include "lib/lexer/token.h"

namespace rlsq::parser_internal {

// How one dialect's tokens map onto the shared grammar's: which words are keywords (the grammar's K_ tokens that
// the dialect's Keyword() knows; every other word is IDENT), which operator spellings stand for keywords (MySQL's
// `||` and `&&`), and whether words must be lower-cased before the lookup (dialects that keep identifier case).
// One per dialect instance, built once (Vocabulary::For).
class Vocabulary {
 public:
  static const Vocabulary& For(const Dialect& dialect);
  // The grammar token type of an rlsq token.
  size_t TokenType(const Token& token) const;
  // The grammar token type of a keyword (e.g. "select" -> K_SELECT), or 0 when the word is no keyword.
  size_t KeywordType(std::string_view word) const;

 private:
  explicit Vocabulary(const Dialect& dialect);
  absl::flat_hash_map<std::string, size_t> keywords_;
  bool fold_ = false;
  size_t pipes_ = 0, ampersands_ = 0;  // the type of `||` and `&&` when the dialect reads them as keywords
};

class RlsqTokenSource : public antlr4::TokenSource {
 public:
  RlsqTokenSource();

  // Starts over on `tokens` (which must end with a kEof token and outlive the parse). `limit` is the index of the
  // token that is presented as EOF (tokens from there on are not shown to the parser).
  void Reset(const std::vector<Token>* tokens, size_t limit, const Vocabulary* vocabulary);

  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override;
  size_t getCharPositionInLine() override;
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "rlsq"; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  const std::vector<Token>* tokens_ = nullptr;
  const Vocabulary* vocabulary_ = nullptr;
  size_t limit_ = 0;
  size_t next_ = 0;
};

// A grammar token: type, index and positions only. Its text is computed on demand from the source.
class RlsqAntlrToken final : public antlr4::Token {
 public:
  size_t type = 0;
  size_t index = 0;
  size_t start = 0;  // byte offset of the first character
  size_t stop = 0;   // byte offset of the last character
  size_t line = 0;
  size_t column = 0;  // 0-based, as ANTLR counts
  std::string_view sql;
  antlr4::TokenSource* source = nullptr;

  std::string getText() const override;
  size_t getType() const override { return type; }
  size_t getLine() const override { return line; }
  size_t getCharPositionInLine() const override { return column; }
  size_t getChannel() const override { return DEFAULT_CHANNEL; }
  size_t getTokenIndex() const override { return index; }
  size_t getStartIndex() const override { return start; }
  size_t getStopIndex() const override { return stop; }
  antlr4::TokenSource* getTokenSource() const override { return source; }
  antlr4::CharStream* getInputStream() const override { return nullptr; }
  std::string toString() const override;
};

class RlsqTokenStream final : public antlr4::TokenStream {
 public:
  explicit RlsqTokenStream(RlsqTokenSource* source) : source_(source) {}

  // Starts over on `tokens` (ending with kEof; must outlive the parse) of `sql`: tokens [0, limit) are shown with
  // their grammar types, token `limit` as EOF. The token array keeps its capacity across calls.
  void Reset(const std::vector<Token>& tokens, size_t limit, std::string_view sql, const Vocabulary& vocabulary);
  // Drops the tokens (keeps the capacity).
  void Clear();

  antlr4::Token* LT(ssize_t k) override {
    if (k > 0) {
      size_t i = p_ + static_cast<size_t>(k) - 1;
      return &tokens_[i < tokens_.size() ? i : tokens_.size() - 1];
    }
    if (k == 0 || static_cast<size_t>(-k) > p_) return nullptr;
    return &tokens_[p_ - static_cast<size_t>(-k)];
  }
  size_t LA(ssize_t i) override {
    antlr4::Token* t = LT(i);
    return t ? static_cast<RlsqAntlrToken*>(t)->type : antlr4::Token::INVALID_TYPE;
  }
  void consume() override;
  ssize_t mark() override { return 0; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = tokens_.empty() ? 0 : std::min(index, tokens_.size() - 1); }
  size_t size() override { return tokens_.size(); }
  std::string getSourceName() const override { return "rlsq"; }
  antlr4::Token* get(size_t index) const override;
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string getText() override;
  std::string getText(antlr4::RuleContext* ctx) override;
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override;

 private:
  std::string TextBetween(size_t first, size_t last) const;

  RlsqTokenSource* source_;
  std::vector<RlsqAntlrToken> tokens_;
  std::string_view sql_;
  size_t p_ = 0;
};

}  // namespace rlsq::parser_internal
