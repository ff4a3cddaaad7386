// PostgreSQL 15: everything PostgreSQL-specific in one place (lexer rules, keywords, folding, quoting, catalog).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/dialect/dialect.h"
#include "lib/lexer/lexer.h"

namespace rlsq {

// The lexer configuration that reproduces PostgreSQL 15's scan.l (standard_conforming_strings = on).
const LexerConfig& PostgresLexerConfig();

class PostgresDialect final : public Dialect {
 public:
  PostgresDialect();

  std::string_view name() const override { return "postgres"; }
  absl::Status Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const override;
  KeywordCategory Keyword(std::string_view folded_word) const override;
  std::string FoldIdentifier(std::string_view word) const override;
  // PostgreSQL's quote_identifier(): bare only if it matches [a-z_][a-z0-9_]* and is not a keyword other than an
  // unreserved one; otherwise double-quoted with '"' doubled.
  void AppendIdentifier(std::string_view ident, std::string* out) const override;
  // '...' with quotes doubled (exact under standard_conforming_strings = on); E'...' with escapes when the value
  // holds control characters other than tab and newline, so the output stays printable.
  void AppendStringLiteral(std::string_view value, std::string* out) const override;
  // PostgreSQL 15's catalog (lib/dialect/pg15/).
  const SystemCatalog& catalog() const override;

  const Lexer& lexer() const { return lexer_; }

 private:
  Lexer lexer_;
};

}  // namespace rlsq
